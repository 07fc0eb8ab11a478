"""What a state-only migration that moves models to another app runs: their content types change label, not id.

Permissions, group grants and admin log entries point at a content type's id, so they follow the models. A label
that already has the content type (post_migrate created it on a fresh database) is left alone. Migrations may
import this module: it only ever touches the historical ContentType model it is given.
"""

from django.db import migrations


def _relabel(apps, models, old_label, new_label):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model in models:
        if not content_types.filter(app_label=new_label, model=model).exists():
            content_types.filter(app_label=old_label, model=model).update(app_label=new_label)


def move_content_types(old_label, new_label, *models):
    """A RunPython operation relabelling the content types of ``models`` (lower-case names); reversible."""
    return migrations.RunPython(lambda apps, schema_editor: _relabel(apps, models, old_label, new_label),
                                lambda apps, schema_editor: _relabel(apps, models, new_label, old_label))

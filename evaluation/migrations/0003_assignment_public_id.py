"""Assignments get a random public id, used by evaluators instead of the task id (which reveals the system)."""

import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Assignment = apps.get_model("evaluation", "Assignment")
    for assignment in Assignment.objects.filter(public_id__isnull=True).only("pk").iterator():
        Assignment.objects.filter(pk=assignment.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("evaluation", "0002_evaluator_group"),
    ]

    operations = [
        migrations.AddField(model_name="assignment", name="public_id",
                            field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(model_name="assignment", name="public_id",
                              field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False)),
        migrations.AlterField(model_name="campaign", name="random_seed", field=models.BigIntegerField(
            help_text="Seeds the choice of seed tracks (display orders are secret).")),
    ]

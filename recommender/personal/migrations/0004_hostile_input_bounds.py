"""Bounds on what an import may store: plays from 2006 to 2099 only (a year-10000 play broke every reader), one
queued or running import per identical upload, and the heartbeat that tells a dead worker's import."""

import datetime

from django.conf import settings
from django.db import migrations, models

FIRST = datetime.datetime(2006, 1, 1, tzinfo=datetime.UTC)
BEFORE = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


def drop_unreadable_plays(apps, schema_editor):
    """Delete plays outside the bounds before the check constraint: in SQL, as Python can't even load year 10000."""
    table = apps.get_model("personal", "Play")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE played_at < %s OR played_at >= %s", [FIRST, BEFORE])


def fail_duplicate_active_imports(apps, schema_editor):
    """Keep the oldest of identical queued/running imports of one listener; the copies are marked failed."""
    history_import = apps.get_model("personal", "HistoryImport")
    seen = set()
    for pk, user_id, sha256 in (history_import.objects.filter(status__in=["queued", "running"])
                                .order_by("pk").values_list("pk", "user_id", "sha256")):
        if (user_id, sha256) in seen:
            history_import.objects.filter(pk=pk).update(status="failed", message="A copy of another import.")
        seen.add((user_id, sha256))


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_pendingtask_moves_to_outbox'),
        ('personal', '0003_retrain_after_the_nightly_rebuild'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_unreadable_plays, migrations.RunPython.noop),
        migrations.RunPython(fail_duplicate_active_imports, migrations.RunPython.noop),
        migrations.AddField(
            model_name='historyimport',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, help_text="runs started (a dead worker's run is retried)"),
        ),
        migrations.AddField(
            model_name='historyimport',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='historyimport',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['queued', 'running'])), fields=('user', 'sha256'), name='historyimport_one_active_per_upload'),
        ),
        migrations.AddConstraint(
            model_name='play',
            constraint=models.CheckConstraint(condition=models.Q(('played_at__gte', FIRST), ('played_at__lt', BEFORE)), name='play_played_at_in_range'),
        ),
    ]

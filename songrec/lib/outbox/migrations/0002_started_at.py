"""PendingTask.started_at: sent rows whose task never started are sent again; rows sent before count as started."""

from django.db import migrations, models


def count_sent_rows_as_started(apps, schema_editor):
    pending_task = apps.get_model("outbox", "PendingTask")
    pending_task.objects.filter(dispatched_at__isnull=False).update(started_at=models.F("dispatched_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('outbox', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='pendingtask',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='pendingtask',
            name='celery_task_id',
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.RunPython(count_sent_rows_as_started, migrations.RunPython.noop),
    ]

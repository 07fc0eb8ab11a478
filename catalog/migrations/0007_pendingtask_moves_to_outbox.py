"""PendingTask moves to the outbox app (songrec.lib.outbox): state only, the table keeps its name and rows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0006_merge_crawl_drift"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PendingTask")],
            database_operations=[],
        ),
    ]

"""The outbox's model, moved from the catalog app: state only, over the existing ``catalog_pendingtask`` table."""

from django.db import migrations, models

from songrec.lib.model_moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0007_pendingtask_moves_to_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PendingTask",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("task_name", models.CharField(help_text="registered Celery task name", max_length=200)),
                        ("args", models.JSONField(blank=True, default=list)),
                        ("kwargs", models.JSONField(blank=True, default=dict)),
                        ("dedupe_key", models.CharField(blank=True, max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("dispatched_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        ("celery_task_id", models.CharField(blank=True, max_length=64)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "catalog_pendingtask",
                        "ordering": ["pk"],
                        "constraints": [models.UniqueConstraint(
                            condition=models.Q(("dispatched_at__isnull", True),
                                               models.Q(("dedupe_key", ""), _negated=True)),
                            fields=("dedupe_key",), name="pendingtask_one_pending_per_dedupe_key")],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("catalog", "outbox", "pendingtask"),
    ]

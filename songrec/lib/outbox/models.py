"""The outbox table: Celery tasks recorded with the change that asked for them, until the broker takes them."""

from django.db import models
from django.db.models import Q


class PendingTask(models.Model):
    task_name = models.CharField(max_length=200, help_text="registered Celery task name")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # Requests for the same work (two clicks on "rebuild") collapse into one pending row.
    dedupe_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set by the worker when the task starts: a row sent but never started (the broker lost it) is sent again.
    started_at = models.DateTimeField(null=True, blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        # The table it had when the outbox lived in the catalog app; the move changed no data.
        db_table = "catalog_pendingtask"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], condition=Q(dispatched_at__isnull=True) & ~Q(dedupe_key=""),
                                    name="pendingtask_one_pending_per_dedupe_key"),
        ]

    def __str__(self):
        state = "started" if self.started_at else "sent" if self.dispatched_at else "pending"
        return f"{self.task_name} ({state})"

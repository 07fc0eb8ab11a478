"""Read-side questions about the outbox, for pages that show the state of background work."""

from .models import PendingTask


def waiting_for_broker() -> int:
    """How many recorded tasks have never been sent (the broker was down when they were due)."""
    return PendingTask.objects.filter(dispatched_at__isnull=True).count()

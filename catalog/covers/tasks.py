"""The background cover-art job: one throttled batch per task, which queues the next while albums remain."""

from celery import shared_task
from django.conf import settings

from .services import fetch_covers as fetch_batch


@shared_task(name="catalog.covers.fetch_covers", acks_late=True)
def fetch_covers():
    """Look up one batch (COVER_ART_BATCH albums); idempotent (looked-up albums are skipped). Does nothing with
    COVER_ART=0. Queues itself again when albums remain and Spotify did not ask to stop (Beat retries hourly)."""
    if not settings.COVER_ART:
        return {"skipped": "COVER_ART=0"}
    result = fetch_batch(limit=settings.COVER_ART_BATCH)
    if result.remaining and not result.stopped and result.found + result.missing:
        fetch_covers.apply_async(countdown=1)
    return {"found": result.found, "missing": result.missing, "remaining": result.remaining,
            "stopped": result.stopped}

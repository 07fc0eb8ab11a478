"""What the /crawl/ page and the crawl status API show: configuration, schedule, cursor, running run, counts."""

from django.conf import settings

from catalog.models import Track

from .client import credentials_configured
from .errors import CrawlConfigError
from .models import CrawlCursor
from .schedule import scheduled_entry
from .seeds import configured_seeds
from .selectors import MISSING_ANY_FEATURE, running_run
from .state import cursor_summary


def crawl_overview():
    """Everything the /crawl/ page and the status API show, as plain values."""
    try:
        seeds, seed_error = [seed.key for seed in configured_seeds()], ""
    except CrawlConfigError as exc:
        seeds, seed_error = [], str(exc)
    cursor = CrawlCursor.objects.filter(pk=1).first()
    entry = scheduled_entry()
    schedule = None
    if entry is not None:
        cron = entry.crontab
        schedule = {
            "id": entry.pk, "name": entry.name, "task": entry.task, "enabled": entry.enabled,
            "cron": " ".join([cron.minute, cron.hour, cron.day_of_month, cron.month_of_year, cron.day_of_week])
            if cron else "", "timezone": str(cron.timezone) if cron else "",
            "last_run_at": entry.last_run_at, "total_run_count": entry.total_run_count,
        }
    return {
        "configured": credentials_configured(),
        "features_provider": settings.SPOTIFY_FEATURES_PROVIDER,
        "seeds": seeds,
        "seed_error": seed_error,
        "running": running_run(),
        "cursor": cursor_summary(cursor.state if cursor else {}),
        "cursor_updated_at": cursor.updated_at if cursor else None,
        "schedule": schedule,
        "crawled_tracks": Track.objects.filter(fetched_at__isnull=False).count(),
        "tracks_missing_features": Track.objects.filter(MISSING_ANY_FEATURE).count(),
    }

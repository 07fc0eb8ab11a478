"""The nightly Spotify crawl, built on spotipy: start a run (one at a time), crawl, record how it ended.

The pieces: `client` (spotipy with bounded Retry-After waits, throttle, backoff, dev-mode fallbacks),
`audio_features` (Spotify / ReccoBeats providers), `seeds` (where to start), `crawler` (the walk and the
cursor), `store` (idempotent writes). `run_crawl` is what the command and the Celery task call.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.explore.hooks import crawl_finished

from .audio_features import build_features
from .client import NOT_CONFIGURED, build_gateway, credentials_configured
from .crawler import Crawler, CrawlLimits
from .errors import CrawlConfigError
from .models import CrawlCursor, CrawlRun
from .seeds import configured_seeds

logger = logging.getLogger(__name__)

__all__ = ["NOT_CONFIGURED", "credentials_configured", "reset_cursor", "run_crawl"]


def heartbeat_timeout():
    """How long a running crawl may go without progress before it counts as dead: longer than any single wait."""
    return timedelta(seconds=600 + 2 * settings.SPOTIFY_MAX_RETRY_AFTER)


def begin_run(trigger):
    """Create the run, or a "skipped" run when another crawl is alive; runs whose process died are closed."""
    CrawlCursor.load()
    with transaction.atomic():
        # The cursor row doubles as the lock: two workers starting at once are serialised here.
        CrawlCursor.objects.select_for_update().get(pk=1)
        now = timezone.now()
        dead_before = now - heartbeat_timeout()
        CrawlRun.objects.filter(status=CrawlRun.Status.RUNNING, heartbeat_at__lt=dead_before).update(
            status=CrawlRun.Status.FAILED, finished_at=now,
            message="interrupted: the crawling process stopped without finishing; its work resumes from the cursor")
        alive = CrawlRun.objects.filter(status=CrawlRun.Status.RUNNING).first()
        if alive is not None:
            return CrawlRun.objects.create(status=CrawlRun.Status.SKIPPED, trigger=trigger, finished_at=now,
                                           message=f"crawl #{alive.pk} is still running")
        return CrawlRun.objects.create(status=CrawlRun.Status.RUNNING, trigger=trigger, heartbeat_at=now)


def finish(run, status, message):
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    run.save()
    logger.info("crawl #%s %s: %s", run.pk, status, message)
    crawl_finished(run)
    return run


def run_crawl(trigger=CrawlRun.Trigger.COMMAND, *, queries=None, playlists=None, provider=None, progress=None,
              sleep=time.sleep, **limits):
    """Run one crawl and return its CrawlRun (already finished: succeeded, partial, failed or skipped).

    ``queries``/``playlists`` replace the configured seeds for this run (the seed cursor stays put);
    keyword ``limits`` override CrawlLimits fields (time_budget, max_albums, ...). Expected trouble — no
    credentials, rate limits, Spotify down — is recorded on the run, never raised; unexpected errors are
    recorded and re-raised.
    """
    if not credentials_configured():
        return CrawlRun.objects.create(status=CrawlRun.Status.SKIPPED, trigger=trigger, finished_at=timezone.now(),
                                       message=NOT_CONFIGURED)
    run = begin_run(trigger)
    if run.status != CrawlRun.Status.RUNNING:
        return run
    try:
        gateway = build_gateway(sleep=sleep)
        features = build_features(provider or settings.SPOTIFY_FEATURES_PROVIDER, gateway, sleep=sleep)
        run.features_provider = features.name
        crawler = Crawler(run, CrawlCursor.load(), gateway, features, seeds=configured_seeds(queries, playlists),
                          limits=CrawlLimits.from_settings(**limits), progress=progress,
                          rotate_seeds=queries is None and playlists is None)
        status, message = crawler.crawl()
    except CrawlConfigError as exc:
        return finish(run, CrawlRun.Status.FAILED, f"configuration error: {exc}")
    except Exception as exc:
        finish(run, CrawlRun.Status.FAILED, f"unexpected error: {exc.__class__.__name__}: {exc}")
        raise
    return finish(run, status, message)


def reset_cursor():
    """Forget the seed position and the queues: the next run starts from the first seed."""
    CrawlCursor.objects.update_or_create(pk=1, defaults={"state": {}})

"""Starting a crawl by hand (the API's POST and the staff pages' button): the chain crawl → index rebuild.

Refused, with a message saying what to do, while a crawl runs (409), without Spotify credentials or without a
Celery broker (503: without one the crawl would run inside the request for up to its whole time budget).
"""

from celery import current_app
from celery.result import AsyncResult

from songrec.lib.outbox import send_now_or_later

from . import tasks
from .client import NOT_CONFIGURED, credentials_configured
from .errors import CrawlRunning, CrawlUnavailable
from .models import CrawlRun
from .selectors import running_run


def start_crawl(trigger: str = CrawlRun.Trigger.API) -> AsyncResult:
    """Queue the crawl and the rebuild after it; returns the chain's AsyncResult (``.parent`` is the crawl)."""
    running = running_run()
    if running is not None:
        raise CrawlRunning(f"crawl #{running.pk} is still running")
    if not credentials_configured():
        raise CrawlUnavailable(NOT_CONFIGURED)
    if current_app.conf.task_always_eager:
        raise CrawlUnavailable("No Celery broker is configured; run `manage.py crawl_spotify` instead.")
    # An unreachable broker raises BrokerUnavailable, a 503 like the refusals above.
    return send_now_or_later(tasks.nightly_chain(trigger=trigger), "the crawl", "catalog.tasks.nightly_crawl",
                             kwargs={"trigger": str(trigger)}, dedupe_key="crawl-start")

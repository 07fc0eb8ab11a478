"""What the crawl calls when a run ends: record its drift and refresh the profile. Never raises."""

import logging

from .drift import record_crawl_drift
from .tasks import request_profile

logger = logging.getLogger(__name__)


def crawl_finished(run):
    """After a crawl run ended: drift of the tracks it added, then queue a new profile when it wrote any."""
    if run.tracks_created == 0 and run.tracks_updated == 0:
        return
    try:
        if run.tracks_created:
            record_crawl_drift(run)
    except Exception:  # drift is a report on the run; it must not turn a finished crawl into a failed one
        logger.exception("could not compute the drift of crawl #%s", run.pk)
    request_profile()

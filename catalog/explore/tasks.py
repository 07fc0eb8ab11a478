"""Celery task of the catalog explorer: recompute the cached profile after an import or crawl, and queue it once."""

import logging

from celery import shared_task
from django.core.cache import cache

from ..models import CatalogRevision
from .store import store_profiles

logger = logging.getLogger(__name__)

QUEUED_TIMEOUT = 15 * 60  # one queued computation per revision at a time


@shared_task(name="catalog.explore.tasks.build_profile", acks_late=True)
def build_profile(*_previous_results):
    """Profile the current catalog (whole and per genre) into the cache; idempotent, chainable."""
    return {"profiles": store_profiles()}


def request_profile(revision=None):
    """Queue the profile task unless it was queued for this revision already; never raises."""
    revision = CatalogRevision.current() if revision is None else revision
    if not cache.add(f"explore:profile:queued:{revision}", 1, timeout=QUEUED_TIMEOUT):
        return False
    try:
        build_profile.apply_async(retry=False)  # no publish retries: a broker that is down costs one timeout
    except Exception as error:  # a broker outage must not break the page or the import that asked
        logger.warning("could not queue the catalog profile: %s", error)
        cache.delete(f"explore:profile:queued:{revision}")
        return False
    return True

"""Celery task of the catalog explorer: recompute the cached profile after an import or crawl."""

from celery import shared_task

from .store import store_profiles


@shared_task(name="catalog.explore.tasks.build_profile", acks_late=True)
def build_profile(*_previous_results):
    """Profile the current catalog (whole and per genre) into the cache; idempotent, chainable."""
    return {"profiles": store_profiles()}

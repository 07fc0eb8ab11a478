"""Celery tasks of the catalog: the Spotify crawl and the nightly crawl → index rebuild chain.

The crawl task never raises for expected trouble (no credentials, rate limits, Spotify down): the CrawlRun
records it and the chain goes on to the index rebuild, which then simply finds fewer (or no) new tracks.
Only an unexpected error (a bug, the database gone) fails the task and so stops the chain.
"""

from celery import chain, shared_task, signature

from .service import run_crawl

REBUILD_INDEX_TASK = "recommender.tasks.rebuild_index"


@shared_task(name="catalog.tasks.crawl_spotify", acks_late=True)
def crawl_spotify(trigger="schedule"):
    """One crawl run; safe to repeat (idempotent upserts, a second concurrent run records itself as skipped)."""
    run = run_crawl(trigger=trigger)
    return {"run": run.pk, "status": run.status, "message": run.message}


def nightly_chain(trigger="schedule"):
    """crawl → rebuild; the rebuild is referred to by name so catalog does not import the recommender."""
    return chain(crawl_spotify.si(trigger=trigger), signature(REBUILD_INDEX_TASK, immutable=True))


@shared_task(name="catalog.tasks.nightly_crawl")
def nightly_crawl(trigger="schedule"):
    """What Beat runs each night: queue the chain and return the ids of its two tasks."""
    result = nightly_chain(trigger).apply_async()
    return {"crawl_task": result.parent.id if result.parent else None, "rebuild_task": result.id}

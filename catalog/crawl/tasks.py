"""Celery tasks of the crawl: the Spotify crawl and the nightly chain (the crawl, then what other apps register).

The crawl task never raises for expected trouble (no credentials, rate limits, Spotify down): the CrawlRun
records it and the chain goes on to the index rebuild, which then simply finds fewer (or no) new tracks.
Only an unexpected error (a bug, the database gone) fails the task and so stops the chain.
"""

from celery import chain, shared_task

from .service import run_crawl

# What the nightly chain runs after the crawl, in order: callables returning a Celery signature, registered by
# the apps above the catalog from their AppConfig.ready (the recommender registers its index rebuild).
_after_crawl = []


def run_after_crawl(make_signature):
    """Add a step to the nightly chain after the crawl (``make_signature()`` → an immutable signature); once."""
    if make_signature not in _after_crawl:
        _after_crawl.append(make_signature)


@shared_task(name="catalog.tasks.crawl_spotify", acks_late=True)
def crawl_spotify(trigger="schedule"):
    """One crawl run; safe to repeat (idempotent upserts, a second concurrent run records itself as skipped)."""
    run = run_crawl(trigger=trigger)
    return {"run": run.pk, "status": run.status, "message": run.message}


def nightly_chain(trigger="schedule"):
    """The crawl, then the steps registered with ``run_after_crawl``: the recommender's rebuild, which brings the
    clusters and the listeners' model after it (recommender.tasks.nightly_rebuild)."""
    return chain(crawl_spotify.si(trigger=trigger), *(make_signature() for make_signature in _after_crawl))


@shared_task(name="catalog.tasks.nightly_crawl")
def nightly_crawl(trigger="schedule"):
    """What Beat runs each night: queue the chain and return the ids of its two tasks."""
    result = nightly_chain(trigger).apply_async()
    return {"crawl_task": result.parent.id if result.parent else None, "rebuild_task": result.id}

"""Celery tasks of the catalog: the Spotify crawl and the nightly crawl → index rebuild chain.

The crawl task never raises for expected trouble (no credentials, rate limits, Spotify down): the CrawlRun
records it and the chain goes on to the index rebuild, which then simply finds fewer (or no) new tracks.
Only an unexpected error (a bug, the database gone) fails the task and so stops the chain.
"""

from celery import chain, shared_task, signature

from .service import run_crawl

REBUILD_INDEX_TASK = "recommender.tasks.rebuild_index"
BUILD_CLUSTERS_TASK = "recommender.clusters.tasks.build_clusters"
# Queued by the rebuild itself, through the outbox, once the new index is active (see rebuild_index's ``then``).
AFTER_REBUILD_TASKS = ["recommender.together.tasks.train_together_model",
                       "recommender.personal.tasks.train_personal_model"]


@shared_task(name="catalog.tasks.crawl_spotify", acks_late=True)
def crawl_spotify(trigger="schedule"):
    """One crawl run; safe to repeat (idempotent upserts, a second concurrent run records itself as skipped)."""
    run = run_crawl(trigger=trigger)
    return {"run": run.pk, "status": run.status, "message": run.message}


def nightly_chain(trigger="schedule"):
    """crawl → rebuild → clusters, the together model and the listeners' model; referred to by name so catalog
    does not import the recommender.

    The clustering is linked to the rebuild (runs when it succeeds) rather than a third chain step, so the
    chain's result stays the rebuild's. The listeners' model retraining is queued by the rebuild task itself
    when the index it leaves active is complete, so it never overlaps the rebuild nor sees a half-built version.
    """
    rebuild = signature(REBUILD_INDEX_TASK, kwargs={"then": AFTER_REBUILD_TASKS}, immutable=True)
    rebuild.link(signature(BUILD_CLUSTERS_TASK, immutable=True))
    return chain(crawl_spotify.si(trigger=trigger), rebuild)


@shared_task(name="catalog.tasks.nightly_crawl")
def nightly_crawl(trigger="schedule"):
    """What Beat runs each night: queue the chain and return the ids of its two tasks."""
    result = nightly_chain(trigger).apply_async()
    return {"crawl_task": result.parent.id if result.parent else None, "rebuild_task": result.id}

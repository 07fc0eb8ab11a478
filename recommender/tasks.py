"""Celery tasks of the recommender app (thin wrappers around services)."""

import logging

from celery import chord, shared_task
from celery.signals import worker_ready

from songrec.lib.outbox import enqueue

from . import services
from .errors import RebuildError, RebuildInProgress
from .index import distributed, incremental
from .index.params import IndexParams

logger = logging.getLogger(__name__)
REBUILD_TASK = "recommender.tasks.rebuild_index"
RESTART_DEAD_REBUILD_TASK = "recommender.tasks.restart_dead_rebuild"

# What follows the nightly rebuild, registered by the apps above from their AppConfig.ready: signatures linked to
# the rebuild (run when it succeeds; the clusters), and task names the rebuild queues through the outbox once the
# index it leaves active is complete (the listeners' model, which so never overlaps the rebuild).
_linked_after_rebuild = []
_queued_after_rebuild = []


def link_after_rebuild(make_signature):
    """Run ``make_signature()`` (an immutable signature) when the nightly rebuild succeeds; registered once."""
    if make_signature not in _linked_after_rebuild:
        _linked_after_rebuild.append(make_signature)


def queue_after_rebuild(task_name):
    """Queue the task ``task_name`` (no arguments) once the nightly rebuild leaves a complete active index."""
    if task_name not in _queued_after_rebuild:
        _queued_after_rebuild.append(task_name)


# reject_on_worker_lost: a worker killed mid-rebuild gives the message back, and the rerun finds the dead
# builder's version by the rebuild lock (failed and cleaned) before building afresh.
@shared_task(name=REBUILD_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=False)
def rebuild_index(*_previous_results, force=False, then=(), **overrides):
    """Bring the index up to date with the catalog: nothing when it is, else an incremental update of the
    active version, or a full rebuild when the parameters changed or the pipeline is due a refit (see
    recommender.index.incremental); ``force`` always rebuilds fully.

    ``then`` names tasks (no arguments) to queue once the active index is complete and current: built and
    activated, or found up to date; not when the rebuild was refused, skipped for another one still running,
    or built without activation. They go through the outbox, so a broker that is down when the rebuild ends
    delays them instead of losing them (the nightly chain retrains the listeners' model this way).

    Safe to call with no arguments and to chain after another task (a chained parent's result arrives as a
    positional argument and is ignored). Idempotent: a repeat finds the active version up to date and skips.
    Skips, rather than fails, while another rebuild runs. Returns a JSON-able summary.
    """
    try:
        params = IndexParams.from_settings(**overrides)
        result = services.rebuild_index(params) if force else incremental.refresh_index(params)
    except RebuildInProgress as error:
        logger.info("rebuild_index skipped: %s", error)
        return {"status": "skipped", "reason": str(error)}
    except RebuildError as error:
        logger.warning("rebuild_index refused: %s", error)
        return {"status": "refused", "reason": str(error)}
    version = result.version
    if result.skipped:
        return {"status": "skipped", "reason": result.reason, "version": version.pk, "queued": _queue(then)}
    return {"status": "built", "version": version.pk, "active": result.activated, "tracks": version.n_tracks,
            "seconds": version.timings.get("total"), "mlflow_run_id": version.mlflow_run_id,
            "pruned": result.pruned, "how": result.reason or "full rebuild",
            "queued": _queue(then) if result.activated else []}


def nightly_rebuild():
    """The nightly chain's step after the crawl (registered with catalog.crawl.tasks.run_after_crawl).

    What follows is linked to the rebuild rather than chained after it, so the chain's result stays the rebuild's.
    """
    rebuild = rebuild_index.si(then=list(_queued_after_rebuild))
    for make_signature in _linked_after_rebuild:
        rebuild.link(make_signature())
    return rebuild


@shared_task(name=RESTART_DEAD_REBUILD_TASK, ignore_result=True)
def restart_dead_rebuild():
    """Fail the versions of builders that died and queue a fresh full rebuild with the same parameters.

    Beat runs this every minute and every worker when it starts, so a rebuild killed with its whole worker (whose
    message Redis only gives back after its visibility timeout) is restarted without a person.
    """
    dead = services.fail_dead_builds()
    for version in dead[-1:]:  # the newest dead build's parameters: one fresh rebuild is enough
        logger.warning("index version %s lost its builder: starting a fresh rebuild", version.pk)
        enqueue(REBUILD_TASK, kwargs={"force": True, **version.params}, dedupe_key="restart-dead-rebuild")
    return [version.pk for version in dead]


@worker_ready.connect
def _restart_dead_rebuild_on_worker_start(**_kwargs):
    restart_dead_rebuild()


def _queue(task_names):
    """Record each follow-up task in the outbox (one pending row per task at most) and publish it."""
    for name in task_names:
        enqueue(name, dedupe_key=f"after-rebuild:{name}"[:100])
    return list(task_names)


def start_distributed_rebuild(params=None, shard_rows=None):
    """Write a new version's vectors, then queue its shards and the activation as a chord; (version, shards)."""
    version, shards = distributed.prepare_build(params, shard_rows)
    chord([compute_index_shard.si(version.pk, start, stop) for start, stop in shards])(
        finish_distributed_rebuild.si(version.pk, shards))
    return version, shards


@shared_task(name="recommender.tasks.rebuild_index_distributed", acks_late=True, ignore_result=False)
def rebuild_index_distributed(shard_rows=None, **overrides):
    """Queue a distributed rebuild (see recommender.index.distributed); returns at once with the version id."""
    try:
        version, shards = start_distributed_rebuild(IndexParams.from_settings(**overrides), shard_rows)
    except RebuildInProgress as error:
        return {"status": "skipped", "reason": str(error)}
    return {"status": "queued", "version": version.pk, "shards": len(shards)}


# A worker killed mid-shard gives the message back to the queue (another worker runs the shard again).
@shared_task(name="recommender.tasks.compute_index_shard", acks_late=True, reject_on_worker_lost=True)
def compute_index_shard(version_id, start, stop):
    return distributed.compute_shard(version_id, start, stop)


@shared_task(name="recommender.tasks.finish_distributed_rebuild", bind=True, acks_late=True,
             reject_on_worker_lost=True, max_retries=60)
def finish_distributed_rebuild(self, version_id, shards):
    """The chord's callback; waits (retries) while a re-run shard is missing or another run is finishing."""
    try:
        result = distributed.finish_build(version_id, [tuple(shard) for shard in shards])
    except distributed.NotYetFinishable as error:
        raise self.retry(exc=error, countdown=2) from None
    return {"status": "skipped" if result.skipped else "built", "version": result.version.pk,
            "active": result.activated}

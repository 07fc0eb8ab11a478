"""Celery tasks of the recommender app (thin wrappers around services)."""

import logging

from celery import shared_task

from . import services
from .errors import RebuildError, RebuildInProgress
from .params import IndexParams

logger = logging.getLogger(__name__)


@shared_task(name="recommender.tasks.rebuild_index", acks_late=True, ignore_result=False)
def rebuild_index(*_previous_results, force=False, **overrides):
    """Rebuild the index when the catalog or parameters changed since the active version (``force`` always).

    Safe to call with no arguments and to chain after another task (a chained parent's result arrives as a
    positional argument and is ignored). Idempotent: a repeat finds the active version up to date and skips.
    Skips, rather than fails, while another rebuild runs. Returns a JSON-able summary.
    """
    try:
        params = IndexParams.from_settings(**overrides)
        result = services.rebuild_index(params, if_stale=not force)
    except RebuildInProgress as error:
        logger.info("rebuild_index skipped: %s", error)
        return {"status": "skipped", "reason": str(error)}
    except RebuildError as error:
        logger.warning("rebuild_index refused: %s", error)
        return {"status": "refused", "reason": str(error)}
    version = result.version
    if result.skipped:
        return {"status": "skipped", "reason": result.reason, "version": version.pk}
    return {"status": "built", "version": version.pk, "active": result.activated, "tracks": version.n_tracks,
            "seconds": version.timings.get("total"), "mlflow_run_id": version.mlflow_run_id,
            "pruned": result.pruned}

"""Celery task of the clusters: refit after each index rebuild (linked to it in the nightly chain)."""

import logging

from celery import shared_task

from ..errors import NoActiveIndex

logger = logging.getLogger(__name__)


@shared_task(name="recommender.clusters.tasks.build_clusters", acks_late=True)
def build_clusters(*_previous_results, force=False):
    """Cluster the active index version unless it already is (``force`` refits); chainable, idempotent."""
    # Deferred: scikit-learn's clustering modules add seconds to every worker's start-up otherwise.
    from . import services

    try:
        result = services.build_clusters(force=force)
    except NoActiveIndex as error:
        logger.warning("build_clusters refused: %s", error)
        return {"status": "refused", "reason": str(error)}
    if result.skipped:
        return {"status": "skipped", "reason": result.reason, "clustering": result.clustering.pk}
    clustering = result.clustering
    return {"status": "built", "clustering": clustering.pk, "algorithm": clustering.algorithm,
            "clusters": clustering.n_clusters, "candidates": result.candidates, "seconds": round(result.seconds, 1)}

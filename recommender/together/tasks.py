"""Celery task of the together model (a thin wrapper around training)."""

import logging

from celery import shared_task

from .training import train_together_model

logger = logging.getLogger(__name__)
TRAIN_TASK = "recommender.together.tasks.train_together_model"


@shared_task(name=TRAIN_TASK, acks_late=True)
def train_together_model_task(*_previous_results):
    """Retrain the together model; queued by the nightly index rebuild once it succeeds (see
    catalog.crawl.tasks.nightly_chain). Arguments a chain may pass are ignored."""
    result = train_together_model()
    if result.model is None:
        logger.info("together model training skipped: %s", result.skipped)
        return {"status": "skipped", "reason": result.skipped}
    model = result.model
    return {"status": "trained", "model": model.pk, "playlists": model.n_playlists, "listeners": model.n_listeners,
            "tracks": model.n_tracks, "seconds": model.train_seconds, "mlflow_run_id": model.mlflow_run_id}

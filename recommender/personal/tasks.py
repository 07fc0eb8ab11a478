"""Celery tasks of the listeners' side (thin wrappers around imports and training)."""

import logging

from celery import shared_task

from .imports import IMPORT_TASK, run_import
from .training import train_personal_model

logger = logging.getLogger(__name__)
TRAIN_TASK = "recommender.personal.tasks.train_personal_model"


@shared_task(name=IMPORT_TASK, acks_late=True)
def import_history(history_import_id):
    """Import one uploaded history (a repeat after it finished does nothing)."""
    history_import = run_import(history_import_id)
    return {"import": history_import.pk, "status": history_import.status}


@shared_task(name=TRAIN_TASK, acks_late=True)
def train_personal_model_task(*_previous_results):
    """Retrain the collaborative model; queued by the nightly index rebuild once it succeeds (see
    recommender.tasks.nightly_rebuild). Arguments a chain may pass are ignored."""
    result = train_personal_model()
    if result.model is None:
        logger.info("personal model training skipped: %s", result.skipped)
        return {"status": "skipped", "reason": result.skipped}
    model = result.model
    return {"status": "trained", "model": model.pk, "listeners": model.n_listeners, "seconds": model.train_seconds,
            "blend_weight": model.blend_weight, "mlflow_run_id": model.mlflow_run_id}

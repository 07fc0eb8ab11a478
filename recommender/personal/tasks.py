"""Celery tasks of the listeners' side (thin wrappers around imports and training).

The long ones are ``acks_late`` with ``reject_on_worker_lost``: a worker killed mid-task gives the message back to
the broker and the task runs again; both are idempotent (an import claims its row, a training replaces the model).
"""

import logging

from celery import shared_task
from celery.signals import worker_ready

from .imports import IMPORT_TASK, recover_stale_imports, run_import, seconds_until_stale
from .training import train_personal_model

logger = logging.getLogger(__name__)
TRAIN_TASK = "recommender.personal.tasks.train_personal_model"
RECOVER_TASK = "recommender.personal.tasks.recover_stale_imports"


# Retries of a redelivered import waiting for a silent run's heartbeat to go stale (each waits up to
# PERSONAL_IMPORT_STALE_SECONDS); past them the Beat's recover_stale_imports still re-queues the import.
IMPORT_WAIT_RETRIES = 12


@shared_task(name=IMPORT_TASK, bind=True, acks_late=True, reject_on_worker_lost=True)
def import_history(self, history_import_id):
    """Import one uploaded history (a repeat after it finished does nothing). Found running: the run may be one
    whose pool process was killed (this is its redelivery), so come back once its heartbeat would be stale."""
    history_import = run_import(history_import_id)
    if history_import is None:
        wait = seconds_until_stale(history_import_id)
        if wait is not None and self.request.retries < IMPORT_WAIT_RETRIES:
            raise self.retry(countdown=wait, max_retries=IMPORT_WAIT_RETRIES)
        return {"import": history_import_id, "status": "busy or finished"}
    return {"import": history_import.pk, "status": history_import.status}


@shared_task(name=RECOVER_TASK, ignore_result=True)
def recover_stale_imports_task():
    """Re-queue (or fail) imports whose worker died; Beat runs this every minute and every worker at start."""
    requeued, failed = recover_stale_imports()
    if requeued or failed:
        logger.warning("imports whose worker died: re-queued %s, failed %s", requeued, failed)
    return {"requeued": requeued, "failed": failed}


@worker_ready.connect
def _recover_on_worker_start(**_kwargs):
    recover_stale_imports_task()


@shared_task(name=TRAIN_TASK, acks_late=True, reject_on_worker_lost=True)
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

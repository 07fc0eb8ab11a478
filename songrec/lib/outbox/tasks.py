"""Celery side of the outbox: the periodic dispatcher, a dispatch whenever a worker starts, and marking a
row started when its task starts."""

from celery import shared_task
from celery.signals import task_prerun, worker_ready

from .dispatch import dispatch_pending as dispatch
from .dispatch import mark_started


@shared_task(name="catalog.outbox.dispatch_pending", ignore_result=True)
def dispatch_pending():
    """Send tasks recorded while the broker was down (Beat runs this every minute)."""
    return dispatch()


@worker_ready.connect
def _dispatch_on_worker_start(**_kwargs):
    dispatch()


@task_prerun.connect
def _mark_outbox_row_started(task_id=None, **_kwargs):
    # One indexed UPDATE per task start; a task not sent through the outbox matches no row.
    if task_id:
        mark_started(task_id)

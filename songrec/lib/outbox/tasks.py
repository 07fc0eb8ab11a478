"""Celery side of the outbox: the periodic dispatcher, and a dispatch whenever a worker starts."""

from celery import shared_task
from celery.signals import worker_ready

from .dispatch import dispatch_pending as dispatch


@shared_task(name="catalog.outbox.dispatch_pending", ignore_result=True)
def dispatch_pending():
    """Send tasks recorded while the broker was down (Beat runs this every minute)."""
    return dispatch()


@worker_ready.connect
def _dispatch_on_worker_start(**_kwargs):
    dispatch()

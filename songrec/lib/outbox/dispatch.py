"""Publishing recorded tasks to the broker, fast: one connection attempt, no retry loop.

A row is done only once its task has started (the worker marks ``started_at``, see tasks.py). A row sent
``OUTBOX_RESEND_SECONDS`` ago whose task never started was lost by the broker (a Redis restarted without its
data, a flushed queue) and is sent again, up to ``OUTBOX_MAX_ATTEMPTS`` sends: every outbox task is idempotent.
"""

import importlib
import logging
from datetime import timedelta

from celery import current_app
from celery.utils import uuid
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from ..errors import UnavailableError
from .models import PendingTask

logger = logging.getLogger(__name__)

# What an unreachable broker raises while publishing (kombu wraps most, the socket layer the rest).
BROKER_ERRORS = (OperationalError, ConnectionError, OSError, TimeoutError)


class BrokerUnavailable(UnavailableError):
    """The Celery broker could not be reached; the task was recorded and is sent when the broker is back."""

    retry_after = None  # the task is already recorded: the client has nothing to retry

    def __init__(self, what, error):
        self.error = error
        super().__init__(f"The task queue (Celery broker) is unreachable, so {what} could not be queued now. "
                         f"It is recorded and will be queued as soon as the broker is back; no need to retry.")


def _task(name):
    """The registered task ``name`` (``module.function``), importing its module so it is registered."""
    if name not in current_app.tasks:
        importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


def _publish(task_name, args, kwargs, task_id):
    """Send once, without kombu's retry loop; raises a BROKER_ERRORS error when the broker is down."""
    _task(task_name).apply_async(args=list(args), kwargs=dict(kwargs), retry=False, task_id=task_id)


def _record(task_name, args, kwargs, dedupe_key):
    """The pending row for this work: a new one, or the one already waiting under ``dedupe_key``."""
    try:
        with transaction.atomic():
            return PendingTask.objects.create(task_name=task_name, args=list(args), kwargs=dict(kwargs),
                                              dedupe_key=dedupe_key)
    except IntegrityError:
        return PendingTask.objects.get(dedupe_key=dedupe_key, dispatched_at__isnull=True)


def _send(pending):
    """Publish a pending row; True when the broker took it (the row is marked sent), False when it is down."""
    # The id is stored before publishing, so a task that starts at once (a fast worker, eager mode) finds its row.
    task_id = uuid()
    PendingTask.objects.filter(pk=pending.pk).update(celery_task_id=task_id)
    try:
        _publish(pending.task_name, pending.args, pending.kwargs, task_id)
    except BROKER_ERRORS as error:
        PendingTask.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1, last_error=str(error)[:2000])
        logger.warning("broker unreachable, %s stays in the outbox: %s", pending.task_name, error)
        return False, error
    PendingTask.objects.filter(pk=pending.pk).update(dispatched_at=timezone.now(), attempts=pending.attempts + 1)
    return True, None


def mark_started(task_id):
    """The worker started the task ``task_id``: its outbox row (if it has one) is done."""
    PendingTask.objects.filter(celery_task_id=task_id, started_at__isnull=True).update(started_at=timezone.now())


def enqueue(task_name, args=(), kwargs=None, *, dedupe_key="", on_broker_down=None):
    """Record ``task_name(*args, **kwargs)`` in the current transaction and publish it once that commits.

    If the broker is down after the commit the row stays pending (``dispatch_pending`` sends it later) and
    ``on_broker_down(BrokerUnavailable)`` is called, e.g. to tell the admin user. Returns the PendingTask.
    """
    pending = _record(task_name, args, kwargs or {}, dedupe_key)

    def publish():
        sent, error = _send(pending)
        if not sent and on_broker_down is not None:
            on_broker_down(BrokerUnavailable(task_name, error))

    transaction.on_commit(publish)
    return pending


def send_now_or_later(signature, what, task_name, args=(), *, kwargs=None, dedupe_key=""):
    """Publish a Celery signature (a task or a chain) now; if the broker is down, record ``task_name`` instead.

    Returns the AsyncResult; raises BrokerUnavailable (naming ``what``) after recording the fallback task.
    """
    try:
        return signature.apply_async(retry=False)
    except BROKER_ERRORS as error:
        _record(task_name, args, kwargs or {}, dedupe_key)
        logger.warning("broker unreachable, %s recorded in the outbox: %s", task_name, error)
        raise BrokerUnavailable(what, error) from None


def _due():
    """Rows never sent, and rows sent long ago whose task never started (sends left)."""
    lost = Q(dispatched_at__lt=timezone.now() - timedelta(seconds=settings.OUTBOX_RESEND_SECONDS),
             started_at__isnull=True, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
    return PendingTask.objects.filter(Q(dispatched_at__isnull=True) | lost)


def dispatch_pending(limit=100):
    """Send the recorded tasks the broker has not taken (or has lost), oldest first; returns how many were sent.

    Stops at the first broker error (the rest would fail the same way). Rows are locked while sent, so two
    dispatchers (Beat and a starting worker) never send one twice.
    """
    sent, seen = 0, []
    while sent < limit:
        with transaction.atomic():
            # Each row once per call: a re-sent row is "sent" again at once, and must wait its bound anew.
            pending = _due().exclude(pk__in=seen).select_for_update(skip_locked=True).order_by("pk").first()
            if pending is None:
                return sent
            seen.append(pending.pk)
            ok, _error = _send(pending)
        if not ok:
            return sent
        sent += 1
    return sent

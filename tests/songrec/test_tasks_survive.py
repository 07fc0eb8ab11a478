"""Issue 22, item 4, with real Celery workers: no task is lost when the broker loses its data or a worker is
killed with SIGKILL mid-rebuild (the whole worker: its message stays unacknowledged in Redis for an hour)."""

import os
import signal

import pytest
import redis

from recommender.models import IndexVersion
from recommender.personal.models import HistoryImport
from songrec.celery import app
from songrec.lib.outbox import dispatch_pending, enqueue
from songrec.lib.outbox.models import PendingTask
from tests.factories import UserFactory
from tests.recommender.conftest import catalog  # noqa: F401  (30 indexable tracks)
from tests.workers import wait_for, workers  # noqa: F401  (real prefork workers, started on demand)

Status = IndexVersion.Status
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_task_the_broker_lost_is_sent_again_and_runs(workers, settings):  # noqa: F811
    settings.OUTBOX_RESEND_SECONDS = 0
    user = UserFactory()
    history_import = HistoryImport.objects.create(user=user, filename="gone.json", size=1, sha256="1" * 64)
    enqueue("recommender.personal.tasks.import_history", [history_import.pk])  # sent at once (no transaction)
    pending = PendingTask.objects.get()
    assert pending.dispatched_at is not None and pending.started_at is None
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # the broker loses its data

    workers()  # a starting worker dispatches the outbox: the lost row is sent again
    wait_for(lambda: PendingTask.objects.get().started_at, "the re-sent task to start")
    history_import.refresh_from_db()
    wait_for(lambda: HistoryImport.objects.get(pk=history_import.pk).status == "failed", "the import to run")
    assert "gone" in HistoryImport.objects.get(pk=history_import.pk).message  # it ran: its file was never there
    assert PendingTask.objects.get().attempts == 2
    assert dispatch_pending() == 0  # started: never sent again


def test_a_rebuild_killed_with_its_whole_worker_is_failed_and_restarted_by_the_next_worker(workers, catalog):  # noqa: F811
    worker = workers()
    app.send_task("recommender.tasks.rebuild_index", kwargs={"force": True, "k": 10})
    killed = wait_for(lambda: IndexVersion.objects.filter(status=Status.BUILDING).first(), "the build to start")
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its pool child, mid-build
    worker.wait()

    workers()  # no person involved: the new worker's start fails the dead build and queues a fresh one
    fresh = wait_for(lambda: IndexVersion.objects.filter(status=Status.ACTIVE).first(), "a fresh rebuild", 180)
    killed.refresh_from_db()
    assert killed.status == Status.FAILED and "builder died" in killed.message
    assert fresh.pk > killed.pk and fresh.k == 10

"""Issue 22, item 4, with real Celery workers: no task is lost when the broker loses its data or a worker is
killed with SIGKILL mid-rebuild (the whole worker: its message stays unacknowledged in Redis for an hour)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection

from recommender.models import IndexVersion
from recommender.personal.models import HistoryImport
from songrec.celery import app
from songrec.lib.outbox import dispatch_pending, enqueue
from songrec.lib.outbox.models import PendingTask
from tests.factories import UserFactory
from tests.recommender.conftest import catalog  # noqa: F401  (30 indexable tracks)

ROOT = Path(__file__).resolve().parents[2]
Status = IndexVersion.Status
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, what, deadline=120):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def workers(tmp_path, settings):
    """start() launches a real prefork worker (own session, so killpg reaches its children); all stop at the end."""
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL")
    redis.Redis.from_url(os.environ["REDIS_URL"]).ping()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.control.purge()
    db = connection.settings_dict
    env = {**os.environ, "CONN_MAX_AGE": "0", "SONGREC_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
           "RECOMMENDER_INDEX_DIR": str(settings.RECOMMENDER_INDEX_DIR),
           "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'ml.db'}", "PERSONAL_UPLOAD_DIR": str(tmp_path / "up"),
           "RECOMMENDER_INDEX_THREADS": "1", "OUTBOX_RESEND_SECONDS": "0"}
    processes = []

    def start():
        log = (tmp_path / f"worker{len(processes)}.log").open("w")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "songrec.celery", "worker", "--pool=prefork", "--concurrency=1",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"survive-{uuid.uuid4().hex[:6]}@%h"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True))
        return processes[-1]

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    app.control.purge()


def test_a_task_the_broker_lost_is_sent_again_and_runs(workers, settings):
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

"""Real Celery workers for tests of what survives a killed worker: started on demand, each in its own session (so
``os.killpg`` reaches its pool), with its pool processes named, and all stopped at the end."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def wait_for(condition, what, deadline=120):
    """Poll until ``condition()`` is true and return it (a liveness wait, not a timing assertion)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def pool_processes(worker):
    """The pids of a prefork worker's pool processes (its children)."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def empty_broker():
    """Drop every message in the test broker, those a killed worker had reserved too (kombu keeps them in Redis
    and gives them back later, so a purge alone would let an old test's rebuild run in the next test's workers)."""
    redis.Redis.from_url(django_settings.REDIS_URL).flushdb()


@pytest.fixture
def workers(tmp_path, settings):
    """start(**env) launches a real prefork worker with one pool process; all are stopped at the end.

    The worker shares the test's database, index directory and upload directory (``tmp_path / "up"``, set here).
    """
    if not django_settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL")
    redis.Redis.from_url(django_settings.REDIS_URL).ping()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.PERSONAL_UPLOAD_DIR = tmp_path / "up"
    empty_broker()
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    base_env = {**os.environ, "CONN_MAX_AGE": "0", "SONGREC_VAR_DIR": str(tmp_path), "DATABASE_URL": database_url,
                "RECOMMENDER_INDEX_DIR": str(settings.RECOMMENDER_INDEX_DIR),
                "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'ml.db'}", "PERSONAL_UPLOAD_DIR": str(tmp_path / "up"),
                "RECOMMENDER_INDEX_THREADS": "1", "OUTBOX_RESEND_SECONDS": "0"}
    processes = []

    def start(**env):
        log = (tmp_path / f"worker{len(processes)}.log").open("w")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "songrec.celery", "worker", "--pool=prefork", "--concurrency=1",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"survive-{uuid.uuid4().hex[:6]}@%h"], cwd=ROOT, env={**base_env, **env}, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True))
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
    empty_broker()

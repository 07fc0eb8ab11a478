"""Celery: the crawl task, the nightly crawl → rebuild chain, and one run on a real worker over Redis."""

import importlib.util
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery.result import AsyncResult
from django.conf import settings as django_settings
from django.db import connection

from catalog.crawl.models import CrawlRun
from catalog.crawl.tasks import crawl_spotify, nightly_chain, nightly_crawl
from catalog.models import Track

ROOT = Path(__file__).resolve().parent.parent.parent.parent


def test_the_nightly_chain_is_the_crawl_then_the_index_rebuild():
    crawl, rebuild = nightly_chain().tasks
    assert (crawl.task, crawl.kwargs, crawl.immutable) == ("catalog.tasks.crawl_spotify", {"trigger": "schedule"}, True)
    assert (rebuild.task, rebuild.immutable) == ("recommender.tasks.rebuild_index", True)


@pytest.mark.django_db
def test_without_credentials_the_crawl_task_records_a_skipped_run_and_succeeds(settings):
    settings.SPOTIFY_CLIENT_ID = ""
    result = crawl_spotify.apply()
    assert result.successful()  # so the chain goes on to the rebuild
    run = CrawlRun.objects.get()
    assert result.result == {"run": run.pk, "status": "skipped", "message": run.message}
    assert run.trigger == CrawlRun.Trigger.SCHEDULE and "SPOTIFY_CLIENT_ID" in run.message


@pytest.mark.django_db
def test_the_crawl_task_crawls(crawl_settings, world):
    crawl_settings.SPOTIFY_SEED_QUERIES = ["genre:jazz"]
    result = crawl_spotify.apply(kwargs={"trigger": "command"})
    assert result.result["status"] == "succeeded"
    assert Track.objects.count() == 2


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_task_after_recording_it(crawl_settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("catalog.crawl.service.Crawler.crawl", broken)
    result = crawl_spotify.apply(throw=False)
    assert result.failed() and isinstance(result.result, RuntimeError)  # so the chain stops before the rebuild
    assert CrawlRun.objects.get().message == "unexpected error: RuntimeError: disk full"


def _redis_available():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return False
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db, fake_spotify, tmp_path):
    """A real `celery worker` subprocess on Redis (REDIS_URL), reading the test database and the fake Spotify."""
    if not _redis_available() or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL pointing at a running Redis and the PostgreSQL test database")
    from songrec.celery import app

    app.control.purge()  # drop messages an earlier, interrupted run may have left in the test's queue
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(), "CONN_MAX_AGE": "0", "SONGREC_VAR_DIR": str(tmp_path),
        "RECOMMENDER_INDEX_DIR": str(tmp_path / "index"), "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'ml.db'}",
        "SPOTIFY_CLIENT_ID": fake_spotify.client_id, "SPOTIFY_CLIENT_SECRET": fake_spotify.client_secret,
        "SPOTIFY_API_PREFIX": f"{fake_spotify.url}/v1/", "SPOTIFY_TOKEN_URL": f"{fake_spotify.url}/api/token",
        "RECCOBEATS_API_URL": f"{fake_spotify.url}/reccobeats/v1/", "SPOTIFY_SEED_QUERIES": "genre:synthpop",
        "SPOTIFY_SEED_CATALOG_ARTISTS": "0", "SPOTIFY_REQUESTS_PER_SECOND": "0", "SPOTIFY_CRAWL_TIME_BUDGET": "20",
        "SPOTIFY_REQUEST_TIMEOUT": "5",
    }
    log = tmp_path / "worker.log"
    name = f"crawltest-{uuid.uuid4().hex[:8]}@%h"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "songrec", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", name],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait(result, process, log, timeout=120):
    """The worker's result; the deadline only catches a hung worker (its start alone takes 20 s on a busy host)."""
    deadline = time.monotonic() + timeout
    while not result.ready():
        if process.poll() is not None:
            pytest.fail(f"the worker exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no result within {timeout}s; worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return result.get(timeout=1)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_nightly_crawl_then_hands_over_to_the_rebuild(worker, fake_spotify, world):
    process, log = worker
    assert not django_settings.CELERY_TASK_ALWAYS_EAGER

    queued = _wait(nightly_crawl.apply_async(), process, log)
    crawl = _wait(AsyncResult(queued["crawl_task"]), process, log)

    run = CrawlRun.objects.get(pk=crawl["run"])
    assert (crawl["status"], run.status, run.trigger) == ("succeeded", "succeeded", "schedule"), run.message
    assert Track.objects.count() == 6 and all(track.has_all_features for track in Track.objects.all())

    rebuild = AsyncResult(queued["rebuild_task"])
    if importlib.util.find_spec("recommender.tasks") is not None:
        rebuilt = _wait(rebuild, process, log)  # the recommender's rebuild ran after the crawl
        assert rebuild.successful()
        if rebuilt.get("status") == "built":
            assert rebuilt["tracks"] == 6  # the index holds what the crawl just stored
    else:
        # The recommender's task is not written yet: the worker still received the chain's second step.
        deadline = time.monotonic() + 10
        while "recommender.tasks.rebuild_index" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Received unregistered task of type 'recommender.tasks.rebuild_index'" in log.read_text()

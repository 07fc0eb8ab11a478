import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from recommender import tasks
from recommender.index import distributed
from recommender.index.params import IndexParams
from recommender.models import IndexVersion, NeighborList
from tests.recommender.conftest import build
from tests.workers import empty_broker

from .test_incremental import stored_lists

ROOT = Path(__file__).resolve().parents[3]
Status = IndexVersion.Status


def test_shards_in_any_order_and_run_twice_give_the_lists_of_a_single_process_rebuild(catalog):
    reference = stored_lists(build(k=4).version)
    version, shards = distributed.prepare_build(IndexParams.from_settings(k=4), shard_rows=7)
    assert shards == [(0, 7), (7, 14), (14, 21), (21, 28), (28, 30)]
    for start, stop in reversed(shards[1:]):
        distributed.compute_shard(version.pk, start, stop)
    distributed.compute_shard(version.pk, 7, 14)  # a shard delivered twice
    with pytest.raises(distributed.ShardsMissing, match="1 shard"):
        distributed.finish_build(version.pk, shards)

    distributed.compute_shard(version.pk, 0, 7)
    result = distributed.finish_build(version.pk, shards)

    assert result.activated and result.version.status == Status.ACTIVE
    assert NeighborList.objects.filter(version=version).count() == 60
    assert stored_lists(version) == reference
    assert not (version.directory / "shards").exists()
    assert (version.directory / "extended_cosine.npy").is_file()
    assert set(result.version.metrics) == {"cosine", "euclidean"}
    assert result.version.metrics["euclidean"]["mean_topk_distance"] > 0
    assert distributed.compute_shard(version.pk, 0, 7)["status"] == "skipped"  # late redelivery: harmless


def test_a_second_finisher_waits_while_the_first_holds_the_version_and_then_finds_it_done(catalog, live_builder):
    # A shard run twice is counted twice by the chord, so its callback can run twice at once (CI saw both write
    # the same extended-list file and the loser fail the finished build).
    version, shards = distributed.prepare_build(IndexParams.from_settings(k=4), shard_rows=10)
    for start, stop in shards:
        distributed.compute_shard(version.pk, start, stop)

    with pytest.raises(distributed.FinishingElsewhere):  # live_builder stands for the first finisher
        distributed.finish_build(version.pk, shards)
    version.refresh_from_db()
    assert version.status == Status.BUILDING and (version.directory / "shards").is_dir()

    live_builder.release()
    assert distributed.finish_build(version.pk, shards).version.status == Status.ACTIVE
    assert distributed.finish_build(version.pk, shards).skipped  # the late duplicate


def test_a_failing_shard_fails_the_build_and_the_old_version_keeps_serving(catalog, monkeypatch):
    first = build(k=4).version
    version, shards = distributed.prepare_build(IndexParams.from_settings(k=4), shard_rows=10)
    monkeypatch.setattr(distributed.storage, "write_neighbor_lists", lambda *args, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        distributed.compute_shard(version.pk, *shards[0])
    version.refresh_from_db()
    assert version.status == Status.FAILED and not NeighborList.objects.filter(version=version).exists()
    assert IndexVersion.objects.get(status=Status.ACTIVE) == first


def _redis_available():
    import redis

    try:
        return bool(settings.REDIS_URL) and redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def two_workers(transactional_db, tmp_path):
    """Two real `celery worker` processes (prefork, one child each) on Redis, one of which dies once mid-run."""
    if not _redis_available() or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL pointing at a running Redis and the PostgreSQL test database")
    empty_broker()
    db = connection.settings_dict
    env = {**os.environ, "CONN_MAX_AGE": "0", "SONGREC_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
           "RECOMMENDER_INDEX_DIR": str(tmp_path / "index"), "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'ml.db'}",
           "RECOMMENDER_INDEX_THREADS": "1", "SONGREC_TEST_CRASH_MARKER": str(tmp_path / "crashed")}
    processes, logs = [], []
    for number in range(2):
        log = tmp_path / f"worker{number}.log"
        with log.open("w") as output:
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "tests.recommender.index.shard_crash_app", "worker",
                 "--pool=prefork", "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-n", f"shards{number}-{uuid.uuid4().hex[:6]}@%h"],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT))
        logs.append(log)
    try:
        yield tmp_path, logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        empty_broker()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_two_real_workers_build_the_shards_and_survive_one_dying_mid_shard(two_workers, catalog):
    directory, logs = two_workers
    reference = stored_lists(build(k=4).version)
    version, shards = tasks.start_distributed_rebuild(IndexParams.from_settings(k=4), shard_rows=5)
    assert len(shards) == 6

    # The finishing shard marks the version ready, then activates it: wait through both.
    deadline = time.monotonic() + 120
    while (IndexVersion.objects.get(pk=version.pk).status in (Status.BUILDING, Status.READY)
           and time.monotonic() < deadline):
        time.sleep(0.5)
    version.refresh_from_db()
    worker_logs = "\n".join(log.read_text() for log in logs)
    assert version.status == Status.ACTIVE, f"{version.status}: {version.message}\n{worker_logs[-4000:]}"
    assert (directory / "crashed").exists()  # one worker process did die after a shard
    assert NeighborList.objects.filter(version=version).count() == 60
    assert stored_lists(version) == reference
    assert "distributed rebuild in 6 shards" in version.message

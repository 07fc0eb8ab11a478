"""A rebuild killed with SIGKILL is recognised at once: its version is failed and cleaned, the next one starts.

The builder holds a PostgreSQL advisory lock for the life of its build; the server drops it when the process
dies, so whoever takes the lock next knows the "building" version has no builder left.
"""

import os
import signal
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from catalog.models import CatalogRevision
from recommender import services
from recommender.index.build_lock import BuildLock, builder_alive
from recommender.models import IndexVersion, NeighborList
from tests.workers import wait_for

from .conftest import build

Status = IndexVersion.Status
REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks need PostgreSQL")


def start_rebuild_subprocess(tmp_path):
    database = connection.settings_dict
    env = {**os.environ,
           "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
           "RECOMMENDER_INDEX_DIR": str(settings.RECOMMENDER_INDEX_DIR), "SONGREC_VAR_DIR": str(tmp_path / "var"),
           # A fresh MLflow store takes seconds to create: the build is still "building" while it does.
           "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow-killed.db'}",
           "MLFLOW_ARTIFACT_ROOT": str(tmp_path / "mlartifacts-killed")}
    return subprocess.Popen([sys.executable, "manage.py", "rebuild_index", "--k", "10", "--no-progress"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def signal_mid_build(tmp_path, signum):
    """Start a rebuild in a subprocess, send it ``signum`` at its MLflow stage; (the version it was building,
    the process's return code)."""
    process = start_rebuild_subprocess(tmp_path)
    try:
        version = wait_for(lambda: IndexVersion.objects.filter(status=Status.BUILDING, stage="mlflow").first()
                           or (process.poll() is not None and pytest.fail(process.stderr.read().decode())),
                           "the subprocess to reach its MLflow stage")
        os.kill(process.pid, signum)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return version, process.returncode


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("catalog_changed", [False, True], ids=["up to date", "catalog changed"])
def test_a_rebuild_killed_with_sigkill_is_failed_and_cleaned_by_the_next_if_stale_run(catalog, tmp_path,
                                                                                     catalog_changed):
    active = build().version
    killed, returncode = signal_mid_build(tmp_path, signal.SIGKILL)
    assert returncode == -signal.SIGKILL
    assert NeighborList.objects.filter(version=killed).exists() and killed.directory.exists()
    wait_for(lambda: not builder_alive(), "PostgreSQL to drop the killed builder's lock")
    assert IndexVersion.objects.get(pk=killed.pk).status == Status.BUILDING

    if catalog_changed:  # the nightly case: the crawl added tracks, so --if-stale has a build to do
        CatalogRevision.bump()
    out = StringIO()
    call_command("rebuild_index", "--if-stale", "--k", "10", "--no-progress", stdout=out)

    killed.refresh_from_db()
    assert killed.status == Status.FAILED and "builder died" in killed.message
    assert not NeighborList.objects.filter(version=killed).exists()
    assert not killed.directory.exists()
    if catalog_changed:  # the same run built and activated a new version: no waiting out a stale heartbeat
        assert "Nothing to do" not in out.getvalue()
        rebuilt = IndexVersion.objects.get(status=Status.ACTIVE)
        assert rebuilt.pk not in (active.pk, killed.pk) and rebuilt.catalog_revision == CatalogRevision.current()
    else:
        assert "Nothing to do" in out.getvalue()
        assert IndexVersion.objects.get(status=Status.ACTIVE) == active
        # …and the next real rebuild starts at once instead of waiting out a stale-heartbeat period.
        assert build().version.status == Status.ACTIVE


@pytest.mark.django_db(transaction=True)
def test_a_live_builder_is_never_taken_for_dead_and_its_end_is_seen_at_once(catalog):
    live = BuildLock()
    assert live.acquire()
    running = IndexVersion.objects.create(status=Status.BUILDING, stage="neighbours", progress=0.5)
    try:
        assert services.running_build() == running and builder_alive()
    finally:
        live.release()
    assert IndexVersion.objects.get(pk=running.pk).status == Status.BUILDING
    assert services.running_build() is None
    assert IndexVersion.objects.get(pk=running.pk).status == Status.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_stopped_with_sigterm_fails_and_cleans_its_own_version_at_once(catalog, tmp_path):
    # `make run` stops its background build with SIGTERM: it must not leave a "building" version that a SQLite
    # demo (no advisory locks) would wait out for RECOMMENDER_REBUILD_STALE_SECONDS before building again.
    stopped, returncode = signal_mid_build(tmp_path, signal.SIGTERM)
    assert returncode != 0
    stopped.refresh_from_db()
    assert stopped.status == Status.FAILED and stopped.message == "interrupted"
    assert not NeighborList.objects.filter(version=stopped).exists() and not stopped.directory.exists()

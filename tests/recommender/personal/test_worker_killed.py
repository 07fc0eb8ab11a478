"""Issue 22, item 4, with a real prefork worker: ``kill -9`` of its pool process (not the worker) mid-import and
mid-training. The task is redelivered (acks_late, reject_on_worker_lost) and finishes without a person."""

import json
import os
import signal

import pytest

from recommender.personal.imports import queue_import, upload_path
from recommender.personal.models import HistoryImport, PersonalModel, Play
from recommender.personal.tasks import TRAIN_TASK
from songrec.celery import app
from tests.workers import pool_processes, wait_for, workers  # noqa: F401  (real prefork workers)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
NAME = "Streaming_History_Audio_2024.json"
UNHEARD_SONGS = 3000  # each a fuzzy search: seconds of matching, so the kill lands mid-run


def kill_the_pool_process(worker):
    [child] = pool_processes(worker)
    os.kill(child, signal.SIGKILL)
    return child


def assert_only_the_pool_process_died(worker, child):
    assert worker.poll() is None  # the worker itself lives on, with a new pool process
    assert wait_for(lambda: pool_processes(worker) and pool_processes(worker) != [child], "a new pool process")


def test_an_import_whose_pool_process_is_killed_is_redelivered_and_finishes(workers, listener, tracks):  # noqa: F811
    rows = [{"ts": "2024-04-01T10:00:00Z", "ms_played": 240000, "master_metadata_track_name": track.name,
             "master_metadata_album_artist_name": "someone", "spotify_track_uri": f"spotify:track:{track.spotify_id}"}
            for track in tracks["jazz"][:2]]
    rows += [{"ts": "2024-04-01T11:00:00Z", "ms_played": 99000, "master_metadata_track_name": f"Unheard {number}",
              "master_metadata_album_artist_name": f"Nobody {number}", "spotify_track_uri": None}
             for number in range(UNHEARD_SONGS)]
    content = json.dumps(rows).encode()
    history_import = HistoryImport.objects.create(user=listener, filename=NAME, size=len(content), sha256="2" * 64)
    upload_path(history_import).parent.mkdir(parents=True)
    upload_path(history_import).write_bytes(content)
    # A redelivered import waits for the dead run's heartbeat to go stale: 5 s here instead of 5 minutes.
    worker = workers(PERSONAL_IMPORT_STALE_SECONDS="5")
    queue_import(history_import)  # through the outbox, as an upload too big for the request is

    wait_for(lambda: HistoryImport.objects.filter(pk=history_import.pk, status="running", progress__gt=0).exists(),
             "the import to be matching songs")
    child = kill_the_pool_process(worker)

    finished = wait_for(lambda: HistoryImport.objects.filter(pk=history_import.pk, status__in=["done", "failed"])
                        .first(), "the redelivered import to finish", 300)
    assert finished.status == "done", finished.message
    assert finished.attempts == 2  # the killed run and the redelivered one
    assert finished.summary["unmatched_songs"] == UNHEARD_SONGS and finished.summary["new_plays"] == 2
    assert Play.objects.filter(history_import=finished).count() == 2
    assert_only_the_pool_process_died(worker, child)


def test_a_training_whose_pool_process_is_killed_is_redelivered_and_finishes(workers, listeners, index):  # noqa: F811
    # A fresh MLflow store takes seconds to create, at the end of the run: the model is "training" meanwhile.
    worker = workers(PERSONAL_MIN_LISTENERS="20")
    app.send_task(TRAIN_TASK)

    killed = wait_for(lambda: PersonalModel.objects.filter(status=PersonalModel.Status.TRAINING).first(),
                      "the training to start")
    child = kill_the_pool_process(worker)

    trained = wait_for(lambda: PersonalModel.objects.filter(status=PersonalModel.Status.ACTIVE).first(),
                       "the redelivered training to finish", 300)
    killed.refresh_from_db()
    assert killed.status == PersonalModel.Status.FAILED and "its worker died" in killed.message
    assert trained.pk > killed.pk and trained.n_listeners == 24
    assert_only_the_pool_process_died(worker, child)

"""Issue 22, item 2: an import never runs in the request past its time budget (the rest goes to Celery), and a
running import whose worker died is re-queued, or failed with a message, by recover_stale_imports."""

import json
import time
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from recommender.personal import imports
from recommender.personal.imports import recover_stale_imports, upload_path
from recommender.personal.models import HistoryImport, Play
from recommender.personal.tasks import import_history, recover_stale_imports_task
from songrec.lib.outbox.models import PendingTask

from .test_history_import import basic_rows, upload

pytestmark = pytest.mark.django_db
NAME = "StreamingHistory_music_0.json"
Status = HistoryImport.Status


def unheard_rows(count):
    """``count`` plays of songs no catalog track matches: each one costs a fuzzy search."""
    return [{"endTime": "2024-03-01 20:15", "artistName": f"Nobody {number}", "trackName": f"Unheard {number}",
             "msPlayed": 99000} for number in range(count)]


def run_callbacks(callbacks):
    for callback in callbacks:  # the queued task runs (eagerly, as a worker would)
        callback()


@pytest.fixture
def slow_matching(monkeypatch):
    """Each song takes 20 ms more to match, so 100 unheard songs need over 2 s; yields the songs matched so far."""
    match, matched = imports.match_by_name, []

    def slowly(artist, title):
        time.sleep(0.02)
        matched.append(title)
        return match(artist, title)

    monkeypatch.setattr(imports, "match_by_name", slowly)
    return matched


def test_an_inline_import_past_its_budget_goes_to_celery_and_finishes_there(
        client, listener, tracks, settings, slow_matching, django_capture_on_commit_callbacks):
    settings.PERSONAL_INLINE_IMPORT_SECONDS = 0.3
    client.force_login(listener)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, NAME, json.dumps(basic_rows(tracks) + unheard_rows(100)).encode())
    matched_in_the_request = len(slow_matching)

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "queued" and response.json()["summary"] == {}
    history_import = HistoryImport.objects.get(user=listener)
    assert history_import.attempts == 0 and not Play.objects.exists()  # the request stored nothing
    assert upload_path(history_import).is_file()  # kept for the worker
    assert 0 < matched_in_the_request < 100  # it started, and stopped at the budget (checked every 10 songs)
    pending = PendingTask.objects.get()
    assert (pending.task_name, pending.args) == (imports.IMPORT_TASK, [history_import.pk])

    run_callbacks(callbacks)
    history_import.refresh_from_db()
    assert history_import.status == Status.DONE and history_import.attempts == 1
    assert history_import.summary["unmatched_songs"] == 101 and history_import.summary["new_plays"] == 2
    assert not upload_path(history_import).exists()


def test_an_import_within_its_budget_finishes_in_the_request(client, listener, tracks, settings, slow_matching):
    settings.PERSONAL_INLINE_IMPORT_SECONDS = 30
    client.force_login(listener)
    response = upload(client, NAME, json.dumps(basic_rows(tracks) + unheard_rows(5)).encode())
    assert response.status_code == 201 and response.json()["status"] == "done"
    assert not PendingTask.objects.exists()


def running_import(listener, tracks, *, silent_for, attempts=1, with_file=True):
    """An import a worker claimed and last reported on ``silent_for`` seconds ago."""
    content = json.dumps(basic_rows(tracks)).encode()
    history_import = HistoryImport.objects.create(
        user=listener, filename=NAME, size=len(content), sha256=f"{silent_for:064d}"[:64], status=Status.RUNNING,
        progress=0.36, attempts=attempts, heartbeat_at=timezone.now() - timedelta(seconds=silent_for))
    if with_file:
        upload_path(history_import).parent.mkdir(parents=True, exist_ok=True)
        upload_path(history_import).write_bytes(content)
    return history_import


def test_a_running_import_whose_worker_died_is_queued_again_and_finishes(
        listener, tracks, settings, django_capture_on_commit_callbacks):
    settings.PERSONAL_IMPORT_STALE_SECONDS = 300
    dead = running_import(listener, tracks, silent_for=301)
    alive = running_import(listener, tracks, silent_for=10)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert recover_stale_imports() == ([dead.pk], [])
    dead.refresh_from_db()
    assert dead.status == Status.QUEUED and dead.progress == 0.0 and "stopped; it starts again" in dead.message
    assert HistoryImport.objects.get(pk=alive.pk).status == Status.RUNNING  # its worker still reports
    assert list(PendingTask.objects.values_list("args", flat=True)) == [[dead.pk]]

    run_callbacks(callbacks)
    dead.refresh_from_db()
    assert dead.status == Status.DONE and dead.attempts == 2 and dead.message == ""
    assert Play.objects.filter(history_import=dead).count() == 2
    assert recover_stale_imports() == ([], [])


@pytest.mark.parametrize("attempts, with_file, reason", [(3, True, "stopped 3 times"), (1, False, "stopped 1 times")])
def test_a_dead_import_without_attempts_or_file_left_is_failed_with_a_message(
        listener, tracks, settings, attempts, with_file, reason):
    settings.PERSONAL_IMPORT_MAX_ATTEMPTS = 3
    dead = running_import(listener, tracks, silent_for=3600, attempts=attempts, with_file=with_file)

    assert recover_stale_imports_task() == {"requeued": [], "failed": [dead.pk]}
    dead.refresh_from_db()
    assert dead.status == Status.FAILED and dead.finished_at is not None
    assert reason in dead.message and "Upload the file again" in dead.message
    assert not upload_path(dead).exists() and not PendingTask.objects.exists()


def test_a_redelivered_import_task_waits_for_a_live_run_and_takes_over_a_dead_one(listener, tracks, settings):
    settings.PERSONAL_IMPORT_STALE_SECONDS = 300
    history_import = running_import(listener, tracks, silent_for=10)
    with pytest.raises(Retry) as retry:  # the run may be dead: try again once its heartbeat would be stale
        import_history.apply(args=[history_import.pk], throw=True)
    assert 290 <= retry.value.when <= 291
    assert HistoryImport.objects.get(pk=history_import.pk).status == Status.RUNNING

    HistoryImport.objects.filter(pk=history_import.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert import_history(history_import.pk) == {"import": history_import.pk, "status": "done"}
    assert import_history(history_import.pk)["status"] == "busy or finished"  # a late duplicate: nothing twice
    assert Play.objects.filter(history_import=history_import).count() == 2

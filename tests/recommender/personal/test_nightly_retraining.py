"""The listeners' model is retrained by the nightly rebuild once the new index is active, through the outbox."""

import pytest
from django_celery_beat.models import PeriodicTask

from catalog.crawl.tasks import nightly_chain
from recommender.errors import RebuildInProgress
from recommender.index import incremental
from recommender.models import IndexVersion
from recommender.personal.models import PersonalModel
from recommender.personal.tasks import TRAIN_TASK
from recommender.tasks import rebuild_index
from recommender.together.tasks import TRAIN_TASK as TOGETHER_TRAIN_TASK
from songrec.lib.outbox import dispatch_pending
from songrec.lib.outbox.models import PendingTask
from tests.broker import broker_down  # noqa: F401  (a Celery broker on a closed port)

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_index_settings(settings):
    # The three styles of the test catalog need the genre weight they were laid out for (see conftest's index).
    settings.RECOMMENDER_DEFAULT_K, settings.RECOMMENDER_GENRE_WEIGHT = 10, 0.75
    settings.SPOTIFY_CLIENT_ID = ""  # the crawl records a skipped run and the chain goes on
    return settings


def test_the_nightly_chain_rebuilds_the_index_then_retrains_the_listeners_model(
        listeners, small_index_settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = nightly_chain().apply()

    rebuilt = result.get()
    assert rebuilt["status"] == "built" and rebuilt["active"] and rebuilt["queued"] == [TOGETHER_TRAIN_TASK, TRAIN_TASK]
    version = IndexVersion.objects.get(pk=rebuilt["version"])
    model = PersonalModel.objects.get()
    assert model.status == PersonalModel.Status.ACTIVE and model.n_listeners == len(listeners)
    assert model.created_at > version.activated_at  # trained against the complete, active version
    assert PendingTask.objects.get(task_name=TRAIN_TASK).dispatched_at is not None


def test_an_up_to_date_index_still_retrains_the_model_each_night(
        listeners, small_index_settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rebuild_index.apply()
        result = rebuild_index.apply(kwargs={"then": [TRAIN_TASK]}).get()

    assert result["status"] == "skipped" and result["queued"] == [TRAIN_TASK]
    assert PersonalModel.objects.filter(status=PersonalModel.Status.ACTIVE).count() == 1


def test_a_rebuild_skipped_for_another_running_one_queues_no_retraining(
        listeners, small_index_settings, monkeypatch, django_capture_on_commit_callbacks):
    def busy(params):
        raise RebuildInProgress()

    monkeypatch.setattr(incremental, "refresh_index", busy)
    with django_capture_on_commit_callbacks(execute=True):
        result = rebuild_index.apply(kwargs={"then": [TRAIN_TASK]}).get()

    assert result["status"] == "skipped" and "queued" not in result and "another rebuild" in result["reason"]
    assert not PendingTask.objects.exists() and not PersonalModel.objects.exists()


def test_a_broker_hiccup_when_the_rebuild_ends_delays_the_retraining_instead_of_losing_it(
        listeners, small_index_settings, broker_down, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        result = rebuild_index.apply(kwargs={"then": [TRAIN_TASK]}).get()

    assert result["queued"] == [TRAIN_TASK]
    pending = PendingTask.objects.get(task_name=TRAIN_TASK)
    assert pending.dispatched_at is None and pending.attempts == 1 and not PersonalModel.objects.exists()

    broker_down.come_back(eager=True)
    assert dispatch_pending() == 1
    assert PersonalModel.objects.get().status == PersonalModel.Status.ACTIVE


def test_no_fixed_hour_beat_entry_competes_with_the_chain():
    assert not PeriodicTask.objects.filter(task=TRAIN_TASK).exists()

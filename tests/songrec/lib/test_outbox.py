"""Redis down: the crawl start and the rebuild button answer 503 at once and record the work for later."""

import pytest
from rest_framework.test import APIClient

from songrec.lib.outbox import dispatch_pending, enqueue
from songrec.lib.outbox.models import PendingTask
from tests.factories import UserFactory


@pytest.fixture
def staff_api(db):
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def spotify_configured(settings):
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "id", "secret"


def test_starting_a_crawl_while_the_broker_is_down_is_a_503_and_the_crawl_waits_in_the_outbox(
        staff_api, spotify_configured, broker_down):
    response = staff_api.post("/api/crawl-runs/start/")
    assert response.status_code == 503
    assert "unreachable" in response.json()["detail"] and "no need to retry" in response.json()["detail"]
    # Asking again doesn't pile up crawls.
    assert staff_api.post("/api/crawl-runs/start/").status_code == 503
    pending = PendingTask.objects.get()
    assert (pending.task_name, pending.kwargs, pending.dispatched_at) == (
        "catalog.tasks.nightly_crawl", {"trigger": "api"}, None)

    assert dispatch_pending() == 0  # still down: nothing sent, the row stays
    pending.refresh_from_db()
    assert pending.dispatched_at is None and pending.attempts == 1 and "127.0.0.1" in pending.last_error


def test_recorded_work_is_sent_once_the_broker_is_back(broker_down, db):
    enqueue("catalog.tasks.nightly_crawl", kwargs={"trigger": "api"}, dedupe_key="crawl-start")
    pending = PendingTask.objects.get()
    assert pending.dispatched_at is None

    broker_down.come_back(eager=False)  # the real Redis; no worker listens, the message just waits there
    assert dispatch_pending() == 1
    pending.refresh_from_db()
    assert pending.dispatched_at is not None and pending.celery_task_id
    assert dispatch_pending() == 0


def test_the_rebuild_button_answers_503_while_the_broker_is_down(admin_client, broker_down):
    response = admin_client.post("/index/rebuild/")
    assert response.status_code == 503
    assert "unreachable" in response.content.decode()
    pending = PendingTask.objects.get()
    assert (pending.task_name, pending.kwargs) == ("recommender.tasks.rebuild_index", {"force": True})

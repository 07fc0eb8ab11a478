"""A broker that accepts connections and never answers: queued work gets its 503 within seconds, not minutes.

The socket timeouts in CELERY_BROKER_TRANSPORT_OPTIONS notice it (a closed port is noticed at connect time, see
test_outbox.py); what could not be sent is recorded in the outbox, as when the broker is down.
"""

import time

import pytest
from rest_framework.test import APIClient

from songrec.lib.outbox.models import PendingTask
from tests.broker import broker_silent  # noqa: F401  (a Celery broker that never answers)
from tests.factories import UserFactory

# CELERY_BROKER_TIMEOUT is 2 s; a request may wait for it once, plus the request's own work.
PROMPT = 3.5


@pytest.fixture
def staff_api(db, settings):
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "id", "secret"
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_starting_a_crawl_against_a_silent_broker_is_a_prompt_503_and_the_crawl_waits_in_the_outbox(
        staff_api, broker_silent):  # noqa: F811
    started = time.monotonic()
    response = staff_api.post("/api/crawl-runs/start/")
    elapsed = time.monotonic() - started

    assert response.status_code == 503 and elapsed < PROMPT
    assert "unreachable" in response.json()["detail"]
    pending = PendingTask.objects.get()
    assert (pending.task_name, pending.kwargs, pending.dispatched_at) == (
        "catalog.tasks.nightly_crawl", {"trigger": "api"}, None)


def test_the_rebuild_button_answers_promptly_against_a_silent_broker(admin_client, broker_silent):  # noqa: F811
    started = time.monotonic()
    response = admin_client.post("/index/rebuild/")
    elapsed = time.monotonic() - started

    assert response.status_code == 503 and elapsed < PROMPT
    assert "unreachable" in response.content.decode()
    assert PendingTask.objects.get().task_name == "recommender.tasks.rebuild_index"


def test_the_explore_profile_answers_promptly_against_a_silent_broker(db, client, broker_silent):  # noqa: F811
    from django.core.cache import cache

    cache.clear()  # profiles are cached per catalog revision, and revisions repeat between rolled-back tests
    started = time.monotonic()
    response = client.get("/api/explore/profile/")  # no profile yet: it asks for one to be computed
    elapsed = time.monotonic() - started

    assert response.status_code == 503 and elapsed < PROMPT

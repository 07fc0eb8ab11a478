"""Redis down or silent: closing and adding campaigns in the admin answer at once, and nothing they owe is lost.

The MLflow logging of a closed campaign and the filling of a new one are recorded in the outbox with the
change itself; once the broker is back, the dispatcher sends them and they run.
"""

import time

import pytest

from evaluation.models import Campaign
from songrec.lib.outbox import dispatch_pending
from songrec.lib.outbox.models import PendingTask
from tests.broker import broker_silent  # noqa: F401  (a Celery broker that never answers)
from tests.evaluation.test_generation import version  # noqa: F401  (fixture: a small real index)

pytestmark = pytest.mark.django_db(transaction=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_closing_a_campaign_while_the_broker_is_down_closes_it_and_keeps_its_mlflow_logging(
        admin_client, campaign, broker_down):
    response = admin_client.post("/admin/evaluation/campaign/", {
        "action": "close_campaigns", "_selected_action": [campaign.pk]}, follow=True)

    assert response.status_code == 200
    assert any("unreachable" in message for message in messages_of(response))
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CLOSED
    pending = PendingTask.objects.get()
    assert (pending.task_name, pending.args, pending.dispatched_at) == (
        "evaluation.tasks.log_campaign_to_mlflow", [campaign.pk], None)

    broker_down.come_back()
    assert dispatch_pending() == 1
    assert PendingTask.objects.get().dispatched_at is not None


def test_a_campaign_added_in_the_admin_while_the_broker_is_down_is_filled_once_it_is_back(
        admin_client, version, broker_down):  # noqa: F811
    response = admin_client.post("/admin/evaluation/campaign/add/", {
        "name": "During the outage", "description": "", "index_version": version.pk,
        "systems": ["cosine", "popularity"], "seed_count": 2, "k": 3, "ratings_per_item": 2,
        "tasks_per_evaluator": "", "random_seed": ""}, follow=True)

    assert response.status_code == 200
    assert any("unreachable" in message for message in messages_of(response))
    campaign = Campaign.objects.get(name="During the outage")
    assert campaign.tasks.count() == 0
    assert PendingTask.objects.get().task_name == "evaluation.tasks.populate_campaign"

    broker_down.come_back()
    assert dispatch_pending() == 1
    assert campaign.tasks.count() == 4


def test_closing_a_campaign_against_a_silent_broker_answers_within_seconds(
        admin_client, campaign, broker_silent):  # noqa: F811
    started = time.monotonic()
    response = admin_client.post("/admin/evaluation/campaign/", {
        "action": "close_campaigns", "_selected_action": [campaign.pk]}, follow=True)

    assert response.status_code == 200 and time.monotonic() - started < 3.5  # CELERY_BROKER_TIMEOUT is 2 s
    assert any("unreachable" in message for message in messages_of(response))
    assert PendingTask.objects.get().dispatched_at is None

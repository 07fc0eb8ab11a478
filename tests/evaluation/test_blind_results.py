"""Issue 22, item 3: live results would unblind a rater. An evaluator rates one item 5 and reloads the results:
while the campaign is open they see nothing (API and page alike); staff always do; once closed, everyone does.
A campaign may opt in to live results, which show only once no evaluator can rate in it any more."""

import pytest
from rest_framework.test import APIClient

from evaluation.assignment import next_task
from evaluation.campaigns import close_campaign
from evaluation.ratings import RatingEntry, submit_ratings
from tests.factories import UserFactory

from .conftest import rate_all

pytestmark = pytest.mark.django_db


def results_seen_by(user, campaign):
    """(API status, page status, page html) of the campaign's results for ``user`` (None: anonymous)."""
    api, client = APIClient(), APIClient()
    if user is not None:
        api.force_authenticate(user)
        client.force_login(user)
    aggregates = api.get(f"/api/evaluation/campaigns/{campaign.pk}/aggregates/")
    page = client.get(f"/campaigns/{campaign.pk}/results/")
    version_api = api.get(f"/api/evaluation/versions/{campaign.index_version_id}/aggregates/")
    version_page = client.get(f"/campaigns/versions/{campaign.index_version_id}/")
    return aggregates, page, version_api, version_page


def test_an_evaluator_cannot_learn_which_system_made_their_list_from_live_results(campaign, evaluator):
    task = next_task(evaluator).task
    item = task.items.order_by("rank").first()
    submit_ratings(evaluator, task, [RatingEntry(item.pk, 5)])

    for who in (None, evaluator):
        aggregates, page, version_api, version_page = results_seen_by(who, campaign)
        assert aggregates.status_code == 403 and "shown when the campaign closes" in aggregates.json()["detail"]
        assert page.status_code == 403 and "shown when the campaign closes" in page.content.decode()
        assert version_api.status_code == 404 and version_page.status_code == 404

    staff = UserFactory(is_staff=True)
    aggregates, page, version_api, version_page = results_seen_by(staff, campaign)
    assert aggregates.status_code == 200 and aggregates.json()["ratings"] == 1
    assert page.status_code == 200 and version_api.status_code == 200 and version_page.status_code == 200

    close_campaign(campaign, log_to_mlflow=False)
    aggregates, page, version_api, version_page = results_seen_by(evaluator, campaign)
    assert aggregates.status_code == 200 and aggregates.json()["ratings"] == 1
    assert page.status_code == 200 and version_api.json()["ratings"] == 1 and version_page.status_code == 200


def test_opted_in_live_results_show_only_when_no_evaluator_can_rate(make_campaign, make_evaluator):
    campaign = make_campaign(systems=("cosine", "random"), seeds=1, k=3, ratings_per_item=1)
    campaign.live_results_public = True
    campaign.save(update_fields=["live_results_public"])
    evaluator = make_evaluator()
    first = next_task(evaluator, campaign)
    assert results_seen_by(None, campaign)[0].status_code == 403  # lists still to rate
    rate_all(evaluator, first.task)
    second = next_task(evaluator, campaign)
    assert results_seen_by(None, campaign)[0].status_code == 403  # one being rated right now
    rate_all(evaluator, second.task)

    aggregates, page, _, _ = results_seen_by(None, campaign)
    assert aggregates.status_code == 200 and page.status_code == 200

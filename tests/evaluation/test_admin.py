"""The admin shows campaigns, tasks, ratings, assignments and each evaluator's progress."""

import pytest

from evaluation.assignment import next_task
from evaluation.models import Campaign, Rating
from recommender.models import IndexVersion
from tests.evaluation.conftest import rate_all


@pytest.fixture
def rated(campaign, make_evaluator):
    evaluator = make_evaluator("hana")
    assignment = next_task(evaluator)
    rate_all(evaluator, assignment.task, score=4)
    rate_all(evaluator, assignment.task, score=2)  # a change, kept in the rating's history
    next_task(evaluator)
    return assignment


@pytest.mark.parametrize("url", ["/admin/evaluation/campaign/", "/admin/evaluation/ratingtask/",
                                 "/admin/evaluation/rating/", "/admin/evaluation/assignment/",
                                 "/admin/evaluation/evaluatorprogress/"])
def test_admin_lists_load(admin_client, rated, url):
    assert admin_client.get(url).status_code == 200


def test_evaluator_progress_counts_tasks_and_ratings(admin_client, rated):
    html = admin_client.get("/admin/evaluation/evaluatorprogress/").content.decode()
    assert "hana" in html
    row = html[html.index("hana"):]
    row = row[:row.index("</tr>")]
    assert '<td class="field-tasks_submitted">1</td>' in row
    assert '<td class="field-tasks_in_progress">1</td>' in row
    assert '<td class="field-ratings_given">3</td>' in row


def test_change_pages_show_frozen_lists_and_rating_history(admin_client, rated, campaign):
    task_page = admin_client.get(f"/admin/evaluation/ratingtask/{rated.task_id}/change/").content.decode()
    assert "cosine_similarity" in task_page or "Cosine similarity" in task_page
    rating = Rating.objects.first()
    rating_page = admin_client.get(f"/admin/evaluation/rating/{rating.pk}/change/").content.decode()
    assert "Previous score" in rating_page
    campaign_page = admin_client.get(f"/admin/evaluation/campaign/{campaign.pk}/change/").content.decode()
    assert 'name="k"' not in campaign_page  # frozen once created


def test_admin_actions_close_and_refuse_bad_transitions(admin_client, campaign):
    response = admin_client.post("/admin/evaluation/campaign/", {
        "action": "close_campaigns", "_selected_action": [campaign.pk]}, follow=True)
    assert response.status_code == 200
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CLOSED
    response = admin_client.post("/admin/evaluation/campaign/", {
        "action": "open_campaigns", "_selected_action": [campaign.pk]}, follow=True)
    assert "closed campaigns stay closed" in response.content.decode()


def test_adding_a_campaign_in_the_admin_goes_through_create_campaign(admin_client, admin_user, index_version):
    short = IndexVersion.objects.create(status=IndexVersion.Status.READY, k=20, n_tracks=0, mlflow_run_id="run-20")
    form = {"name": "Admin campaign", "description": "", "index_version": short.pk, "systems": ["cosine", "random"],
            "seed_count": 2, "k": 30, "ratings_per_item": 2, "tasks_per_evaluator": "", "random_seed": 7}

    refused = admin_client.post("/admin/evaluation/campaign/add/", form)
    assert refused.status_code == 200
    assert "k=30 is longer than the 20 neighbours index version" in refused.content.decode()
    assert not Campaign.objects.exists()

    created = admin_client.post("/admin/evaluation/campaign/add/", {**form, "k": 20})
    campaign = Campaign.objects.get(name="Admin campaign")
    assert created.status_code == 302
    assert (campaign.k, campaign.systems, campaign.random_seed, campaign.status, campaign.created_by,
            campaign.mlflow_run_id) == (20, ["cosine", "random"], 7, Campaign.Status.DRAFT, admin_user, "run-20")

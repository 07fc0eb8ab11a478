"""Evaluator pages and campaign results pages."""

import re

import pytest

from evaluation.assignment import next_task
from evaluation.campaigns import close_campaign
from evaluation.models import Assignment, Rating
from tests.evaluation.conftest import rate_all
from tests.factories import UserFactory


@pytest.fixture
def logged_in(client, evaluator):
    client.force_login(evaluator)
    return client


def rating_form(task, score=4):
    data = {"then": "next"}
    for item in task.items.all():
        data[f"score-{item.display_position}"] = str(score)
        data[f"comment-{item.display_position}"] = ""
    return data


def test_evaluate_needs_a_login(client, db):
    response = client.get("/evaluate/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/evaluate/")


def test_users_outside_the_group_are_told_why(client, campaign):
    client.force_login(UserFactory())
    response = client.get("/evaluate/")
    assert response.status_code == 403
    assert b"evaluators" in response.content


def test_home_lists_open_campaigns_with_progress(logged_in, campaign):
    response = logged_in.get("/evaluate/")
    html = response.content.decode()
    assert campaign.name in html
    assert "0 of 4 tasks done" in html
    assert "Start next task" in html


def test_start_next_task_redirects_to_a_blind_rating_page(logged_in, campaign, evaluator):
    response = logged_in.post("/evaluate/next/")
    assignment = Assignment.objects.get(evaluator=evaluator)
    assert response.status_code == 302 and response["Location"] == f"/evaluate/tasks/{assignment.public_id}/"
    html = logged_in.get(response["Location"]).content.decode()
    assert "task 1 of 4" in html
    assert assignment.task.seed_track.name in html
    assert html.count('type="radio"') == 3 * 7  # 1–5, "don't know", "can't play"
    assert "cosine" not in html and "random" not in html  # the system is never shown
    assert "rate.js" in html and 'name="viewport"' in html
    # Items are numbered by their stored display position, never by their (rank-ordered) ids.
    assert re.findall(r'data-item="(\d+)"', html) == ["1", "2", "3"]
    assert re.findall(r'name="comment-(\d+)"', html) == ["1", "2", "3"]
    # The address names the task by its random public id, never by its (sequential) primary key. A substring test
    # would fail whenever the UUID happens to contain the key's digits.
    assert str(assignment.task_id) not in response["Location"].split("/")


def test_submitting_the_form_saves_ratings_and_moves_on(logged_in, campaign, evaluator):
    assignment = next_task(evaluator)
    task = assignment.task
    response = logged_in.post(assignment.get_absolute_url(), rating_form(task, score=5))
    assert response.status_code == 302
    assert Rating.objects.filter(evaluator=evaluator, score=5).count() == 3
    following = Assignment.objects.get(evaluator=evaluator, status=Assignment.Status.ACTIVE)
    assert response["Location"] == following.get_absolute_url()
    assert "task 2 of 4" in logged_in.get(response["Location"]).content.decode()


def test_submit_and_stop_goes_home(logged_in, campaign, evaluator):
    assignment = next_task(evaluator)
    response = logged_in.post(assignment.get_absolute_url(), {**rating_form(assignment.task), "then": "stop"})
    assert response["Location"] == "/evaluate/"
    assert not Assignment.objects.filter(evaluator=evaluator, status=Assignment.Status.ACTIVE).exists()


def test_a_missing_or_bad_score_re_renders_with_the_problem(logged_in, campaign, evaluator):
    assignment = next_task(evaluator)
    data = rating_form(assignment.task)
    del data["score-1"]
    response = logged_in.post(assignment.get_absolute_url(), data)
    assert response.status_code == 400
    assert b"Rate track 1 from 1 to 5, or say you don" in response.content
    data["score-1"] = "9"
    assert logged_in.post(assignment.get_absolute_url(), data).status_code == 400
    assert not Rating.objects.exists()


def test_someone_elses_task_page_is_forbidden(logged_in, campaign, make_evaluator):
    theirs = next_task(make_evaluator())
    assert logged_in.get(theirs.get_absolute_url()).status_code == 403
    assert logged_in.post(theirs.get_absolute_url(), rating_form(theirs.task)).status_code == 403
    assert not Rating.objects.exists()


def test_a_closed_campaign_shows_the_page_read_only_and_refuses_posts(logged_in, campaign, evaluator):
    assignment = next_task(evaluator)
    close_campaign(campaign, log_to_mlflow=False)
    page = logged_in.get(assignment.get_absolute_url()).content.decode()
    assert "no longer accepts ratings" in page and "Submit and next" not in page
    response = logged_in.post(assignment.get_absolute_url(), rating_form(assignment.task))
    assert response.status_code == 409
    assert not Rating.objects.exists()


def test_when_everything_is_rated_the_evaluator_is_thanked(logged_in, make_campaign, evaluator):
    campaign = make_campaign(systems=["cosine"], seeds=1)
    assignment = next_task(evaluator)
    response = logged_in.post(assignment.get_absolute_url(), rating_form(assignment.task), follow=True)
    assert b"Thank you" in response.content
    assert b"all done" in response.content
    assert campaign.pk


def test_campaign_list_and_results_are_public_once_closed(client, campaign, make_evaluator):
    for score in (2, 5):
        evaluator = make_evaluator()
        rate_all(evaluator, next_task(evaluator).task, score=score)
    close_campaign(campaign, log_to_mlflow=False)
    listing = client.get("/campaigns/").content.decode()
    assert campaign.name in listing
    response = client.get(f"/campaigns/{campaign.pk}/results/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mean score ± 95% CI" in html and "nDCG@3" in html and "Spearman" in html
    assert html.count('<svg class="chart"') == 2 and "<circle" in html  # the other SVGs are table bars
    assert "cosine" in html and "random" in html
    assert "ratings.csv" not in html  # the export link is for staff
    version = client.get(f"/campaigns/versions/{campaign.index_version_id}/")
    assert version.status_code == 200 and campaign.name in version.content.decode()


def test_results_without_ratings_say_so(client, campaign):
    close_campaign(campaign, log_to_mlflow=False)
    html = client.get(f"/campaigns/{campaign.pk}/results/").content.decode()
    assert "No rated items yet." in html and "No ratings yet." in html


def test_draft_results_are_for_staff_only(client, make_campaign):
    draft = make_campaign(opened=False)
    assert client.get(f"/campaigns/{draft.pk}/results/").status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/campaigns/{draft.pk}/results/").status_code == 200


def test_the_campaign_list_counts_lists_apart_from_the_ratings_they_want(client, make_campaign, make_evaluator):
    campaign = make_campaign(systems=("cosine", "random"), seeds=2, k=3, ratings_per_item=3)  # 4 lists × 3
    evaluator = make_evaluator()
    rate_all(evaluator, next_task(evaluator, campaign).task)
    row = client.get("/campaigns/").content.decode()
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row[row.index(campaign.name):])
    assert cells[:3] == ["4", "1 / 12", "3"]  # lists, list ratings done / wanted, item ratings
    client.force_login(UserFactory(is_staff=True))  # staff see results while the campaign is open
    results = client.get(f"/campaigns/{campaign.pk}/results/").content.decode()
    assert "4 lists, rated 1 of the 12 times wanted by 1 evaluator" in results


def test_the_rating_page_plays_the_seed_and_every_track_in_the_page(logged_in, campaign, evaluator):
    assignment = next_task(evaluator)
    task = assignment.task
    html = logged_in.get(assignment.get_absolute_url()).content.decode()
    embeds = re.findall(r'data-embed="https://open.spotify.com/embed/track/([^"]+)"', html)
    assert embeds == [task.seed_track.spotify_id,
                      *[item.track.spotify_id for item in task.items.order_by("display_position")]]
    assert "open.spotify.com/track/" not in html and "<iframe" not in html
    assert 'id="seed-player"' in html and "<kbd>p</kbd>" in html

""""Don't know this track" / "can't play it": an answer per item kept apart from scores, in no mean or agreement
statistic and not fitted on, counted and shown in the results (page, API, CSV)."""

import csv
import io

import pytest
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from evaluation.aggregates import RatedItem, aggregate
from evaluation.assignment import next_task
from evaluation.campaigns import close_campaign
from evaluation.errors import InvalidRating
from evaluation.models import Assignment, Rating, RatingChange, Unrated
from evaluation.ratings import RatingEntry, submit_ratings
from evaluation.scores import human_scores
from evaluation.selectors import campaign_aggregates, campaign_progress

pytestmark = pytest.mark.django_db


def answer_all(evaluator, task, answers):
    """Submit ``answers`` (a score, or "unknown"/"unplayable") for the task's items in rank order."""
    entries = []
    for item, answer in zip(task.items.order_by("rank"), answers, strict=True):
        if isinstance(answer, str):
            entries.append(RatingEntry(item.pk, None, unrated=answer))
        else:
            entries.append(RatingEntry(item.pk, answer))
    return submit_ratings(evaluator, task, entries)


def test_an_unrated_answer_completes_the_task_without_a_score(campaign, evaluator):
    assignment = next_task(evaluator)
    result = answer_all(evaluator, assignment.task, [4, "unknown", "unplayable"])
    assert result.complete
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    stored = sorted(Rating.objects.values_list("score", "unrated"), key=str)
    assert stored == sorted([(4, ""), (None, "unknown"), (None, "unplayable")], key=str)


def test_changing_a_score_to_dont_know_and_back_keeps_both_changes(campaign, evaluator):
    task = next_task(evaluator).task
    item = task.items.first()
    submit_ratings(evaluator, task, [RatingEntry(item.pk, 2)])
    submit_ratings(evaluator, task, [RatingEntry(item.pk, None, unrated="unknown")])
    submit_ratings(evaluator, task, [RatingEntry(item.pk, 5)])
    changes = list(RatingChange.objects.order_by("pk").values_list("previous_score", "previous_unrated", "score",
                                                                   "unrated"))
    assert changes == [(2, "", None, "unknown"), (None, "unknown", 5, "")]
    assert (Rating.objects.get().score, Rating.objects.get().unrated) == (5, "")


@pytest.mark.parametrize(("score", "unrated", "message"), [
    (3, "unknown", "not both"),
    (None, "boring", "Say why there is no score"),
    (None, "", "Score must be"),
])
def test_a_score_and_a_reason_together_or_neither_are_refused(campaign, evaluator, score, unrated, message):
    task = next_task(evaluator).task
    with pytest.raises(InvalidRating, match=message):
        submit_ratings(evaluator, task, [RatingEntry(task.items.first().pk, score, unrated=unrated)])
    assert not Rating.objects.exists()


@pytest.mark.parametrize(("score", "unrated"), [(3, "unknown"), (None, ""), (None, "boring"), (0, "")])
def test_the_database_holds_a_score_or_a_reason_never_both_or_neither(campaign, evaluator, score, unrated):
    item = next_task(evaluator).task.items.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(item=item, evaluator=evaluator, score=score, unrated=unrated)


def test_unrated_answers_enter_no_mean_and_no_agreement_but_are_counted():
    items = [RatedItem(1, "cosine", 1, 0.9, (5, 5), ("unknown",)),
             RatedItem(1, "cosine", 2, 0.8, (), ("unplayable", "unknown")),
             RatedItem(1, "cosine", 3, 0.7, (2, 1))]
    result = aggregate(items, ["cosine"], k=3)
    cosine = result.by_system()["cosine"]
    assert cosine.mean.mean == pytest.approx(13 / 4) and cosine.ratings == 4
    assert cosine.distribution == {1: 1, 2: 1, 3: 0, 4: 0, 5: 2}
    assert (cosine.unknown, cosine.unplayable) == (2, 1) and (result.unknown, result.unplayable) == (2, 1)
    assert cosine.alpha_units == 2  # the item only "unknown"/"unplayable" is no unit of agreement
    # The list counts for nDCG (every item answered); the unscored item leaves it, the others keep their order.
    assert cosine.ndcg_lists == 1 and cosine.ndcg == pytest.approx(1.0)
    assert cosine.as_dict()["unknown"] == 2 and result.as_dict()["unplayable"] == 1


def test_campaign_results_count_unrated_answers_apart(campaign, make_evaluator):
    evaluators = [make_evaluator() for _ in range(2)]
    answer_all(evaluators[0], next_task(evaluators[0]).task, [4, "unknown", 2])
    answer_all(evaluators[1], next_task(evaluators[1]).task, ["unplayable", 5, 5])
    progress = campaign_progress(campaign)
    assert (progress.ratings, progress.unknown, progress.unplayable) == (4, 1, 1)
    aggregates = campaign_aggregates(campaign)
    assert aggregates.ratings == 4 and (aggregates.unknown, aggregates.unplayable) == (1, 1)
    assert sum(row.mean.n for row in aggregates.systems) == 4


def test_human_scores_beside_cosine_ignore_unrated_answers(campaign, evaluator):
    task = next_task(evaluator).task
    answer_all(evaluator, task, [4, "unknown", "unknown"])
    items = list(task.items.order_by("rank"))
    scores = human_scores(task.seed_track_id, [item.track_id for item in items])
    assert set(scores) == {items[0].track_id}
    assert (scores[items[0].track_id].mean, scores[items[0].track_id].count) == (4.0, 1)


def test_the_api_takes_unrated_answers_and_shows_them(campaign, evaluator):
    api = APIClient()
    api.force_authenticate(evaluator)
    task = api.post("/api/evaluation/tasks/next/").json()
    first, second, third = (item["item"] for item in task["items"])
    body = {"ratings": [{"item": first, "score": "unknown"}, {"item": second, "score": 3},
                        {"item": third, "score": "unplayable", "comment": "404 on Spotify"}]}
    response = api.post(f"/api/evaluation/tasks/{task['id']}/ratings/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["complete"] is True
    detail = api.get(f"/api/evaluation/tasks/{task['id']}/").json()
    answers = {item["item"]: (item["my_score"], item["my_unrated"]) for item in detail["items"]}
    assert answers == {first: (None, "unknown"), second: (3, None), third: (None, "unplayable")}
    url = f"/api/evaluation/tasks/{task['id']}/items/{second}/rating/"
    assert api.put(url, {"score": "unknown"}, format="json").json()["changed"] == 1
    for bad in ({"score": "boring"}, {}, {"score": None}, {"score": 0}, {"score": True}, {"comment": ""}):
        response = api.put(url, bad, format="json")
        assert response.status_code == 400, bad
    assert Rating.objects.filter(unrated=Unrated.UNKNOWN).count() == 2


def test_results_page_api_and_csv_show_the_unrated_counts(campaign, make_evaluator, admin_client):
    evaluators = [make_evaluator() for _ in range(2)]
    answer_all(evaluators[0], next_task(evaluators[0]).task, [4, "unknown", 2])
    answer_all(evaluators[1], next_task(evaluators[1]).task, ["unplayable", 5, 5])
    close_campaign(campaign, log_to_mlflow=False)

    body = APIClient().get(f"/api/evaluation/campaigns/{campaign.pk}/aggregates/").json()
    assert (body["ratings"], body["unknown"], body["unplayable"]) == (4, 1, 1)
    assert sum(row["unknown"] + row["unplayable"] for row in body["systems"]) == 2
    listing = APIClient().get("/api/evaluation/campaigns/").json()["results"][0]["progress"]
    assert (listing["ratings"], listing["unknown"], listing["unplayable"]) == (4, 1, 1)

    html = APIClient().get(f"/campaigns/{campaign.pk}/results/").content.decode()
    assert "Unknown / unplayable" in html
    assert '<td class="num unrated-counts">1 / 1</td>' in html  # the "all systems" row

    response = admin_client.get(f"/api/evaluation/campaigns/{campaign.pk}/ratings.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted((row["score"], row["unrated"]) for row in rows) == sorted(
        [("4", ""), ("", "unknown"), ("2", ""), ("", "unplayable"), ("5", ""), ("5", "")])


def test_the_rating_page_offers_dont_know_and_cant_play_and_keeps_them(campaign, evaluator, client):
    client.force_login(evaluator)
    assignment = next_task(evaluator)
    url = f"/evaluate/tasks/{assignment.public_id}/"
    html = client.get(url).content.decode()
    assert html.count('value="unknown"') == 3 and html.count('value="unplayable"') == 3
    assert "<kbd>0</kbd> or <kbd>n</kbd>" in html and "<kbd>x</kbd>" in html
    positions = list(assignment.task.items.order_by("display_position").values_list("display_position", flat=True))
    data = {f"score-{positions[0]}": "unknown", f"score-{positions[1]}": "unplayable", f"score-{positions[2]}": "3",
            "then": "stop"}
    assert client.post(url, data).status_code == 302
    assert sorted(Rating.objects.values_list("unrated", flat=True)) == ["", "unknown", "unplayable"]
    again = client.get(url).content.decode()
    assert again.count("checked") == 3

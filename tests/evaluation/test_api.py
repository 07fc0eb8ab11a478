"""The evaluation JSON API: next task, rating, aggregates, CSV export, tokens — and its refusals."""

import csv
import io

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from evaluation.assignment import next_task
from evaluation.campaigns import close_campaign
from evaluation.models import Rating, RatingChange
from tests.evaluation.conftest import rate_all
from tests.factories import UserFactory


@pytest.fixture
def api(evaluator):
    client = APIClient()
    client.force_authenticate(evaluator)
    return client


def first_task(api):
    response = api.post("/api/evaluation/tasks/next/")
    assert response.status_code == 200, response.content
    return response.json()


def test_next_task_is_blind_and_shuffled(api, campaign):
    task = first_task(api)
    assert task["number"] == 1 and task["total"] == 4
    assert task["campaign"]["name"] == campaign.name
    assert len(task["items"]) == 3
    assert [item["item"] for item in task["items"]] == [1, 2, 3]
    flat = str(task)
    for secret in ("system", "cosine", "random", "rank", "genre"):
        assert secret not in flat
    assert set(task["items"][0]) == {"item", "track", "my_score", "my_unrated", "my_comment"}
    assert set(task["seed"]) == {"spotify_id", "name", "artists", "album", "spotify_url"}


def test_asking_again_hands_back_the_same_task(api, campaign):
    assert first_task(api)["id"] == first_task(api)["id"]


def test_nothing_to_rate_is_a_204(api, db):
    assert api.post("/api/evaluation/tasks/next/").status_code == 204


def test_next_task_from_an_unknown_campaign_is_a_404(api, campaign):
    response = api.post("/api/evaluation/tasks/next/", {"campaign": 999999}, format="json")
    assert response.status_code == 404
    assert api.post("/api/evaluation/tasks/next/?campaign=abc").status_code == 400


def test_submitting_all_ratings_at_once(api, campaign):
    task = first_task(api)
    body = {"ratings": [{"item": item["item"], "score": 4, "comment": "close"} for item in task["items"]]}
    response = api.post(f"/api/evaluation/tasks/{task['id']}/ratings/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"task": task["id"], "created": 3, "changed": 0, "unchanged": 0, "rated_items": 3,
                               "total_items": 3, "complete": True}
    detail = api.get(f"/api/evaluation/tasks/{task['id']}/").json()
    assert [item["my_score"] for item in detail["items"]] == [4, 4, 4]
    assert detail["status"] == "submitted"


def test_rating_one_item_and_changing_it(api, campaign):
    task = first_task(api)
    url = f"/api/evaluation/tasks/{task['id']}/items/{task['items'][0]['item']}/rating/"
    assert api.put(url, {"score": 2}, format="json").json()["created"] == 1
    response = api.put(url, {"score": 5, "comment": "better on a second listen"}, format="json")
    assert response.status_code == 200
    assert (response.json()["changed"], response.json()["complete"]) == (1, False)
    assert Rating.objects.get().score == 5
    assert RatingChange.objects.get().previous_score == 2


@pytest.mark.parametrize("score", [0, 6, "abc", 4.5, None])
def test_scores_outside_1_to_5_are_a_400_with_a_message(api, campaign, score):
    task = first_task(api)
    body = {"ratings": [{"item": task["items"][0]["item"], "score": score}]}
    response = api.post(f"/api/evaluation/tasks/{task['id']}/ratings/", body, format="json")
    assert response.status_code == 400
    assert "Score must be a whole number from 1 to 5" in str(response.json())
    assert not Rating.objects.exists()


def test_malformed_bodies_are_400s(api, campaign):
    task = first_task(api)
    url = f"/api/evaluation/tasks/{task['id']}/ratings/"
    assert api.post(url, {"ratings": []}, format="json").status_code == 400
    assert api.post(url, {}, format="json").status_code == 400
    assert api.post(url, [1, 2], format="json").status_code == 400
    item_url = f"/api/evaluation/tasks/{task['id']}/items/{task['items'][0]['item']}/rating/"
    assert api.put(item_url, [4], format="json").status_code == 400
    unknown = api.post(url, {"ratings": [{"item": 999999, "score": 3}]}, format="json")
    assert unknown.status_code == 400 and "not in this task" in unknown.json()["detail"]


def test_rating_someone_elses_task_is_a_403(api, campaign, make_evaluator):
    other = make_evaluator()
    theirs = next_task(other)
    response = api.post(f"/api/evaluation/tasks/{theirs.public_id}/ratings/",
                        {"ratings": [{"item": 1, "score": 3}]}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "This task is not assigned to you."
    assert api.get(f"/api/evaluation/tasks/{theirs.public_id}/").status_code == 403
    assert api.get(f"/api/evaluation/tasks/{theirs.task_id}/").status_code == 404  # task ids are not addresses
    assert not Rating.objects.exists()


def test_submitting_to_a_closed_campaign_is_a_409(api, campaign):
    task = first_task(api)
    close_campaign(campaign, log_to_mlflow=False)
    response = api.post(f"/api/evaluation/tasks/{task['id']}/ratings/",
                        {"ratings": [{"item": task["items"][0]["item"], "score": 3}]}, format="json")
    assert response.status_code == 409
    assert "no longer accepts ratings" in response.json()["detail"]


def test_non_evaluators_and_anonymous_users_cannot_rate(campaign):
    client = APIClient()
    assert client.post("/api/evaluation/tasks/next/").status_code in (401, 403)
    client.force_authenticate(UserFactory())
    response = client.post("/api/evaluation/tasks/next/")
    assert response.status_code == 403 and "evaluator" in response.json()["detail"]


def test_session_auth_needs_the_csrf_token(campaign, evaluator):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(evaluator)
    response = client.post("/api/evaluation/tasks/next/")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_token_auth_needs_no_csrf_and_tokens_come_from_the_token_endpoint(campaign, make_evaluator):
    user = make_evaluator("carol")
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/evaluation/token/", {"username": "carol",
                                                      "password": "correct horse battery staple"}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.post("/api/evaluation/tasks/next/").status_code == 200
    bad = APIClient().post("/api/evaluation/token/", {"username": "carol", "password": "nope"}, format="json")
    assert bad.status_code == 401  # wrong credentials: not authenticated


def test_aggregates_are_public_once_the_campaign_closes(campaign, make_evaluator):
    for _ in range(2):
        evaluator = make_evaluator()
        rate_all(evaluator, next_task(evaluator).task, score=4)
    close_campaign(campaign, log_to_mlflow=False)
    response = APIClient().get(f"/api/evaluation/campaigns/{campaign.pk}/aggregates/")
    assert response.status_code == 200
    body = response.json()
    assert body["ratings"] == 6 and body["k"] == 3
    systems = {row["system"]: row for row in body["systems"]}
    assert set(systems) == {"cosine", "random"}
    assert sum(row["ratings"] for row in systems.values()) == 6
    assert set(systems["cosine"]) >= {"mean_score", "ci95_low", "ci95_high", "ndcg_at_k", "alpha", "spearman_rho"}
    listing = APIClient().get("/api/evaluation/campaigns/").json()
    assert listing["results"][0]["progress"]["ratings"] == 6
    version = APIClient().get(f"/api/evaluation/versions/{campaign.index_version_id}/aggregates/")
    assert version.status_code == 200 and version.json()["ratings"] == 6


def test_draft_campaigns_are_hidden_from_the_public(make_campaign):
    draft = make_campaign(opened=False)
    assert APIClient().get(f"/api/evaluation/campaigns/{draft.pk}/aggregates/").status_code == 404
    assert APIClient().get(f"/api/evaluation/campaigns/{draft.pk}/").status_code == 404
    assert APIClient().get("/api/evaluation/campaigns/").json()["count"] == 0


def test_csv_export_is_for_staff_only(api, campaign, evaluator):
    task = next_task(evaluator).task
    rate_all(evaluator, task, score=3)
    Rating.objects.filter(pk=Rating.objects.first().pk).update(comment="=HYPERLINK(\"http://evil\")")
    assert api.get("/api/evaluation/ratings.csv").status_code == 403
    assert APIClient().get("/api/evaluation/ratings.csv").status_code in (401, 403)

    staff = APIClient()
    staff.force_authenticate(UserFactory(is_staff=True))
    response = staff.get(f"/api/evaluation/campaigns/{campaign.pk}/ratings.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3
    assert {row["system"] for row in rows} == {task.system}
    assert {row["score"] for row in rows} == {"3"}
    assert any(row["comment"].startswith("'=") for row in rows)  # formula injection defused
    assert staff.get("/api/evaluation/campaigns/999999/ratings.csv").status_code == 404
    assert staff.get("/api/evaluation/ratings.csv", HTTP_ACCEPT="text/csv").status_code == 200
    # ?format= as the schema lists it (json or csv): an empty one is refused like an unknown one.
    assert staff.get("/api/evaluation/ratings.csv?format=").status_code == 404
    assert staff.get("/api/evaluation/ratings.csv?format=xml").status_code == 404


def test_the_openapi_schema_documents_the_evaluation_endpoints(client, db):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/evaluation/tasks/next/", "/api/evaluation/tasks/{public_id}/ratings/",
                 "/api/evaluation/campaigns/{id}/aggregates/", "/api/evaluation/ratings.csv"):
        assert path in schema

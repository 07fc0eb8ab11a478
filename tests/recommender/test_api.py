import pytest

from catalog.models import Track
from recommender import selectors
from recommender.systems import SYSTEMS
from tests.factories import TrackFactory


def similar(client, track, **params):
    return client.get(f"/api/tracks/{track.spotify_id}/similar/", params)


@pytest.mark.parametrize("metric", SYSTEMS)
def test_similar_lists_every_system_with_cosine_and_human_scores(client, active, catalog, metric):
    seed = catalog["rock"][0]
    response = similar(client, seed, metric=metric, k=5)
    assert response.status_code == 200
    body = response.json()
    assert body["seed"]["spotify_id"] == seed.spotify_id
    assert (body["metric"], body["k"], body["index_version"]) == (metric, 5, active.pk)
    assert body["score_label"]
    assert len(body["results"]) == 5
    first = body["results"][0]
    assert first["rank"] == 1 and first["url"].startswith("/tracks/")
    assert first["artists"][0]["name"]
    assert isinstance(first["cosine_score"], float)
    assert first["human_score"] is None and first["human_ratings"] == 0
    assert ("distance" in first) == (metric == "euclidean")
    expected = [item.track_id for item in selectors.recommend(metric, seed, 5)]
    ids = dict(Track.objects.filter(pk__in=expected).values_list("spotify_id", "pk"))
    assert [ids[item["spotify_id"]] for item in body["results"]] == expected


def test_similar_defaults_to_blend_and_ten_which_is_cosine_before_any_together_model(client, active, catalog):
    body = similar(client, catalog["jazz"][0]).json()
    assert body["metric"] == "blend" and len(body["results"]) == 10
    cosine = similar(client, catalog["jazz"][0], metric="cosine").json()["results"]
    assert [item["spotify_id"] for item in body["results"]] == [item["spotify_id"] for item in cosine]
    scores = [item["score"] for item in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert all(item["score"] == pytest.approx(item["cosine_score"], abs=1e-5) for item in body["results"])


def test_similar_shows_human_scores_from_evaluation(client, active, catalog, monkeypatch):
    from evaluation import scores

    seed = catalog["rock"][0]
    rated = selectors.recommend("cosine", seed, 1)[0].track_id
    monkeypatch.setattr(scores, "human_scores",
                        lambda seed_id, ids: {rated: scores.HumanScore(4.5, 2)} if seed_id == seed.pk else {})
    first = similar(client, seed, k=3).json()["results"][0]
    assert (first["human_score"], first["human_ratings"]) == (4.5, 2)


def test_unknown_and_hidden_tracks_are_404(client, active, catalog):
    assert client.get("/api/tracks/doesnotexist/similar/").status_code == 404
    response = similar(client, catalog["hidden"])
    assert response.status_code == 404
    assert "No track" in response.json()["detail"]


def test_a_track_that_is_not_indexed_is_404_with_the_reason(client, active, catalog):
    response = similar(client, catalog["incomplete"])
    assert response.status_code == 404
    assert "is not in index version" in response.json()["detail"]


@pytest.mark.parametrize("k", ["0", "11", "-3", "ten", "1.5"])
def test_k_out_of_range_or_malformed_is_400(client, active, catalog, k):
    response = similar(client, catalog["rock"][0], k=k)
    assert response.status_code == 400
    assert "k" in response.json()


def test_bad_metric_is_400(client, active, catalog):
    response = similar(client, catalog["rock"][0], metric="manhattan")
    assert response.status_code == 400
    assert "must be one of blend, cosine, euclidean, together, random, popularity" in response.json()["metric"][0]


def test_no_active_index_is_503_with_a_message(client, catalog):
    response = similar(client, catalog["rock"][0])
    assert response.status_code == 503
    assert "rebuild_index" in response.json()["detail"]
    response = client.get("/api/recommendations/", {"seed_tracks": catalog["rock"][0].spotify_id})
    assert response.status_code == 503


def test_recommendations_blend_seeds_like_spotify(client, active, catalog):
    seeds = [catalog["rock"][0], catalog["rock"][1]]
    response = client.get("/api/recommendations/", {"seed_tracks": ",".join(t.spotify_id for t in seeds),
                                                   "limit": 6})
    assert response.status_code == 200
    body = response.json()
    assert [seed["id"] for seed in body["seeds"]] == [t.spotify_id for t in seeds]
    assert body["seeds"][0]["type"] == "track" and body["seeds"][0]["initialPoolSize"] == 28
    assert len(body["tracks"]) == 6
    assert not {t["spotify_id"] for t in body["tracks"]} & {t.spotify_id for t in seeds}
    assert all("cosine_score" in t and "target_penalty" not in t for t in body["tracks"])


def test_recommendations_apply_filters_and_targets(client, active, catalog):
    body = client.get("/api/recommendations/", {
        "seed_tracks": catalog["jazz"][0].spotify_id, "min_energy": "0.5", "max_popularity": "70",
        "target_tempo": "120", "metric": "euclidean", "limit": 50}).json()
    tracks = Track.objects.in_bulk([t["spotify_id"] for t in body["tracks"]], field_name="spotify_id")
    assert tracks and all(t.energy >= 0.5 and t.popularity <= 70 for t in tracks.values())
    assert body["seeds"][0]["afterFilteringSize"] == len(body["tracks"])
    assert all(t["target_penalty"] >= 0 for t in body["tracks"])


@pytest.mark.parametrize("params, field, message", [
    ({}, "seed_tracks", "give 1 to 100"),
    ({"seed_tracks": ",".join(f"t{number}" for number in range(101))}, "seed_tracks", "at most 100"),
    ({"limit": "0"}, "limit", "between 1 and 100"),
    ({"limit": "many"}, "limit", "whole number"),
    ({"metric": "jaccard"}, "metric", "must be one of"),
    ({"min_tempo": "fast"}, "min_tempo", "must be a number"),
    ({"max_energy": "1.5"}, "max_energy", "between 0.0 and 1.0"),
    ({"target_loudness": "nan"}, "target_loudness", "between"),
    ({"min_tempo": "150", "max_tempo": "100"}, "min_tempo", "greater than max_tempo"),
    ({"min_sparkle": "1"}, "min_sparkle", "not a tunable attribute"),
])
def test_malformed_recommendation_queries_are_400_with_a_message(client, active, catalog, params, field, message):
    params = {"seed_tracks": catalog["rock"][0].spotify_id, **params} if "seed_tracks" not in params and params \
        else params
    response = client.get("/api/recommendations/", params)
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_unknown_seeds_are_404_naming_them(client, active, catalog):
    response = client.get("/api/recommendations/", {"seed_tracks": f"{catalog['rock'][0].spotify_id},nope"})
    assert response.status_code == 404
    assert "'nope'" in response.json()["detail"]


def test_a_seed_added_after_the_build_is_404(client, active, catalog):
    newcomer = TrackFactory()
    response = client.get("/api/recommendations/", {"seed_tracks": newcomer.spotify_id})
    assert response.status_code == 404
    assert "not in index version" in response.json()["detail"]


def test_index_versions_are_listed_read_only(client, active):
    body = client.get("/api/index/versions/").json()
    assert body["count"] == 1
    version = body["results"][0]
    assert version["id"] == active.pk and version["status"] == "active"
    assert version["metrics"]["cosine"]["genre_precision_at_10"] > 0
    assert version["mlflow_run_id"]
    assert client.get(f"/api/index/versions/{active.pk}/").json()["k"] == 10
    assert client.post("/api/index/versions/", {}).status_code in (401, 405)  # anonymous: 401
    assert client.delete(f"/api/index/versions/{active.pk}/").status_code in (401, 405)  # anonymous: 401


def test_index_status_reports_a_running_build(client, active, live_builder):
    from recommender.models import IndexVersion

    IndexVersion.objects.create(status="building", stage="neighbours", progress=0.55)
    body = client.get("/api/index/status/").json()
    assert body["active"]["id"] == active.pk
    assert body["building"]["stage_label"] == "computing cosine and euclidean neighbours"
    assert body["building"]["progress"] == 0.55 and body["building"]["stalled"] is False
    assert body["up_to_date"] is True


def test_index_status_flags_a_build_that_stopped_beating(client, active):
    from datetime import timedelta

    from django.utils import timezone

    from recommender.models import IndexVersion

    IndexVersion.objects.create(status="building", stage="neighbours", heartbeat_at=timezone.now() - timedelta(days=1))
    building = client.get("/api/index/status/").json()["building"]
    assert building["stalled"] is True and building["stage_label"].startswith("stalled")


def test_index_status_without_any_version(client, db):
    body = client.get("/api/index/status/").json()
    assert body["active"] is None and body["building"] is None and body["up_to_date"] is False


def test_the_openapi_schema_documents_the_parameters(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    similar_params = {p["name"] for p in schema["paths"]["/api/tracks/{spotify_id}/similar/"]["get"]["parameters"]}
    assert {"metric", "k", "spotify_id"} <= similar_params
    recommendation_params = {p["name"] for p in schema["paths"]["/api/recommendations/"]["get"]["parameters"]}
    assert {"seed_tracks", "limit", "metric", "min_tempo", "target_energy", "max_popularity"} <= recommendation_params
    assert "/api/index/versions/" in schema["paths"]


def test_a_track_hidden_after_the_build_is_404_though_its_list_is_stored(client, active, catalog):
    seed = catalog["rock"][0]
    assert similar(client, seed).status_code == 200
    Track.objects.filter(pk=seed.pk).update(hidden=True)
    response = similar(client, seed)
    assert response.status_code == 404 and "No track" in response.json()["detail"]


def test_the_seed_and_its_stored_list_are_read_in_one_query(client, active, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seed = catalog["rock"][0]
    with CaptureQueriesContext(connection) as queries:
        assert similar(client, seed, k=5, metric="cosine").status_code == 200
    reads = [query["sql"] for query in queries.captured_queries]
    assert len([sql for sql in reads if "recommender_neighborlist" in sql]) == 1
    assert not [sql for sql in reads if sql.startswith('SELECT "catalog_track"."id" AS "pk"')]  # no lookup of its own

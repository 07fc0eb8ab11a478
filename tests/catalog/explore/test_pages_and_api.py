import pytest
from django.core.cache import cache

from catalog.explore.store import store_profiles
from catalog.models import CatalogRevision
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    return [TrackFactory(genres=["rock" if i % 2 else "jazz"]) for i in range(8)]


def test_the_api_serves_the_cached_profile_and_filters_by_genre(client, catalog):
    store_profiles()
    body = client.get("/api/explore/profile/").json()
    assert body["tracks"] == 8 and body["stale"] is False and body["revision"] == CatalogRevision.current()
    assert {item["name"] for item in body["features"]} >= {"energy", "loudness", "tempo"}
    assert len(body["correlations"]["pearson"]) == len(body["correlations"]["columns"])
    assert client.get("/api/explore/profile/?genre=rock").json()["tracks"] == 4


def test_an_unknown_genre_is_a_400_with_a_message(client, catalog):
    response = client.get("/api/explore/profile/?genre=polka")
    assert response.status_code == 400 and "polka" in response.json()["genre"][0]
    assert client.get("/explore/?genre=polka").status_code == 400


def test_a_missing_profile_is_queued_and_computed_by_the_task(client, catalog, settings):
    # Tests run tasks in-process, so the queued task has run by the time the request returns.
    body = client.get("/api/explore/profile/").json()
    assert body["tracks"] == 8
    assert cache.get(f"explore:profile:{CatalogRevision.current()}:*") is not None


def test_without_any_profile_the_api_answers_503_and_queues_one(client, catalog, monkeypatch):
    queued = []
    monkeypatch.setattr("catalog.explore.tasks.build_profile.apply_async", lambda **kwargs: queued.append(True))
    response = client.get("/api/explore/profile/")
    assert response.status_code == 503 and response["Retry-After"]
    assert queued == [True]
    client.get("/api/explore/profile/")
    assert queued == [True]  # queued once per revision


def test_a_changed_catalog_serves_the_previous_profile_marked_stale(client, catalog, monkeypatch):
    store_profiles()
    monkeypatch.setattr("catalog.explore.tasks.build_profile.apply_async", lambda **kwargs: None)
    TrackFactory(genres=["rock"])
    body = client.get("/api/explore/profile/").json()
    assert body["stale"] is True and body["tracks"] == 8


def test_the_page_draws_histograms_and_heatmaps_without_inline_script_or_style(client, catalog):
    store_profiles()
    response = client.get("/explore/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="heatmap"') == 2 and "histogram of energy" in html
    assert "<script>" not in html and ' style="' not in html.split("<main>")[1]
    jazz = client.get("/explore/?genre=jazz").content.decode()
    assert "Explore the catalog: jazz" in jazz and '<option value="jazz" selected>' in jazz


def test_a_genre_with_spaces_in_its_name_is_explored_like_any_other(client, catalog):
    TrackFactory(genres=["dance pop"])
    store_profiles()
    assert "Explore the catalog: dance pop" in client.get("/explore/?genre=dance+pop").content.decode()
    assert client.get("/api/explore/profile/?genre=dance%20pop").json()["tracks"] == 1

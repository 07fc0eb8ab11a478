import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from recommender import selectors
from recommender.models import IndexVersion
from recommender.track_page import similar_panel
from tests.factories import UserFactory


def render_panel(track, query=""):
    """The panel as the track page shows it: the recommender's part of the page's context, through its template."""
    request = RequestFactory().get(f"/tracks/{track.spotify_id}/{query}")
    request.user = AnonymousUser()
    return render_to_string("recommender/similar_panel.html", {"track": track, **similar_panel(request, track)},
                            request=request)


def test_the_panel_explains_when_there_is_no_index(catalog):
    html = render_panel(catalog["rock"][0])
    assert "No recommendation index has been built yet" in html


def test_the_panel_explains_when_the_track_is_not_indexed(active, catalog):
    html = render_panel(catalog["incomplete"])
    assert "isn’t in the recommendation index" in html
    assert "Hidden tracks are not recommended" in render_panel(catalog["hidden"])


def test_the_panel_shows_cosine_and_euclidean_side_by_side(active, catalog):
    seed = catalog["rock"][0]
    html = render_panel(seed)
    assert "Cosine similarity" in html and "Euclidean distance" in html
    for system in ("cosine", "euclidean"):
        for item in selectors.similar_items(system, seed, 10).items:
            assert item.track.get_absolute_url() in html
            assert f"{item.score:.3f}" in html
    assert html.count("<tr>") == 2 + 20  # two header rows, ten items per column
    assert 'title="not rated yet"' in html
    neighbour = selectors.similar_items("cosine", seed, 1).items[0].track
    assert neighbour.artists[0].name in html and neighbour.artists[0].get_absolute_url() in html


def test_the_panel_reads_a_bounded_k_from_the_request(active, catalog):
    seed = catalog["jazz"][1]
    assert render_panel(seed, "?k=3").count("<tr>") == 2 + 6
    assert render_panel(seed, "?k=999").count("<tr>") == 2 + 20  # capped at the version's k (10)
    assert render_panel(seed, "?k=lots").count("<tr>") == 2 + 20  # unparsable: the default


def test_the_panel_shows_human_scores(active, catalog, monkeypatch):
    from evaluation import scores

    seed = catalog["rock"][0]
    rated = selectors.recommend("cosine", seed, 1)[0].track_id
    monkeypatch.setattr(scores, "human_scores", lambda seed_id, ids: {rated: scores.HumanScore(3.75, 4)})
    html = render_panel(seed)
    assert "3.8 <span class=\"muted\">(4)</span>" in html


def test_the_panel_escapes_track_and_artist_names(active, catalog):
    from catalog.models import Artist, Track

    seed = catalog["rock"][0]
    neighbour = selectors.similar_items("cosine", seed, 1).items[0].track
    Track.objects.filter(pk=neighbour.id).update(name="Rock & <Roll>")
    Artist.objects.filter(pk=neighbour.artists[0].id).update(name="<script>")
    html = render_panel(seed)
    assert "Rock &amp; &lt;Roll&gt;" in html and "&lt;script&gt;" in html
    assert "<Roll>" not in html and "<script>" not in html


def test_the_track_page_includes_the_panel(client, active, catalog):
    response = client.get(catalog["k-pop"][0].get_absolute_url())
    assert response.status_code == 200
    assert b"Similar tracks" in response.content and b"Euclidean distance" in response.content


def test_the_recommend_page_has_an_empty_state_without_an_index(client, catalog):
    response = client.get("/recommend/")
    assert response.status_code == 200
    assert b"No recommendation index has been built yet" in response.content


def test_the_recommend_page_searches_and_offers_seeds_to_add(client, active, catalog):
    response = client.get("/recommend/", {"q": "jazz song 3"})
    assert response.status_code == 200
    assert b"jazz song 3" in response.content
    assert f"seeds={catalog['jazz'][3].spotify_id}".encode() in response.content


def test_the_recommend_page_blends_the_chosen_seeds(client, active, catalog):
    seeds = [catalog["rock"][0], catalog["jazz"][0]]
    response = client.get("/recommend/", {"seeds": ",".join(s.spotify_id for s in seeds), "limit": 7,
                                          "metric": "euclidean", "min_energy": "0.1"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "7 recommendations" in content
    assert all(seed.name in content for seed in seeds)  # shown as chips
    items = response.context["results"]
    assert len(items) == 7 and {track.pk for _, track, *_ in items}.isdisjoint({s.pk for s in seeds})
    assert 'value="0.1"' in content  # tuning is kept


def test_the_recommend_page_takes_songs_to_avoid(client, active, catalog):
    seed, avoided = catalog["rock"][0], catalog["rock"][1]
    plain = client.get("/recommend/", {"seeds": seed.spotify_id, "limit": 10, "metric": "cosine"})
    assert avoided.pk in {track.pk for _, track, *_ in plain.context["results"]}
    response = client.get("/recommend/", {"seeds": seed.spotify_id, "avoid": avoided.spotify_id, "limit": 10,
                                          "metric": "cosine"})
    content = response.content.decode()
    assert response.status_code == 200 and "Songs to avoid" in content
    assert f'aria-label="stop avoiding {avoided.name}"' in content
    assert avoided.pk not in {track.pk for _, track, *_ in response.context["results"]}
    assert f'name="avoid" value="{avoided.spotify_id}"' in content  # kept by the search and the tuning forms
    search = client.get("/recommend/", {"seeds": seed.spotify_id, "q": "jazz song 3"}).content.decode()
    assert f"avoid={catalog['jazz'][3].spotify_id}" in search and "Avoid jazz song 3" in search


@pytest.mark.parametrize("params, message", [
    ({"seeds": "nope"}, "Unknown track id(s): nope"),
    ({"seeds": "x", "avoid": "nope"}, "Unknown track id(s): nope"),
    ({"seeds": ",".join(f"t{number}" for number in range(101))}, "at most 100 tracks"),
    ({"limit": "0"}, "between 1 and 100"),
    ({"min_tempo": "fast"}, "min_tempo: must be a number"),
])
def test_bad_input_on_the_recommend_page_is_a_400_with_the_reason(client, active, catalog, params, message):
    response = client.get("/recommend/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.fixture
def staff(client, db):
    client.force_login(UserFactory(username="staff", is_staff=True))


def test_the_index_page_is_for_staff_only(client, db):
    assert client.get("/index/").status_code == 302
    client.force_login(UserFactory(username="listener"))
    assert client.get("/index/").status_code == 302


def test_the_index_page_has_an_empty_state(client, staff):
    response = client.get("/index/")
    assert response.status_code == 200
    assert b"No index version is active yet" in response.content


def test_the_index_page_shows_the_active_version_metrics_and_versions(client, staff, active, live_builder, settings):
    IndexVersion.objects.create(status="building", stage="neighbours", progress=0.25)
    content = client.get("/index/").content.decode()
    assert f"version {active.pk}</strong>" in content
    assert "Genre precision of the first 10" in content and "Catalog coverage of the first 10" in content
    assert "genre_precision_at_10" not in content and "catalog_coverage_at_10" not in content  # labels, not keys
    assert active.mlflow_run_id in content
    assert "computing cosine and euclidean neighbours" in content and '<rect id="build-bar" width="25"' in content
    assert "mlflow ui" in content and settings.MLFLOW_TRACKING_URI not in content  # no server paths
    assert str(settings.BASE_DIR) not in content


def test_only_staff_can_queue_a_rebuild_and_never_inline(client, db, settings):
    assert client.post("/index/rebuild/").status_code == 302  # to the admin login
    assert not IndexVersion.objects.exists()
    client.force_login(UserFactory(is_staff=True))
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.post("/index/rebuild/", follow=True)
    assert "run `manage.py rebuild_index` instead" in response.content.decode()
    assert not IndexVersion.objects.exists()
    assert client.get("/index/rebuild/").status_code == 405


def test_staff_can_roll_back_to_an_earlier_version_in_the_admin(client, catalog):
    from .conftest import build

    first, second = build().version, build().version
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/recommender/indexversion/").status_code == 200
    assert client.get(f"/admin/recommender/indexversion/{first.pk}/change/").status_code == 200
    response = client.post("/admin/recommender/indexversion/", {"action": "activate", "_selected_action": [first.pk]},
                           follow=True)
    assert f"Index version {first.pk} is now active." in response.content.decode()
    assert selectors.active_version() == first
    second.refresh_from_db()
    assert second.status == "ready"


def test_the_admin_refuses_to_activate_a_failed_version(client, catalog):
    failed = IndexVersion.objects.create(status="failed", message="boom")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post("/admin/recommender/indexversion/", {"action": "activate", "_selected_action": [failed.pk]},
                           follow=True)
    assert "only ready versions can be activated" in response.content.decode()
    assert selectors.active_version() is None

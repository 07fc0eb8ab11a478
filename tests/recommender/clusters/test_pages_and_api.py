import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommender.clusters import selectors
from recommender.clusters.models import ClusterMember
from recommender.clusters.services import build_clusters
from songrec.lib import process_cache
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clustered(active):
    return build_clusters(k_values=[3], sample_size=60, map_sample=40).clustering


def test_without_a_clustering_pages_say_so_and_the_api_answers_503(client, db):
    assert "No clustering yet" in client.get("/clusters/").content.decode()
    assert client.get("/api/clusters/").status_code == 503
    assert client.get("/api/clusters/map/").status_code == 503
    assert client.get("/clusters/1/").status_code == 404


def test_the_list_shows_clusters_and_compares_candidates(client, clustered):
    body = client.get("/api/clusters/").json()
    assert body["clustering"]["id"] == clustered.pk and len(body["clusters"]) == 3
    assert {candidate["algorithm"] for candidate in body["candidates"]} == {"pca-kmeans", "minibatch-kmeans",
                                                                            "hdbscan"}
    html = client.get("/clusters/").content.decode()
    assert "Candidates compared" in html and body["clusters"][0]["label"] in html


def test_a_cluster_has_its_tracks_and_feature_profile_against_the_catalog(client, clustered, catalog):
    number = ClusterMember.objects.get(track=catalog["metal"][0]).cluster.number
    body = client.get(f"/api/clusters/{number}/").json()
    assert body["size"] == 20 and len(body["tracks"]) == 20
    assert body["feature_means"]["energy"] > body["catalog_means"]["energy"]
    assert {track["spotify_id"] for track in body["tracks"]} == {track.spotify_id for track in catalog["metal"]}
    page = client.get(f"/clusters/{number}/").content.decode()
    assert "Feature profile against the catalog" in page and catalog["metal"][0].name in page
    assert client.get("/api/clusters/99/").status_code == 404


def test_the_map_has_a_sample_with_clusters_and_a_track_with_its_neighbours(client, clustered, catalog):
    body = client.get("/api/clusters/map/").json()
    assert len(body["x"]) == len(body["y"]) == len(body["id"]) == len(body["label"]) == 40
    assert set(body["cluster"]) <= {cluster["number"] for cluster in body["clusters"]}
    track = catalog["folk"][0]
    focus = client.get(f"/api/clusters/map/?track={track.spotify_id}").json()["focus"]
    assert focus["track"]["id"] == track.spotify_id and len(focus["neighbours"]) == 10
    assert client.get("/api/clusters/map/?track=nope").status_code == 404
    html = client.get("/clusters/map/").content.decode()
    assert "cluster_map.js" in html and "<script>" not in html


def test_the_track_page_names_its_cluster(client, clustered, catalog):
    track = catalog["pop"][0]
    cluster = ClusterMember.objects.get(track=track).cluster
    html = client.get(track.get_absolute_url()).content.decode()
    assert cluster.label in html and f'data-track="{track.spotify_id}"' in html


class TestTheTrackPageFromTheProcess:
    """As web workers serve it (Redis shared, outside a transaction): the active clusters are read once per
    process, and a new clustering is seen by the next page."""

    pytestmark = pytest.mark.django_db(transaction=True)

    @pytest.fixture(autouse=True)
    def shared_cache(self, monkeypatch):
        monkeypatch.setattr(process_cache, "cache_is_shared", lambda: True)
        cache.delete(selectors.CLUSTERINGS_TOKEN_KEY)

    def test_the_page_names_the_cluster_without_a_query_for_it(self, client, clustered, catalog):
        track = catalog["pop"][0]
        client.get(track.get_absolute_url())  # the process reads the active clusters once
        with CaptureQueriesContext(connection) as queries:
            html = client.get(track.get_absolute_url()).content.decode()
        assert ClusterMember.objects.get(track=track).cluster.label in html
        assert not [query for query in queries.captured_queries if "clustermember" in query["sql"]]

    def test_a_new_clustering_is_seen_at_once(self, client, clustered, catalog):
        track, unclustered = catalog["pop"][0], TrackFactory()
        assert selectors.track_cluster(track) == ClusterMember.objects.get(track=track).cluster
        assert selectors.track_cluster(unclustered) is None
        build_clusters(force=True, k_values=[4], sample_size=60, map_sample=40)
        cluster = ClusterMember.objects.get(track=track).cluster
        assert cluster.clustering_id != clustered.pk
        assert selectors.track_cluster(track) == cluster
        assert cluster.label in client.get(track.get_absolute_url()).content.decode()

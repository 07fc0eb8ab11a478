"""A cluster's page makes a playlist of the cluster: its most popular songs, a recipe that refresh reruns."""

import pytest

from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from recommender.clusters.services import build_clusters
from recommender.generation.services import generate_playlist, refresh_playlist
from songrec.lib.errors import NotFoundError
from tests.factories import UserFactory


@pytest.fixture
def clustered(active):
    return build_clusters(k_values=[3], sample_size=60, map_sample=40).clustering


def test_the_cluster_page_makes_a_playlist_of_the_cluster(client, clustered, catalog):
    cluster = clustered.clusters.order_by("number").first()
    assert "Make a playlist of this cluster" not in client.get(f"/clusters/{cluster.number}/").content.decode()
    listener = UserFactory(username="listener")
    client.force_login(listener)
    assert "Make a playlist of this cluster" in client.get(f"/clusters/{cluster.number}/").content.decode()
    response = client.post(f"/clusters/{cluster.number}/playlist/", {"length": 5})
    playlist = Playlist.objects.get(owner=listener)
    assert response.status_code == 302 and response.url == f"/playlists/{playlist.pk}/"
    assert playlist.name == f"Cluster: {cluster.label}"
    assert playlist.recipe == {"kind": "cluster", "params": {"cluster": cluster.number}, "length": 5}
    ids = playlist_track_ids(playlist)
    members = list(cluster.members.order_by("-track__popularity", "track_id").values_list("track_id", flat=True))
    assert ids == members[:5]
    assert refresh_playlist(owner=listener, playlist_id=playlist.pk).track_ids == ids


def test_an_unknown_cluster_is_not_found(client, clustered):
    listener = UserFactory(username="listener")
    with pytest.raises(NotFoundError, match="No cluster 99"):
        generate_playlist(owner=listener, kind="cluster", params={"cluster": 99})
    client.force_login(listener)
    assert client.post("/clusters/99/playlist/").status_code == 404
    assert client.post("/clusters/1/playlist/", {"length": "lots"}).status_code == 400

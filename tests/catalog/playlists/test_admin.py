"""The playlist admin lists every source's playlists with their track counts, searchable and filterable."""

import pytest

from catalog.playlists.models import Playlist
from catalog.playlists.services import replace_playlist_tracks
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def playlists():
    tracks = TrackFactory.create_batch(12)
    big = Playlist.objects.create(name="Big Mix", source="dataset", external_id="big", genre="pop")
    replace_playlist_tracks(big, [t.pk for t in tracks])
    small = Playlist.objects.create(name="Seed List", source="crawl", external_id="seed")
    replace_playlist_tracks(small, [tracks[0].pk])
    Playlist.objects.create(name="Nothing Yet", source="listener", owner=UserFactory(username="ana"))
    return big, small


def names(response):
    return {playlist.name for playlist in response.context["cl"].result_list}


def test_the_list_shows_track_counts_and_filters_by_source_size_and_search(admin_client, playlists):
    response = admin_client.get("/admin/playlists/playlist/", {"o": "-3"})
    assert response.status_code == 200
    assert [(p.name, p.track_count) for p in response.context["cl"].result_list][0] == ("Big Mix", 12)
    assert names(admin_client.get("/admin/playlists/playlist/", {"source__exact": "crawl"})) == {"Seed List"}
    assert names(admin_client.get("/admin/playlists/playlist/", {"size": "10-99"})) == {"Big Mix"}
    assert names(admin_client.get("/admin/playlists/playlist/", {"size": "empty"})) == {"Nothing Yet"}
    assert names(admin_client.get("/admin/playlists/playlist/", {"q": "ana"})) == {"Nothing Yet"}


def test_the_change_page_links_to_the_tracks_in_order(admin_client, playlists):
    big, _ = playlists
    response = admin_client.get(f"/admin/playlists/playlist/{big.pk}/change/")
    assert response.status_code == 200 and b"12 tracks" in response.content
    entries = admin_client.get("/admin/playlists/playlisttrack/", {"playlist__id__exact": big.pk})
    assert [entry.position for entry in entries.context["cl"].result_list] == list(range(12))

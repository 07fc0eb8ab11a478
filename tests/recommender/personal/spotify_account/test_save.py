""""Save to Spotify": created on the listener's account the first time, replaced after, in batches of 100; rate
limits and outages retried through the outbox's Celery task while the listener sees the status."""

import pytest

from catalog.playlists.services import create_listener_playlist
from recommender.personal.spotify_account.models import SpotifyConnection, SpotifyPlaylistLink
from tests.factories import TrackFactory, UserFactory
from tests.fake_spotify import authorize, connect

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_playlist(listener):
    tracks = [TrackFactory(name=f"Track {number}") for number in range(250)]
    return create_listener_playlist(owner=listener, name="Long evenings", track_ids=[t.pk for t in tracks])


@pytest.fixture
def saver(client, listener, spotify):
    """The listener connected with the playlist scopes (via the Save button, which asks for them)."""
    client.force_login(listener)
    return listener


def item_calls(spotify):
    return [(call.method, len(call.body["uris"] if isinstance(call.body, dict) else call.body))
            for call in spotify.calls("/v1/playlists/") if call.method in ("PUT", "POST")]


def save(client, playlist, capture):
    with capture(execute=True):
        return client.post(f"/me/playlists/{playlist.pk}/spotify/", {"next": "/me/"})


def test_save_asks_for_the_playlist_scopes_then_creates_and_fills_the_playlist_in_batches_of_100(
        client, saver, spotify, long_playlist, django_capture_on_commit_callbacks):
    start = client.post(f"/me/playlists/{long_playlist.pk}/spotify/", {"next": "/me/"})
    assert "playlist-modify-private" in start["Location"]  # not connected yet: to Spotify first
    with django_capture_on_commit_callbacks(execute=True):
        back = connect(client, spotify, start=start)
    assert back["Location"] == "/me/"
    link = SpotifyPlaylistLink.objects.get(playlist=long_playlist)
    assert (link.status, link.tracks_sent) == ("done", 250)
    assert [call.path for call in spotify.calls("/v1/me/playlists")] == ["/v1/me/playlists"]
    assert item_calls(spotify) == [("PUT", 100), ("POST", 100), ("POST", 50)]
    expected = list(long_playlist.entries.order_by("position").values_list("track__spotify_id", flat=True))
    assert spotify.playlists[link.spotify_playlist_id] == expected
    assert spotify.playlist_facts[link.spotify_playlist_id]["name"] == "Long evenings"


def test_saving_again_replaces_the_items_of_the_same_spotify_playlist(
        client, saver, spotify, long_playlist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        connect(client, spotify, start=client.post(f"/me/playlists/{long_playlist.pk}/spotify/"))
    first = SpotifyPlaylistLink.objects.get().spotify_playlist_id
    entries = list(long_playlist.entries.order_by("position").values_list("track_id", flat=True))
    from catalog.playlists.services import replace_playlist_tracks
    replace_playlist_tracks(long_playlist, entries[:120][::-1])
    spotify.requests.clear()
    save(client, long_playlist, django_capture_on_commit_callbacks)
    link = SpotifyPlaylistLink.objects.get()
    assert link.spotify_playlist_id == first and not spotify.calls("/v1/me/playlists")
    assert item_calls(spotify) == [("PUT", 100), ("POST", 20)]
    assert len(spotify.playlists[first]) == 120


@pytest.fixture
def saving_connected(client, saver, spotify, long_playlist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        connect(client, spotify, start=client.post(f"/me/playlists/{long_playlist.pk}/spotify/"))
    spotify.requests.clear()
    return saver


def test_a_rate_limit_is_waited_out_and_the_save_completes(
        client, saving_connected, spotify, long_playlist, django_capture_on_commit_callbacks):
    spotify.fail("/v1/playlists/*", 429, headers={"Retry-After": "1"}, times=2)
    save(client, long_playlist, django_capture_on_commit_callbacks)
    link = SpotifyPlaylistLink.objects.get()
    assert (link.status, link.tracks_sent) == ("done", 250)
    assert item_calls(spotify)[-3:] == [("PUT", 100), ("POST", 100), ("POST", 50)]
    assert len(spotify.playlists[link.spotify_playlist_id]) == 250


def test_spotify_down_is_told_nothing_is_lost_and_a_later_save_succeeds(
        client, saving_connected, spotify, long_playlist, settings, django_capture_on_commit_callbacks):
    settings.SPOTIFY_ACCOUNT_MAX_RETRIES = 2
    spotify.fail("/v1/playlists/*", 503, times=100)
    save(client, long_playlist, django_capture_on_commit_callbacks)
    link = SpotifyPlaylistLink.objects.get()
    assert link.status == "failed" and "Spotify failed (503)" in link.message
    assert "Gave up after 3 tries" in link.message
    assert long_playlist.entries.count() == 250  # the listener's playlist is untouched
    spotify.faults.clear()
    save(client, long_playlist, django_capture_on_commit_callbacks)
    assert SpotifyPlaylistLink.objects.get().status == "done"


def test_spotify_unreachable_is_retried_then_told(
        client, saving_connected, spotify, long_playlist, settings, django_capture_on_commit_callbacks):
    settings.SPOTIFY_ACCOUNT_MAX_RETRIES = 1
    settings.SPOTIFY_API_PREFIX = "http://127.0.0.1:9/v1/"  # nothing listens on the discard port
    save(client, long_playlist, django_capture_on_commit_callbacks)
    link = SpotifyPlaylistLink.objects.get()
    assert link.status == "failed" and "could not be reached" in link.message


def test_a_playlist_deleted_on_spotify_is_created_again(
        client, saving_connected, spotify, long_playlist, django_capture_on_commit_callbacks):
    first = SpotifyPlaylistLink.objects.get().spotify_playlist_id
    spotify.accounts["sp-listener"].playlists.remove(first)
    del spotify.playlists[first]
    save(client, long_playlist, django_capture_on_commit_callbacks)
    link = SpotifyPlaylistLink.objects.get()
    assert link.status == "done" and link.spotify_playlist_id != first
    assert len(spotify.playlists[link.spotify_playlist_id]) == 250


def test_the_page_include_shows_the_status(client, saving_connected, long_playlist):
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    request = RequestFactory().get("/me/playlists/")
    request.user = saving_connected
    html = render_to_string("playlists/_spotify_button.html", {"playlist": long_playlist}, request=request)
    assert f"/me/playlists/{long_playlist.pk}/spotify/" in html and "Done: 250 tracks" in html


def test_the_api_saves_and_reports_and_keeps_to_the_owner(
        client, saving_connected, spotify, long_playlist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/playlists/{long_playlist.pk}/spotify/")
    assert response.status_code == 202 and response.json()["playlist"] == long_playlist.pk
    status = client.get(f"/api/playlists/{long_playlist.pk}/spotify/").json()
    assert status["status"] == "done" and status["tracks_sent"] == 250
    other = UserFactory(username="other")
    client.force_login(other)
    assert client.post(f"/api/playlists/{long_playlist.pk}/spotify/").status_code == 404  # private: not admitted
    mine = create_listener_playlist(owner=other, name="Mine")
    response = client.post(f"/api/playlists/{mine.pk}/spotify/")
    assert response.status_code == 409 and "Connect your Spotify account" in response.json()["detail"]


def test_an_import_only_connection_is_asked_for_the_playlist_scopes(client, listener, spotify, long_playlist):
    client.force_login(listener)
    connect(client, spotify, "import")
    assert not SpotifyConnection.objects.get().has_scopes(["playlist-modify-private"])
    assert client.post(f"/api/playlists/{long_playlist.pk}/spotify/").status_code == 409
    start = client.post(f"/me/playlists/{long_playlist.pk}/spotify/")
    callback = authorize(client, spotify, start=start)
    assert "user-library-read" in spotify.codes[dict(p.split("=") for p in callback.query.split("&"))["code"]][
        "scope"]  # what was granted before is asked again, not lost

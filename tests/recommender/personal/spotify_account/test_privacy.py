"""Privacy: "download my data" has the listener's playlists and the Spotify connection's status (never a token);
"delete my data" removes both; private playlists reach the together model only until the listener opts out."""

import json

import pytest

from catalog.playlists.models import Playlist
from catalog.playlists.services import create_listener_playlist
from recommender.personal.spotify_account.models import SpotifyConnection
from recommender.together.sources import PLAYLIST, playlist_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_my_data_holds_my_playlists_and_the_connections_status_but_no_token(
        client, connected, spotify, catalog_tracks):
    create_listener_playlist(owner=connected, name="Road trip", description="long drives", visibility="public",
                             track_ids=[t.pk for t in catalog_tracks[:3]], recipe={"kind": "radio"})
    create_listener_playlist(owner=UserFactory(username="someone"), name="Not mine",
                             track_ids=[catalog_tracks[4].pk])
    response = client.get("/api/me/data/")
    data = json.loads(response.content)
    (playlist,) = data["playlists"]
    assert (playlist["name"], playlist["visibility"], playlist["recipe"]) == ("Road trip", "public", {"kind": "radio"})
    assert playlist["tracks"] == [t.spotify_id for t in catalog_tracks[:3]]
    (spotify_status,) = data["connections"]
    assert spotify_status["service"] == "spotify" and spotify_status["account"] == "sp-listener"
    assert spotify_status["status"] == "connected" and "user-library-read" in spotify_status["scopes"]
    text = response.content.decode()
    for token in [*spotify.user_tokens, *spotify.refresh_tokens]:
        assert token not in text
    assert "sealed" not in text and "Not mine" not in text


def test_deleting_my_data_removes_my_playlists_and_disconnects_spotify(client, connected, spotify, catalog_tracks):
    create_listener_playlist(owner=connected, name="Road trip", track_ids=[catalog_tracks[0].pk])
    kept = create_listener_playlist(owner=UserFactory(username="someone"), name="Theirs")
    response = client.post("/me/delete/", {"confirm": "delete"}, follow=True)
    assert "1 playlists, and disconnected Spotify" in response.content.decode()
    assert not Playlist.objects.filter(owner=connected).exists() and Playlist.objects.filter(pk=kept.pk).exists()
    assert not SpotifyConnection.objects.exists()
    assert client.delete("/api/me/data/").json()["deleted"]["playlists"] == 0


def test_private_playlists_train_the_together_model_until_their_owner_opts_out(client, listener, catalog_tracks):
    other = UserFactory(username="other")
    ids = [t.pk for t in catalog_tracks]
    private = create_listener_playlist(owner=listener, name="Private", track_ids=ids[:3])
    public = create_listener_playlist(owner=listener, name="Public", visibility="public", track_ids=ids[2:5])
    theirs = create_listener_playlist(owner=other, name="Theirs", track_ids=ids[1:4])
    rows = playlist_rows().tracks
    assert {(PLAYLIST, p.pk) for p in (private, public, theirs)} <= set(rows)

    client.force_login(listener)
    page = client.get("/me/spotify/").content.decode()
    assert 'name="private_playlists_in_model" checked' in page
    client.post("/me/spotify/privacy/", {})  # the box unticked
    rows = playlist_rows().tracks
    assert (PLAYLIST, private.pk) not in rows
    assert {(PLAYLIST, public.pk), (PLAYLIST, theirs.pk)} <= set(rows)
    assert 'name="private_playlists_in_model" >' in client.get("/me/spotify/").content.decode()

    client.post("/me/spotify/privacy/", {"private_playlists_in_model": "on"})
    assert (PLAYLIST, private.pk) in playlist_rows().tracks

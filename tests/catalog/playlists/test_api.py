"""The playlists API: the pages' rules in JSON — yours under /api/me/playlists/, 404 for another's private one,
403 for changing one that is not yours, 400 for bad input, nothing half-written."""

import pytest

from catalog.playlists import editing
from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ids(tracks):
    return [track.spotify_id for track in tracks]


def test_a_listener_makes_a_playlist_with_tracks_and_lists_theirs(client, owner, tracks):
    client.force_login(owner)
    response = client.post("/api/me/playlists/", {"name": " Road trip ", "tracks": [*ids(tracks[:2]), "0" * 22]},
                           content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["visibility"], body["owner"], body["unknown"]) == (
        "Road trip", "private", owner.username, ["0" * 22])
    assert [track["spotify_id"] for track in body["tracks"]] == ids(tracks[:2])
    assert body["tracks"][0]["position"] == 0 and body["tracks"][0]["artists"][0]["name"]
    listed = client.get("/api/me/playlists/").json()
    assert [(item["id"], item["track_count"]) for item in listed] == [(body["id"], 2)]


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "   "}, {"name": "x" * 301}, {}, {"name": 0},
                                  {"name": "ok", "visibility": "friends"}, {"name": "ok", "tracks": "abc"},
                                  {"name": "ok", "tracks": ["not an id!"]}])
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(client, owner, body):
    client.force_login(owner)
    response = client.post("/api/me/playlists/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()
    assert not Playlist.objects.exists()


def test_bodies_are_json_only(client, owner):
    client.force_login(owner)
    assert client.post("/api/me/playlists/", {"name": "Form"}).status_code == 400  # a form's fields are not read
    assert not Playlist.objects.exists()


def test_the_detail_follows_the_access_rule(client, owner, playlist, tracks):
    stranger = UserFactory()
    assert client.get(f"/api/playlists/{playlist.pk}/").status_code == 404  # private, anonymous
    client.force_login(stranger)
    assert client.get(f"/api/playlists/{playlist.pk}/").status_code == 404  # private, someone else's
    assert client.post(f"/api/playlists/{playlist.pk}/duplicate/").status_code == 404
    client.force_login(owner)
    body = client.get(f"/api/playlists/{playlist.pk}/").json()
    assert [track["spotify_id"] for track in body["tracks"]] == ids(tracks[:3]) and body["track_count"] == 3

    Playlist.objects.filter(pk=playlist.pk).update(visibility="unlisted")
    client.force_login(stranger)
    assert client.get(f"/api/playlists/{playlist.pk}/").status_code == 200
    for method, path, data in [("patch", "", {"name": "Mine now"}), ("delete", "", None),
                               ("post", "tracks/", {"tracks": ids(tracks[3:])}),
                               ("delete", f"tracks/{tracks[0].spotify_id}/", None),
                               ("post", f"tracks/{tracks[0].spotify_id}/move/", {"position": 2})]:
        response = getattr(client, method)(f"/api/playlists/{playlist.pk}/{path}", data,
                                           content_type="application/json")
        assert response.status_code == 403, (method, path)
        assert response.json() == {"detail": "Only the playlist's owner can change it."}
    assert playlist_track_ids(playlist) == [track.pk for track in tracks[:3]]
    assert Playlist.objects.get(pk=playlist.pk).name == "Evening"


def test_anonymous_visitors_change_nothing(client, playlist, tracks):
    Playlist.objects.filter(pk=playlist.pk).update(visibility="public")
    assert client.get(f"/api/playlists/{playlist.pk}/").status_code == 200
    assert client.get("/api/me/playlists/").status_code == 401
    assert client.patch(f"/api/playlists/{playlist.pk}/", {"name": "x"}, content_type="application/json") \
        .status_code == 401
    assert client.post(f"/api/playlists/{playlist.pk}/tracks/", {"tracks": ids(tracks[3:])},
                       content_type="application/json").status_code == 401


def test_the_owner_edits_adds_moves_removes_duplicates_and_deletes(client, owner, playlist, tracks):
    client.force_login(owner)
    url = f"/api/playlists/{playlist.pk}/"
    patched = client.patch(url, {"name": "Late", "visibility": "public"}, content_type="application/json").json()
    assert (patched["name"], patched["visibility"], patched["track_count"]) == ("Late", "public", 3)
    assert client.patch(url, {"name": " "}, content_type="application/json").status_code == 400

    added = client.post(f"{url}tracks/", {"tracks": [tracks[3].spotify_id, tracks[0].spotify_id, "zzz"]},
                        content_type="application/json").json()
    assert added == {"added": [tracks[3].spotify_id], "already_there": [tracks[0].spotify_id], "unknown": ["zzz"],
                     "track_count": 4}
    moved = client.post(f"{url}tracks/{tracks[3].spotify_id}/move/", {"position": 0}, content_type="application/json")
    assert moved.json() == {"position": 0}
    assert client.delete(f"{url}tracks/{tracks[1].spotify_id}/").status_code == 204
    assert playlist_track_ids(playlist) == [tracks[3].pk, tracks[0].pk, tracks[2].pk]
    assert client.delete(f"{url}tracks/{tracks[1].spotify_id}/").status_code == 404
    assert client.post(f"{url}tracks/{tracks[1].spotify_id}/move/", {"position": 0},
                       content_type="application/json").status_code == 404
    assert client.post(f"{url}tracks/{tracks[0].spotify_id}/move/", {"position": -1},
                       content_type="application/json").status_code == 400

    copy = client.post(f"{url}duplicate/").json()
    assert copy["name"] == "Late (copy)" and copy["visibility"] == "private" and len(copy["tracks"]) == 3
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert Playlist.objects.filter(pk=copy["id"]).exists()


def test_bad_ids_are_404s(client, owner):
    client.force_login(owner)
    for path in ["/api/playlists/0/", "/api/playlists/99999999/", "/api/playlists/99999999999999999999/",
                 "/api/playlists/abc/"]:
        assert client.get(path).status_code == 404, path


def test_adding_over_the_cap_is_refused_whole(client, owner, playlist, tracks, monkeypatch):
    monkeypatch.setattr(editing, "MAX_PLAYLIST_TRACKS", 3)
    client.force_login(owner)
    response = client.post(f"/api/playlists/{playlist.pk}/tracks/", {"tracks": [tracks[3].spotify_id]},
                           content_type="application/json")
    assert response.status_code == 400 and "at most 3 tracks" in response.json()["tracks"][0]
    assert len(playlist_track_ids(playlist)) == 3

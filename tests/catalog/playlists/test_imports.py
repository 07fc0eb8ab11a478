"""Importing a playlist file: what songrec exports comes back as the same tracks, files from elsewhere match by
Spotify id or by artist and title, and what does not match is reported."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from catalog.playlists.services import create_listener_playlist

pytestmark = pytest.mark.django_db
IMPORT_API = "/api/me/playlists/import/"


def upload(client, content, filename, **fields):
    if isinstance(content, str):
        content = content.encode()
    return client.post(IMPORT_API, {"file": SimpleUploadedFile(filename, content), **fields})


def imported(response):
    assert response.status_code == 201, response.content
    return Playlist.objects.get(pk=response.json()["playlist"]["id"])


@pytest.mark.parametrize("fmt", ["jspf", "xspf", "m3u8"])
def test_an_exported_playlist_imports_back_as_the_same_tracks_in_order(signed_in, songs, listener, fmt):
    original = create_listener_playlist(owner=listener, name="Round trip", track_ids=[t.pk for t in songs[::-1]])
    exported = signed_in.get(f"/api/playlists/{original.pk}/?format={fmt}")
    filename = exported["Content-Disposition"].split('filename="')[1].rstrip('"')
    response = upload(signed_in, exported.content, filename)
    copy = imported(response)
    assert playlist_track_ids(copy) == playlist_track_ids(original)
    assert copy.owner == listener and copy.visibility == Playlist.Visibility.PRIVATE
    assert copy.name == ("Round trip" if fmt != "m3u8" else "Round trip")
    report = response.json()
    assert (report["kind"], report["entries"], report["tracks"]) == ({"m3u8": "m3u"}.get(fmt, fmt), 6, 6)
    assert (report["matched_by_id"], report["unmatched_count"], report["unmatched"]) == (6, 0, [])
    assert report["playlist"]["url"] == f"http://testserver/playlists/{copy.pk}/"


def test_a_file_without_ids_matches_by_artist_and_title_even_with_typos(signed_in, songs):
    xspf = """<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"><title>By name</title>
      <trackList>
        <track><creator>Queen</creator><title>Bohemian Rhapsody</title></track>
        <track><creator>Queen &amp; David Bowie</creator><title>Under Pressure</title></track>
        <track><creator>David Bowi</creator><title>Life on Mars</title></track>
        <track><creator>Nobody Known</creator><title>A Song Nobody Has</title></track>
        <track><creator>Queen</creator><title>Heroes</title></track>
      </trackList></playlist>"""
    response = upload(signed_in, xspf, "by-name.xspf")
    playlist = imported(response)
    assert playlist_track_ids(playlist) == [songs[0].pk, songs[1].pk, songs[5].pk]
    report = response.json()
    assert (report["matched_by_id"], report["matched_by_name"], report["unmatched_count"]) == (0, 3, 2)
    assert [(u["position"], u["artists"], u["title"]) for u in report["unmatched"]] == [
        (4, "Nobody Known", "A Song Nobody Has"), (5, "Queen", "Heroes")]  # Heroes is Bowie's, not Queen's
    assert report["unmatched"][0]["reason"] == "no track in the catalog has this artist and title"


def test_a_listenbrainz_jspf_with_musicbrainz_identifiers_matches_by_name(signed_in, songs):
    jspf = {"playlist": {"title": "Weekly Jams", "creator": "listenbrainz", "track": [
        {"title": "Heroes", "creator": "David Bowie",
         "identifier": ["https://musicbrainz.org/recording/8f1e2a8c-0000-4000-8000-000000000000"]},
        {"title": "Don't Stop Me Now", "creator": "Queen", "identifier": "https://musicbrainz.org/recording/x"},
    ]}}
    playlist = imported(upload(signed_in, json.dumps(jspf), "weekly.jspf"))
    assert playlist.name == "Weekly Jams"
    assert playlist_track_ids(playlist) == [songs[2].pk, songs[3].pk]


def test_an_m3u_of_spotify_uris_and_local_files_named_artist_title(signed_in, songs):
    m3u = (f"#EXTM3U\nspotify:track:{songs[3].spotify_id}\n"
           "/home/ana/Music/David Bowie - Heroes.mp3\n"
           "#EXTINF:240,Queen - Bohemian Rhapsody\nC:\\Music\\whatever.flac\n"
           "https://open.spotify.com/intl-de/track/" + songs[4].spotify_id + "?si=abc\n")
    response = upload(signed_in, m3u, "mix.m3u", name="  My mix ")
    playlist = imported(response)
    assert playlist.name == "My mix"
    assert playlist_track_ids(playlist) == [songs[3].pk, songs[2].pk, songs[0].pk, songs[4].pk]
    assert response.json()["matched_by_id"] == 2


def test_repeats_are_kept_once_and_counted(signed_in, songs):
    m3u = "\n".join(f"spotify:track:{songs[i].spotify_id}" for i in (0, 1, 0, 2))
    response = upload(signed_in, m3u, "repeats.m3u8")
    assert playlist_track_ids(imported(response)) == [songs[0].pk, songs[1].pk, songs[2].pk]
    assert (response.json()["tracks"], response.json()["duplicates"]) == (3, 1)


def test_hidden_tracks_are_not_matched(signed_in, songs):
    songs[0].hidden = True
    songs[0].save(update_fields=["hidden"])
    m3u = "\n".join(f"spotify:track:{songs[i].spotify_id}" for i in (0, 1))
    response = upload(signed_in, m3u, "x.m3u8")
    assert playlist_track_ids(imported(response)) == [songs[1].pk]
    assert response.json()["unmatched"][0]["spotify_id"] == songs[0].spotify_id


def test_the_import_api_needs_a_signed_in_listener(client, songs):
    response = upload(client, f"spotify:track:{songs[0].spotify_id}\n", "x.m3u8")
    assert response.status_code in (401, 403) and not Playlist.objects.exists()


def test_the_import_page_shows_the_new_playlist_and_what_did_not_match(signed_in, songs):
    page = signed_in.get("/me/playlists/import/")
    assert page.status_code == 200 and b'type="file"' in page.content
    m3u = f"spotify:track:{songs[0].spotify_id}\n#EXTINF:100,Nobody - Nothing at all\nnowhere.mp3\n"
    response = signed_in.post("/me/playlists/import/", {"file": SimpleUploadedFile("evening.m3u8", m3u.encode())})
    assert response.status_code == 201
    playlist = Playlist.objects.get()
    text = response.content.decode()
    assert playlist.name == "evening" and f'href="/playlists/{playlist.pk}/"' in text
    assert "Nothing at all" in text and "1 not in the catalog" in text


def test_the_import_page_wants_a_file_or_a_link(signed_in, songs):
    response = signed_in.post("/me/playlists/import/", {"name": "x"})
    assert response.status_code == 400 and "one of the two" in response.content.decode()
    assert not Playlist.objects.exists()


def test_the_import_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/me/playlists/import/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

"""A playlist downloads as JSPF, XSPF, M3U8 and CSV from its API URL with ``?format=``, each with its media type
and file name; errors stay JSON; other API URLs answer ``?format=`` as before."""

import csv
import io
import json
import xml.etree.ElementTree as ET  # noqa: N817

import pytest

from catalog.playlists.models import Playlist
from catalog.playlists.services import create_listener_playlist
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
XSPF = "{http://xspf.org/ns/0/}"


@pytest.fixture
def playlist(songs, listener):
    return create_listener_playlist(owner=listener, name="Friday: Queen & Bowie", description="for the drive",
                                    visibility=Playlist.Visibility.PUBLIC, track_ids=[t.pk for t in songs[:5]])


def download(client, playlist, fmt):
    return client.get(f"/api/playlists/{playlist.pk}/?format={fmt}")


def test_jspf_is_listenbrainz_json_with_spotify_identifiers(client, playlist, songs):
    response = download(client, playlist, "jspf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jspf+json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="friday-queen-bowie-{playlist.pk}.jspf"'
    document = json.loads(response.content)["playlist"]
    assert (document["title"], document["creator"], document["annotation"]) == (
        "Friday: Queen & Bowie", "ana", "for the drive")
    assert document["identifier"] == f"http://testserver/playlists/{playlist.pk}/"
    second = document["track"][1]
    assert second["title"] == "Under Pressure" and second["creator"] == "Queen, David Bowie"
    assert second["album"] == "Hot Space" and second["duration"] == songs[1].duration_ms
    assert second["identifier"] == [f"https://open.spotify.com/track/{songs[1].spotify_id}"]
    assert [t["title"] for t in document["track"]] == [t.name for t in songs[:5]]


def test_xspf_is_namespaced_xml_with_every_text_escaped(client, playlist, songs):
    response = download(client, playlist, "xspf")
    assert response["Content-Type"] == "application/xspf+xml; charset=utf-8"
    assert response["Content-Disposition"].endswith('.xspf"')
    root = ET.fromstring(response.content)
    assert root.tag == f"{XSPF}playlist" and root.get("version") == "1"
    assert root.find(f"{XSPF}title").text == "Friday: Queen & Bowie"
    tracks = root.find(f"{XSPF}trackList").findall(f"{XSPF}track")
    assert [t.find(f"{XSPF}title").text for t in tracks] == [t.name for t in songs[:5]]
    assert tracks[2].find(f"{XSPF}album").text == '"Heroes"'
    assert tracks[0].find(f"{XSPF}location").text == f"https://open.spotify.com/track/{songs[0].spotify_id}"
    assert tracks[0].find(f"{XSPF}duration").text == str(songs[0].duration_ms)


def test_m3u8_has_extinf_with_seconds_and_artist_title_then_the_spotify_url(client, playlist, songs):
    response = download(client, playlist, "m3u8")
    assert response["Content-Type"] == "audio/x-mpegurl; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["#EXTM3U", "#PLAYLIST:Friday: Queen & Bowie"]
    assert lines[4] == f"#EXTINF:{round(songs[1].duration_ms / 1000)},Queen, David Bowie - Under Pressure"
    assert lines[5] == f"https://open.spotify.com/track/{songs[1].spotify_id}"
    assert len(lines) == 2 + 2 * 5


def test_csv_has_one_row_per_track_and_no_cell_a_spreadsheet_would_run(client, playlist, songs):
    response = download(client, playlist, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["position", "title", "artists", "album", "spotify_id", "duration_ms"]
    assert rows[2] == ["2", "Under Pressure", "Queen; David Bowie", "Hot Space", songs[1].spotify_id,
                       str(songs[1].duration_ms)]
    assert rows[5][3] == "'=cmd|' /C calc'!A0"


def test_an_empty_playlist_exports_as_an_empty_file_of_each_format(client, listener):
    empty = create_listener_playlist(owner=listener, name="空", visibility=Playlist.Visibility.PUBLIC)
    assert json.loads(download(client, empty, "jspf").content)["playlist"]["track"] == []
    assert download(client, empty, "m3u8").content.decode() == "#EXTM3U\n#PLAYLIST:空\n"
    assert download(client, empty, "csv")["Content-Disposition"] == f'attachment; filename="playlist-{empty.pk}.csv"'


def test_another_listeners_private_playlist_is_a_json_404_in_every_format(client, songs):
    private = create_listener_playlist(owner=UserFactory(), name="Secret", track_ids=[songs[0].pk])
    for fmt in ("jspf", "xspf", "m3u8", "csv"):
        response = download(client, private, fmt)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json" and "Content-Disposition" not in response
        assert json.loads(response.content) == {"detail": f"No playlist {private.pk}."}


def test_the_owner_downloads_their_private_playlist(client, songs, listener):
    private = create_listener_playlist(owner=listener, name="Mine", track_ids=[songs[0].pk])
    client.force_login(listener)
    assert download(client, private, "jspf").status_code == 200


def test_without_a_format_the_view_answers_json_and_other_urls_ignore_export_formats(client, playlist):
    answer = download(client, playlist, "json").json()
    assert (answer["id"], answer["name"]) == (playlist.pk, playlist.name)
    assert len(answer["tracks"]) == playlist.entries.count()
    assert client.get(f"/api/playlists/{playlist.pk}/").json()["name"] == playlist.name
    # The site-wide renderers are unchanged: an export format elsewhere is not acceptable, an empty one ignored.
    assert client.get("/api/tracks/?format=jspf").status_code == 404
    assert client.get("/api/tracks/?format=").status_code == 200


def test_the_export_buttons_link_the_four_downloads(playlist):
    from django.template.loader import render_to_string

    html = render_to_string("playlists/_export_buttons.html", {"playlist": playlist})
    for fmt in ("jspf", "xspf", "m3u8", "csv"):
        assert f'href="/api/playlists/{playlist.pk}/?format={fmt}"' in html


def test_an_empty_format_is_refused_where_the_schema_lists_the_formats(client, playlist):
    assert client.get(f"/api/playlists/{playlist.pk}/?format=").status_code == 404
    assert client.get(f"/api/playlists/{playlist.pk}/?format=json").status_code == 200

"""Hostile and malformed playlist files get a clear 400 (or an unmatched report), never a 500, and store nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import FakePayload

from catalog.playlists import services
from catalog.playlists.models import MAX_PLAYLIST_TRACKS, Playlist

pytestmark = pytest.mark.django_db
IMPORT_API = "/api/me/playlists/import/"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE playlist [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<playlist version="1" xmlns="http://xspf.org/ns/0/"><title>&lol9;</title><trackList/></playlist>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE playlist [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList><track><title>&secret;</title></track></trackList>
</playlist>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE playlist SYSTEM "http://127.0.0.1:9/evil.dtd">
<playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList/></playlist>"""


def post_file(client, content, filename):
    return client.post(IMPORT_API, {"file": SimpleUploadedFile(filename, content)})


def refused(response, *phrases):
    assert response.status_code == 400, response.content
    body = response.json()
    message = " ".join(body["file"]) if "file" in body else body["detail"]
    for phrase in phrases:
        assert phrase in message, message
    assert not Playlist.objects.exists()
    return message


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_xml_with_a_dtd_or_entities_is_refused_without_expanding_or_fetching_anything(signed_in, content):
    refused(post_file(signed_in, content, "evil.xspf"), "DTD or entities")


@pytest.mark.parametrize(("content", "phrase"), [
    (b"<playlist><trackList><track>", "not well-formed XML"),
    (b'<?xml version="1.0" encoding="no-such-encoding"?><playlist/>', "unknown encoding: no-such-encoding"),
    (b"<html><body>hi</body></html>", "root element is <playlist>, not <html>"),
])
def test_broken_or_foreign_xml_is_refused(signed_in, content, phrase):
    refused(post_file(signed_in, content, "x.xspf"), phrase)


@pytest.mark.parametrize(("document", "phrase"), [
    ([1, 2, 3], 'an object with a "playlist" object'),
    ({"playlist": "mine"}, 'an object with a "playlist" object'),
    ({"playlist": {"track": {"title": "x"}}}, '"playlist.track" must be a list'),
    ({"playlist": {"track": [7]}}, "track 1 must be an object, not int"),
    ({"playlist": {"track": [{"title": "ok"}, {"title": ["a"]}]}}, 'track 2: "title" must be text, not list'),
    ({"playlist": {"track": [{"title": "ok", "identifier": {"a": 1}}]}}, '"identifier" must be a URL or a list'),
    ({"playlist": {"title": 5, "track": []}}, 'playlist: "title" must be text, not int'),
    ({"playlist": {"track": []}}, "no tracks"),
    ({"playlist": {"track": [{"title": "Unknown", "identifier": None, "location": None}]}}, "None of the"),
])
def test_jspf_of_the_wrong_shape_is_refused_saying_where(signed_in, songs, document, phrase):
    refused(post_file(signed_in, json.dumps(document).encode(), "x.jspf"), phrase)


def test_deep_json_is_refused_before_it_is_parsed(signed_in, settings):
    deep = b'{"playlist": {"track": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}}"
    refused(post_file(signed_in, deep, "deep.jspf"), f"nested deeper than {settings.SONGREC_MAX_JSON_DEPTH} levels")


@pytest.mark.parametrize(("content", "name", "phrase"), [
    (b"{not json", "x.jspf", "not valid JSON"),
    (b'{"playlist": {"title": "\xff\xfe"}}', "x.json", "not valid UTF-8"),
    (b"", "x.m3u8", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "cover.png", "not a playlist file"),
    (b'{"playlist": {"track": [{"duration": 1' + b"0" * 5000 + b"}]}}", "big.jspf", "not valid JSON"),
])
def test_unreadable_files_are_refused(signed_in, content, name, phrase):
    refused(post_file(signed_in, content, name), phrase)


@pytest.mark.parametrize("fmt", ["jspf", "m3u8", "xspf"])
def test_a_file_of_more_than_10000_tracks_is_refused_whole(signed_in, songs, fmt):
    n = MAX_PLAYLIST_TRACKS + 1
    ids = [songs[0].spotify_id] * n
    content = {
        "jspf": lambda: json.dumps({"playlist": {"track": [{"identifier": f"spotify:track:{i}"} for i in ids]}}),
        "m3u8": lambda: "\n".join(f"spotify:track:{i}" for i in ids),
        "xspf": lambda: '<playlist xmlns="http://xspf.org/ns/0/"><trackList>' + "".join(
            f"<track><location>spotify:track:{i}</location></track>" for i in ids) + "</trackList></playlist>",
    }[fmt]().encode()
    refused(post_file(signed_in, content, f"long.{fmt}"), "at most 10,000 tracks", "10,001")


def test_a_file_of_only_unknown_tracks_is_refused_naming_some(signed_in, songs):
    m3u = b"#EXTINF:1,Nobody - Nothing\nx.mp3\nspotify:track:0000000000000000000000\n"
    response = post_file(signed_in, m3u, "x.m3u")
    assert response.status_code == 400 and not Playlist.objects.exists()
    assert response.json()["detail"].startswith("None of the playlist's 2 tracks is in the catalog (for example "
                                                "#1 Nobody – Nothing; #2 0000000000000000000000)")


@pytest.mark.parametrize("url", [IMPORT_API, "/me/playlists/import/"])
def test_an_over_sized_file_is_refused_while_it_streams_in(signed_in, settings, monkeypatch, url):
    settings.PLAYLIST_IMPORT_MAX_BYTES = 100 * 1024
    read = []
    original = FakePayload.read
    monkeypatch.setattr(FakePayload, "read", lambda self, *args: read.append(original(self, *args)) or read[-1])
    body = b"#EXTM3U\n" + b"# padding\n" * 300_000
    response = signed_in.post(url, {"file": SimpleUploadedFile("huge.m3u8", body)})
    assert response.status_code == 400
    assert "larger than" in response.content.decode() and "102,400 bytes" in response.content.decode()
    assert sum(map(len, read)) < len(body) // 4  # most of the body was never read
    assert not Playlist.objects.exists()


def test_the_playlist_limit_leaves_other_uploads_their_own(signed_in, settings):
    from songrec.lib.uploads import upload_limit

    settings.PLAYLIST_IMPORT_MAX_BYTES, settings.UPLOAD_MAX_BYTES = 10, 20
    assert (upload_limit(IMPORT_API), upload_limit("/me/import/")) == (10, 20)


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "5", "null", '{"url": 5}', '{"url": ""}', '{"file": "x"}',
                                  '{"url": "https://example.com/playlist/1"}'])
def test_json_bodies_of_the_wrong_type_are_a_400(signed_in, body):
    response = signed_in.post(IMPORT_API, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert not Playlist.objects.exists()


def test_nothing_is_half_imported_when_storing_fails(signed_in, songs, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away mid-import")

    monkeypatch.setattr(services, "replace_playlist_tracks", fail)
    with pytest.raises(RuntimeError):
        post_file(signed_in, f"spotify:track:{songs[0].spotify_id}\n".encode(), "x.m3u8")
    assert not Playlist.objects.exists()


def test_nul_and_lone_surrogates_in_names_are_dropped_not_stored_or_echoed(signed_in, songs):
    jspf = ('{"playlist": {"title": "Mix\\u0000\\ud800 one", "annotation": "a\\udfffb", "track": ['
            f'{{"title": "x\\u0000\\ud83d", "identifier": "spotify:track:{songs[0].spotify_id}"}},'
            '{"title": "Nothing\\u0000 here\\udc00", "creator": "\\ud800"}]}}')
    response = post_file(signed_in, jspf.encode(), "x.jspf")
    assert response.status_code == 201, response.content
    playlist = Playlist.objects.get()
    assert (playlist.name, playlist.description) == ("Mix one", "ab")
    assert response.json()["unmatched"][0]["title"] == "Nothing here"

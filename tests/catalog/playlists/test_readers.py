"""Whatever bytes arrive, a reader gives a playlist or a PlaylistFileError with a message, never another exception."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.playlists.readers import PlaylistFileError, read_playlist_file

NAMES = ["x.jspf", "x.json", "x.xspf", "x.xml", "x.m3u", "x.m3u8", "x.bin", ""]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["playlist", "track", "title", "creator", "identifier", "location", "extension",
                         "additional_metadata", "spotify_id", "album", "annotation"]) | st.text(max_size=5),
        children, max_size=5),
    max_leaves=30)
XML_PIECES = st.lists(st.sampled_from([
    "<playlist>", "</playlist>", '<playlist xmlns="http://xspf.org/ns/0/">', "<trackList>", "</trackList>",
    "<track>", "</track>", "<title>", "</title>", "<location>", "</location>", "spotify:track:0123456789abcdefABCDEF",
    "&amp;", "&lol;", "<!DOCTYPE x>", "<?xml version='1.0'?>", "text", "<![CDATA[x]]>", "\x00", "é",
]), max_size=20).map("".join)


def read(content, name):
    try:
        playlist = read_playlist_file(content, name)
    except PlaylistFileError as error:
        assert error.message and error.status_code == 400
        return None
    assert all(entry.position == n for n, entry in enumerate(playlist.entries, start=1))
    return playlist


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=300), st.sampled_from(NAMES))
def test_any_bytes(content, name):
    read(content, name)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(JSON_VALUES)
def test_any_json_document(document):
    read(json.dumps(document).encode(), "x.jspf")
    read(json.dumps({"playlist": {"track": [document]}}).encode(), "x.jspf")
    read(json.dumps({"playlist": document}).encode(), "x.jspf")


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(XML_PIECES)
def test_any_xml_like_text(text):
    read(text.encode(), "x.xspf")


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.text(max_size=200))
def test_any_m3u_text(text):
    read(f"#EXTM3U\n{text}".encode(), "x.m3u8")

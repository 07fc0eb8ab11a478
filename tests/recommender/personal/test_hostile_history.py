"""Issue 22, item 1 and 8: what a hostile streaming history can't do — store a year-10000 play, end in a
"failed unexpectedly", or make a reader of plays answer 500. Bad rows are skipped and named by position."""

import json
import zipfile
from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.client import FakePayload

from recommender.personal.history import HistoryFormatError, RejectedRow, parse_history
from recommender.personal.models import Play
from tests.factories import UserFactory

from .test_history_import import basic_rows, upload, zipped

pytestmark = pytest.mark.django_db
NAME = "Streaming_History_Audio_2024.json"


def extended(tracks, ts="2024-04-01T10:00:00Z", **overrides):
    return {"ts": ts, "ms_played": 240000, "master_metadata_track_name": "whatever",
            "master_metadata_album_artist_name": "someone",
            "spotify_track_uri": f"spotify:track:{tracks['metal'][1].spotify_id}", **overrides}


@pytest.mark.parametrize("ts", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2005-12-31T23:59:59Z",
                                "2999-01-01T00:00:00Z"])
def test_a_timestamp_out_of_range_is_reported_by_position_and_the_good_rows_are_stored(client, listener, tracks, ts):
    client.force_login(listener)
    rows = [extended(tracks), extended(tracks, ts=ts)]
    response = upload(client, NAME, json.dumps(rows).encode())

    assert response.status_code == 201, response.json()
    summary = response.json()["summary"]
    assert summary["new_plays"] == 1 and summary["rejected_rows"] == 1
    assert summary["rejected"][0].startswith(f"{NAME}, entry 2: the time '{ts}' is outside 2006-01-01")
    assert Play.objects.get(user=listener).played_at.year == 2024
    for page in ("/me/", "/me/for-you/", "/me/export/", "/api/me/data/"):
        assert client.get(page).status_code in (200, 503), page  # 503: no index built in this test


def test_an_upload_of_only_bad_rows_fails_naming_the_first_problems(client, listener, tracks):
    client.force_login(listener)
    response = upload(client, NAME, json.dumps([extended(tracks, ts="9999-12-31T23:59:59-14:00")]).encode())
    assert response.status_code == 400
    assert "holds no music plays we could read" in response.json()["file"][0]
    assert "entry 1: the time" in response.json()["file"][0]


@pytest.mark.parametrize("overrides, problem", [
    ({"master_metadata_track_name": "So\u0000What"}, "entry 1: master_metadata_track_name: the text contains a NUL "
                                                    "character"),
    ({"master_metadata_album_artist_name": "Miles\u0000"}, "the text contains a NUL character"),
    ({"ms_played": 10 ** 30}, "milliseconds played is more than"),
    ({"ms_played": -5}, "must be a whole number"),
    ({"ms_played": 1.5}, "must be a whole number"),
    ({"ts": 20240401}, "unreadable time"),
    ({"ts": "x" * 10_000}, "unreadable time"),
    ({"master_metadata_track_name": ["a"]}, "must be text"),
])
def test_a_bad_value_is_named_with_its_row(client, listener, tracks, overrides, problem):
    client.force_login(listener)
    response = upload(client, NAME, json.dumps([extended(tracks, **overrides), extended(tracks)]).encode())
    assert response.status_code == 201, response.json()
    assert problem in response.json()["summary"]["rejected"][0]
    assert response.json()["summary"]["new_plays"] == 1


def test_a_lone_surrogate_is_named_not_a_database_error():
    rows = list(parse_history(iter_bytes(json.dumps([{"endTime": "2024-03-01 20:15", "artistName": "\ud800",
                                                      "trackName": "x", "msPlayed": 40000}]).encode()), "h.json"))
    # yajl turns the escape into "?"; a Python parser would keep the surrogate, which is refused by name.
    assert rows[0].artist == "?" or "lone UTF-16 surrogate" in str(rows[0])


class iter_bytes:  # noqa: N801  (a minimal binary stream)
    def __init__(self, data):
        self.data = data

    def read(self, size=-1):
        chunk, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return chunk


def test_deep_json_is_read_without_recursion_and_named(client, listener, tracks):
    client.force_login(listener)
    deep = b"[" * 200_000 + b"]" * 200_000
    body = b"[" + json.dumps(extended(tracks)).encode() + b"," + deep + b"," + \
        json.dumps(extended(tracks, master_metadata_track_name=None)).encode()[:-1] + b', "x": ' + deep + b"}]"
    response = upload(client, NAME, body)
    assert response.status_code == 201, response.json()
    assert response.json()["summary"]["rejected"] == [f"{NAME}, entry 2: expected an object."]


def test_a_whole_file_of_deep_nesting_is_not_a_history(client, listener, tracks):
    client.force_login(listener)
    response = upload(client, NAME, b"[" * 500_000 + b"]" * 500_000)
    assert response.status_code == 400 and "holds no music plays" in response.json()["file"][0]


def test_a_zip_whose_recorded_sizes_lie_is_refused_by_name(client, listener, tracks):
    client.force_login(listener)
    content = bytearray(zipped({"StreamingHistory_music_0.json": json.dumps(basic_rows(tracks) * 50)}))
    # Lower the uncompressed size in the central directory (and the local header): the data now exceeds it.
    with zipfile.ZipFile(__import__("io").BytesIO(bytes(content))) as archive:
        info = archive.infolist()[0]
    central = content.rindex(b"PK\x01\x02")
    content[central + 24:central + 28] = (10).to_bytes(4, "little")
    content[info.header_offset + 22:info.header_offset + 26] = (10).to_bytes(4, "little")
    response = upload(client, "my_spotify_data.zip", bytes(content))
    assert response.status_code == 400
    message = response.json()["file"][0]
    assert "zip bomb" in message or "recorded sizes are wrong" in message, message
    assert "unexpectedly" not in message


def test_invalid_json_midway_names_where_and_stores_nothing(client, listener, tracks):
    client.force_login(listener)
    body = json.dumps([extended(tracks)]).encode()[:-1] + b", {broken"
    response = upload(client, NAME, body)
    assert response.status_code == 400 and "not valid JSON after entry 1" in response.json()["file"][0]
    assert not Play.objects.exists()


def test_a_reader_gets_rejected_rows_with_their_position():
    stream = iter_bytes(b'[1, {"endTime": "2024-03-01 20:15", "artistName": "a", "trackName": "b", "msPlayed": 3e4}]')
    rows = list(parse_history(stream, "h.json"))
    assert rows == [RejectedRow("h.json", 1, "expected an object."),
                    RejectedRow("h.json", 2, "the milliseconds played must be a whole number.")]
    with pytest.raises(HistoryFormatError, match="expected a JSON list"):
        list(parse_history(iter_bytes(b'{"a": 1}'), "h.json"))


def test_the_database_refuses_a_play_no_reader_could_load(listener, tracks):
    with pytest.raises(IntegrityError), transaction.atomic():
        Play.objects.create(user=listener, track=tracks["jazz"][0], ms_played=1,
                            played_at=datetime(2100, 1, 1, tzinfo=UTC))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="year 10000 only exists in PostgreSQL")
def test_the_migration_removes_year_10000_plays_and_the_pages_work_again(client, tracks):
    listener = UserFactory(username="broken")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE personal_play DROP CONSTRAINT play_played_at_in_range")
        cursor.execute("INSERT INTO personal_play (user_id, track_id, played_at, ms_played) VALUES "
                       "(%s, %s, '9999-12-31T23:59:59-14:00', 40000)", [listener.pk, tracks["jazz"][0].pk])
    client.force_login(listener)
    with pytest.raises(Exception, match="too large|out of range"), transaction.atomic():
        client.get("/api/me/data/")  # what the issue saw: the export can't load the play

    migration = import_module("recommender.personal.migrations.0004_hostile_input_bounds")
    with connection.schema_editor() as editor:
        migration.drop_unreadable_plays(apps, editor)

    assert not Play.objects.filter(user=listener).exists()
    for page in ("/me/", "/me/export/", "/api/me/data/"):
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("url", ["/api/me/imports/", "/me/import/"])
def test_an_over_sized_body_is_refused_while_it_streams_in(client, listener, tracks, settings, monkeypatch, url):
    settings.PERSONAL_UPLOAD_MAX_BYTES = settings.UPLOAD_MAX_BYTES = 100 * 1024
    read = []
    original = FakePayload.read
    monkeypatch.setattr(FakePayload, "read", lambda self, *args: read.append(original(self, *args)) or read[-1])
    client.force_login(listener)
    body = b"[" + b" " * 3_000_000 + b"]"
    response = client.post(url, {"file": SimpleUploadedFile(NAME, body)})

    assert response.status_code == 400
    assert "larger than the 0 MB limit (102,400 bytes)" in response.content.decode()
    assert sum(map(len, read)) < len(body) // 4  # most of the body was never read
    assert not Play.objects.exists()

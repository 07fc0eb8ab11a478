"""The list and search reads written in SQL (catalog.refs, songrec.lib.sql) read what the ORM reads (issue 14)."""

import sqlite3

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import AUDIO_FEATURES, Track
from catalog.refs import track_refs, visible_refs_by_spotify_id, visible_rows, visible_track_id
from songrec.lib.sql import one_of
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracks():
    duo = [ArtistFactory(name="아이유 "), ArtistFactory(name="Gen Hoshino")]
    return [
        TrackFactory(name="夜に駆ける", artists=duo, genres=["j-pop", "anime"]),
        TrackFactory(name="Comedy", artists=duo[::-1], genres=["j-pop"], explicit=True),
        TrackFactory(name="Alone", artists=[], album=None, popularity=None, duration_ms=None, tempo=None),
        TrackFactory(name="Hidden", hidden=True, genres=["rock"]),
        TrackFactory(name="Single", album=AlbumFactory(name="Love Is Gone")),
    ]


def orm_ref(track):
    """What a list shows of a track, read through the ORM (the definition)."""
    return {"id": track.pk, "spotify_id": track.spotify_id, "name": track.name, "hidden": track.hidden,
            "song": track.song_key or f"track:{track.pk}",
            "artists": [(artist.pk, artist.name, artist.spotify_id) for artist in track.ordered_artists]}


def ref_of(ref):
    return {"id": ref.id, "spotify_id": ref.spotify_id, "name": ref.name, "hidden": ref.hidden, "song": ref.song,
            "artists": [(artist.id, artist.name, artist.spotify_id) for artist in ref.artists]}


def test_track_refs_are_the_tracks_with_their_credits_in_order_hidden_ones_flagged(tracks):
    expected = {track.pk: orm_ref(track) for track in Track.objects.with_credits()}
    refs = track_refs([track.pk for track in tracks] + [tracks[0].pk, 10**9])  # a repeat and an unknown id
    assert {track_id: ref_of(ref) for track_id, ref in refs.items()} == expected
    assert refs[tracks[3].pk].hidden is True and refs[tracks[0].pk].hidden is False
    assert track_refs([]) == {}


def test_refs_by_spotify_id_leave_out_hidden_and_unknown_tracks(tracks):
    refs = visible_refs_by_spotify_id([track.spotify_id for track in tracks] + ["nope"])
    assert sorted(refs) == sorted(track.pk for track in tracks if not track.hidden)
    assert ref_of(refs[tracks[1].pk]) == orm_ref(Track.objects.with_credits().get(pk=tracks[1].pk))


def test_a_visible_track_id_by_spotify_id_is_the_orm_lookup(tracks):
    for track in tracks:
        expected = Track.objects.visible().filter(spotify_id=track.spotify_id).values_list("pk", flat=True).first()
        assert visible_track_id(track.spotify_id) == expected
    assert visible_track_id(tracks[3].spotify_id) is None  # hidden
    assert visible_track_id("nope") is None


def test_visible_rows_hold_what_a_search_result_shows(tracks):
    rows = visible_rows([track.pk for track in tracks])
    assert sorted(rows) == sorted(track.pk for track in tracks if not track.hidden)
    for track in Track.objects.visible().with_credits():
        row = rows[track.pk]
        assert ref_of(row) | {"song": None} == orm_ref(track) | {"song": None}  # results are not folded by song
        assert (row.album and (row.album.name, row.album.id, row.album.spotify_id, row.album.release_date,
                               row.album.artist_id)) == \
            (track.album and (track.album.name, track.album.pk, track.album.spotify_id, track.album.release_date,
                              track.album.artist_id))
        assert row.isrc == track.isrc
        assert (row.popularity, row.duration_ms, row.explicit) == (track.popularity, track.duration_ms, track.explicit)
        assert row.explicit in (True, False)
        assert row.features == track.feature_values() and list(row.features) == list(AUDIO_FEATURES)
        assert row.genre_names == track.genre_names


def test_visible_rows_by_spotify_id_are_the_rows_by_id(tracks):
    by_id = visible_rows([track.pk for track in tracks])
    assert visible_rows(spotify_ids=[track.spotify_id for track in tracks] + ["nope"]) == by_id
    assert visible_rows(spotify_ids=[]) == {}


def test_a_read_is_one_query_with_the_same_text_for_any_number_of_ids(tracks):
    with CaptureQueriesContext(connection) as few:
        track_refs([tracks[0].pk])
    with CaptureQueriesContext(connection) as many:
        track_refs([track.pk for track in tracks])
    assert len(few) == len(many) == 1
    assert few[0]["sql"].count("%s") == 0 and few[0]["sql"].split("WHERE")[0] == many[0]["sql"].split("WHERE")[0]


def test_the_sqlite_condition_matches_ints_and_strings():
    """The demo runs on SQLite: the same condition through json_each."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?)", [(1, "a"), (2, "b 봄"), (3, "c")])
    for column, values, expected in (("id", [3, 1, 99], [1, 3]), ("code", ["b 봄", "zz"], [2]), ("id", [], [])):
        condition, params = one_of(column, values, vendor="sqlite")
        found = db.execute(f"SELECT id FROM t WHERE {condition.replace('%s', '?')} ORDER BY id", params).fetchall()
        assert [row[0] for row in found] == expected


def test_credits_and_genres_are_what_the_prefetches_read(tracks):
    from catalog.refs import credits_and_genres

    for track in Track.objects.with_credits():
        artists, genres = credits_and_genres(track.pk)
        assert [(artist.id, artist.name, artist.spotify_id) for artist in artists] == [
            (artist.pk, artist.name, artist.spotify_id) for artist in track.ordered_artists]
        assert genres == track.genre_names
    assert credits_and_genres(10**9) == ([], [])


def test_a_read_run_often_is_prepared_on_the_server(tracks):
    """PostgreSQL parses and plans it once per connection; the ORM's own queries are never prepared."""
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 5  # DATABASE_PREPARED_READS, default on
    for count in (1, 3, 1, 2, 5, 1):  # any number of ids: the same statement
        track_refs([track.pk for track in tracks[:count]])
    Track.objects.filter(pk__in=[tracks[0].pk]).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert len([text for text in statements if "c.artist_id, a.name" in text]) == 1, statements
    assert not [text for text in statements if "COUNT(*)" in text]
    assert track_refs([tracks[1].pk])[tracks[1].pk].name == "Comedy"  # and the prepared read still answers


def test_rows_fetched_in_binary_are_the_rows_fetched_as_text(tracks):
    """The catalog read of a build (recommender.index.features) comes in binary on PostgreSQL: the same values."""
    from songrec.lib.sql import fetch_rows

    sql = "SELECT id, name, danceability, tempo, popularity, hidden, song_key FROM catalog_track ORDER BY id"
    binary, text = fetch_rows(sql, binary=True), fetch_rows(sql)
    assert binary == text and len(binary) == len(tracks)
    assert [type(value) for value in binary[0]] == [int, str, float, float, int, bool, str]


def test_with_preparation_off_the_reads_answer_the_same(tracks):
    """DATABASE_PREPARED_READS=0 leaves the connection without a prepare_threshold: nothing is prepared."""
    expected = {track_id: ref_of(ref) for track_id, ref in track_refs([track.pk for track in tracks]).items()}
    connection.ensure_connection()
    threshold, connection.connection.prepare_threshold = connection.connection.prepare_threshold, None
    try:
        for _ in range(6):
            refs = track_refs([track.pk for track in tracks])
            assert {track_id: ref_of(ref) for track_id, ref in refs.items()} == expected
    finally:
        connection.connection.prepare_threshold = threshold

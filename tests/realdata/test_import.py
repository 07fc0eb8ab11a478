"""The real Spotify Tracks Dataset imports into PostgreSQL, re-imports idempotently and is searchable."""

import csv
import gzip
import io
import re

import pytest
from django.core.management import call_command

from catalog.models import Album, Artist, Genre, Track, TrackArtist, TrackGenre
from catalog.search import search_tracks
from catalog.songs import song_key
from tests.realdata.conftest import real_dataset_path

pytestmark = pytest.mark.django_db

EMPTY_ROW_ID = "1kR4gIb7nGxHPI3D2ifs59"  # index 65900: empty artists, album and title
NUL_ROW_ID, UNDECODABLE_ROW_ID = "nulbyte" + "0" * 15, "badbytes" + "0" * 14


def catalog_counts():
    return {model.__name__: model.objects.count()
            for model in (Track, Artist, Album, Genre, TrackArtist, TrackGenre)}


def test_the_whole_real_file_is_imported_with_its_known_counts(real_catalog):
    summary = real_catalog.import_summary
    assert "Imported 89740 tracks from 114000 rows (Spotify Tracks Dataset): 89740 new" in summary
    assert "24259 duplicate rows merged, 1 bad rows skipped" in summary
    assert Track.objects.count() == 89_740  # 89,741 distinct ids less the row without a title
    assert Artist.objects.count() == 29_858
    assert Album.objects.count() == 57_657
    assert Genre.objects.count() == 114
    assert Track.objects.filter(genres__isnull=True).count() == 0


def test_the_row_with_empty_names_is_reported_with_its_line_and_skipped(real_catalog):
    assert "skipped line 65902: missing track name" in real_catalog.import_problems
    assert not Track.objects.filter(spotify_id=EMPTY_ROW_ID).exists()


def test_trailing_spaces_are_trimmed_from_names(real_catalog):
    # The file credits "Terra " with a trailing space; it is the same artist as "Terra".
    assert Artist.objects.filter(name="Terra").count() == 1
    assert not Artist.objects.filter(name__regex=r"(^\s|\s$)").exists()
    assert not Track.objects.filter(name__regex=r"(^\s|\s$)").exists()


def tainted(line, track_id, raw):
    """A copy of a real CSV line under another track id, with raw bytes put in front of its artists."""
    index, _track_id, rest = line.split(b",", 2)
    return b",".join([index, track_id.encode(), raw + rest])


def test_a_real_slice_with_a_nul_row_an_undecodable_row_and_a_blank_line_imports_the_rest(tmp_path, capsys):
    with gzip.open(real_dataset_path(), "rb") as handle:
        lines = [handle.readline() for _ in range(2001)]  # the header and the first 2,000 rows
    real_ids = {row["track_id"] for row in csv.DictReader(io.StringIO(b"".join(lines).decode()))}
    lines[1001:1001] = [tainted(lines[1000], NUL_ROW_ID, b"\x00")]
    lines[1502:1502] = [tainted(lines[1500], UNDECODABLE_ROW_ID, b"\xff\xfe")]
    lines[1801:1801] = [b"\n"]
    sliced = tmp_path / "slice.csv"
    sliced.write_bytes(b"".join(lines))

    call_command("import_tracks", str(sliced), "--no-progress")

    out, err = capsys.readouterr()
    assert re.search(rf"Imported {len(real_ids)} tracks from 2002 rows .*, 2 bad rows skipped, 1 empty rows ignored",
                     out)
    assert "skipped line 1002: contains a NUL byte" in err
    assert "skipped line 1503: contains bytes that are not UTF-8" in err
    assert "skipped line 1802: empty row" in err
    assert Track.objects.filter(spotify_id__in=real_ids).count() == len(real_ids)
    assert not Track.objects.filter(spotify_id__in=[NUL_ROW_ID, UNDECODABLE_ROW_ID]).exists()


def test_a_second_import_of_the_real_dataset_changes_nothing(real_catalog, capsys):
    before = catalog_counts()
    call_command("import_tracks", str(real_catalog.path), "--no-progress")
    assert "0 new, 89740 updated" in capsys.readouterr().out
    assert catalog_counts() == before


def test_releases_of_one_song_share_a_song_key(real_catalog):
    # "夜に駆ける" by YOASOBI is in the file under two ids.
    keys = set(Track.objects.filter(spotify_id__in=["6MCjmGYlw6mQVWRFVgBRvB", "3dPtXHP0oXQ4HCWHsOA9js"])
               .values_list("song_key", flat=True))
    assert keys == {song_key("夜に駆ける", ["YOASOBI"])}
    assert Track.objects.exclude(song_key="").count() == 89_740


def _top(query, limit=5):
    found = Track.objects.in_bulk([hit.track_id for hit in search_tracks(query, limit=limit)])
    return [found[hit.track_id] for hit in search_tracks(query, limit=limit)]


def test_comedy_by_gen_hoshino_is_found_first(real_catalog):
    first = _top("Gen Hoshino Comedy")[0]
    assert first.song_key == song_key("Comedy", ["Gen Hoshino"])
    assert _top("gen hoshno comedy")[0].song_key == first.song_key


def test_a_hangul_and_a_japanese_title_are_found_by_their_own_script(real_catalog):
    assert [(t.name, t.artist_names) for t in _top("그대라는 시")][0] == ("그대라는 시", "TAEYEON")
    yoasobi = _top("夜に駆ける")
    assert (yoasobi[0].name, yoasobi[0].artist_names) == ("夜に駆ける", "YOASOBI")
    # Two releases in the file, one result.
    assert [(track.name, track.artist_names) for track in yoasobi].count(("夜に駆ける", "YOASOBI")) == 1


def test_nonsense_finds_nothing_on_the_real_catalog(real_catalog):
    assert search_tracks("qxzvbk wpfjd") == []

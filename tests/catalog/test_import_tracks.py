import gzip
import shutil

import pytest
from django.core.management import CommandError, call_command

from catalog import upsert
from catalog.models import Album, Artist, Genre, Track, TrackArtist
from catalog.playlists.models import Playlist
from tests.conftest import SPOTIFY_COLUMNS, spotify_row


def run_import(path, *args):
    call_command("import_tracks", str(path), "--no-progress", *args)


def test_import_stores_tracks_with_ordered_artists_album_genres_and_features(db, write_spotify_csv):
    path = write_spotify_csv([
        spotify_row("4uLU6hMCjMI75M1A2tKUQC", name="Never Gonna Give You Up", artists="Rick Astley",
                    album="Whenever You Need Somebody", genre="dance", popularity=80, explicit="True"),
        spotify_row("0VjIjW4GlUZAMYd2vXMi3b", name="Blinding Lights", artists="The Weeknd;Daft Punk",
                    album="After Hours", danceability=0.514, tempo=171.005, key=1, mode=1),
    ])

    run_import(path)

    track = Track.objects.get(spotify_id="0VjIjW4GlUZAMYd2vXMi3b")
    assert [artist.name for artist in track.ordered_artists] == ["The Weeknd", "Daft Punk"]
    assert track.album.name == "After Hours"
    assert track.album.artist.name == "The Weeknd"
    assert track.danceability == pytest.approx(0.514)
    assert track.tempo == pytest.approx(171.005)
    assert track.source == Track.Source.DATASET
    assert track.has_all_features
    rick = Track.objects.get(spotify_id="4uLU6hMCjMI75M1A2tKUQC")
    assert rick.explicit is True
    assert rick.popularity == 80
    assert [genre.name for genre in rick.genres.all()] == ["dance"]


def test_duplicate_track_ids_are_merged_with_genres_unioned(db, write_spotify_csv, capsys):
    path = write_spotify_csv([
        spotify_row("5SuOikwiRyPMVoIQDJUgSV", name="Comedy", genre="acoustic"),
        spotify_row("5SuOikwiRyPMVoIQDJUgSV", name="Comedy", genre="j-pop"),
        spotify_row("5SuOikwiRyPMVoIQDJUgSV", name="Comedy", genre="acoustic"),
    ])

    run_import(path)

    track = Track.objects.get()
    assert sorted(genre.name for genre in track.genres.all()) == ["acoustic", "j-pop"]
    assert "2 duplicate rows merged" in capsys.readouterr().out


def test_running_the_import_twice_leaves_the_same_rows(db, write_spotify_csv):
    path = write_spotify_csv([
        spotify_row(f"id{n:020d}", name=f"Song {n}", artists=f"Artist {n % 3};Guest {n % 2}", album=f"Album {n % 4}")
        for n in range(30)
    ])
    run_import(path)
    before = {model: model.objects.count() for model in (Track, Artist, Album, Genre, TrackArtist)}

    run_import(path)

    assert {model: model.objects.count() for model in (Track, Artist, Album, Genre, TrackArtist)} == before
    assert before[Track] == 30


def test_reimport_updates_values_but_keeps_curation(db, write_spotify_csv):
    run_import(write_spotify_csv([spotify_row("a" * 22, popularity=10, artists="Old Name")]))
    Track.objects.filter(spotify_id="a" * 22).update(hidden=True)

    run_import(write_spotify_csv([spotify_row("a" * 22, popularity=90, artists="New Name;Guest", genre="rock")]))

    track = Track.objects.get()
    assert track.popularity == 90
    assert track.hidden is True
    assert [artist.name for artist in track.ordered_artists] == ["New Name", "Guest"]
    assert sorted(genre.name for genre in track.genres.all()) == ["pop", "rock"]


def test_bad_rows_are_reported_with_line_numbers_and_skipped(db, write_spotify_csv, capsys):
    path = write_spotify_csv([
        spotify_row("good0000000000000000001"),
        spotify_row("bad00000000000000000001", energy="loud"),
        spotify_row("bad00000000000000000002", danceability="1.7"),
        spotify_row("", name="No id"),
        spotify_row("bad00000000000000000003", name=""),
        spotify_row("good0000000000000000002", key=""),
    ])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("99,short,row\n")

    run_import(path)

    errors = capsys.readouterr().err
    assert "line 3: energy is not a number: 'loud'" in errors
    assert "line 4: danceability 1.7 is outside 0.0..1.0" in errors
    assert "line 5: missing track_id" in errors
    assert "line 6: missing track name" in errors
    assert "line 8: expected 21 fields, found 3" in errors
    assert sorted(Track.objects.values_list("spotify_id", flat=True)) == [
        "good0000000000000000001", "good0000000000000000002"]
    assert Track.objects.get(spotify_id="good0000000000000000002").key is None


def test_line_numbers_count_quoted_newlines(db, tmp_path, capsys):
    header = ",".join(SPOTIFY_COLUMNS)
    good = spotify_row("x" * 22, name="Two\nLines")
    bad = spotify_row("y" * 22, tempo="fast")
    lines = [header]
    for index, row in enumerate((good, bad)):
        values = [str(index)] + [f'"{row[c]}"' for c in SPOTIFY_COLUMNS[1:]]
        lines.append(",".join(values))
    path = tmp_path / "multiline.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    run_import(path)

    assert "line 4: tempo is not a number: 'fast'" in capsys.readouterr().err
    assert Track.objects.get().name == "Two\nLines"


def test_wrong_columns_fail_with_a_clear_message_and_write_nothing(db, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("id,title,singer\n1,Song,Someone\n", encoding="utf-8")

    with pytest.raises(CommandError, match="unrecognised columns: missing track_id, artists"):
        run_import(path)
    assert not Track.objects.exists()


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\xff\xfe\x00garbage\x00", "not a readable UTF-8 CSV"),
])
def test_unreadable_files_fail_clearly(db, tmp_path, content, message):
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run_import(path)


def test_rows_with_a_nul_byte_or_undecodable_bytes_are_reported_and_skipped(db, write_spotify_csv, capsys):
    path = write_spotify_csv([spotify_row(f"id{n:020d}", name=f"Song {n}") for n in range(4)])
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"Song 1", b"So\x00ng 1")
    lines[4] = lines[4].replace(b"Song 3", b"Song \xff\xfe 3")
    path.write_bytes(b"\n".join(lines))

    run_import(path)

    assert sorted(Track.objects.values_list("name", flat=True)) == ["Song 0", "Song 2"]
    err = capsys.readouterr().err
    assert "skipped line 3: contains a NUL byte" in err
    assert "skipped line 5: contains bytes that are not UTF-8" in err


def test_empty_rows_are_counted_reported_by_line_and_ignored(db, write_spotify_csv, capsys):
    path = write_spotify_csv([spotify_row(f"id{n:020d}", name=f"Song {n}") for n in range(3)])
    lines = path.read_bytes().split(b"\n")
    # A blank line after the first track, a row of empty fields after the second, a blank line at the end.
    lines[2:2] = [b""]
    lines[4:4] = [b"," * (len(SPOTIFY_COLUMNS) - 1) + b"   "]
    path.write_bytes(b"\n".join(lines) + b"\n")

    run_import(path)

    out, err = capsys.readouterr()
    assert "Imported 3 tracks from 3 rows" in out
    assert "0 bad rows skipped, 3 empty rows ignored." in out
    assert [line for line in err.splitlines() if "empty" in line] == [
        "skipped line 3: empty row", "skipped line 5: empty row", "skipped line 7: empty row"]
    assert Track.objects.count() == 3


def test_a_file_of_only_empty_rows_fails_saying_so(db, write_spotify_csv):
    path = write_spotify_csv([])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n,,,\n")
    with pytest.raises(CommandError, match=r"no valid rows to import \(0 bad rows, 2 empty rows\)"):
        run_import(path)


def test_missing_file_fails_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run_import(tmp_path / "nope.csv")


def test_a_file_of_only_bad_rows_fails(db, write_spotify_csv):
    with pytest.raises(CommandError, match="no valid rows to import"):
        run_import(write_spotify_csv([spotify_row("z" * 22, energy="-3")]))


def test_gzipped_csv_is_read_transparently(db, write_spotify_csv, tmp_path):
    plain = write_spotify_csv([spotify_row("g" * 22, name="Zipped")])
    packed = tmp_path / "tracks.csv.gz"
    with plain.open("rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)

    run_import(packed)

    assert Track.objects.get().name == "Zipped"


def test_tidytuesday_layout_is_understood(db, tmp_path):
    path = tmp_path / "spotify_songs.csv"
    header = ("track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,"
              "track_album_release_date,playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,"
              "energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms")
    row = ("6f807x0ima9a1j3VPbc7VN,I Don't Care (with Justin Bieber) - Loud Luxury Remix,Ed Sheeran,66,"
           "2oCs0DGTsRO98Gh5ZSl2Cx,I Don't Care (with Justin Bieber) [Loud Luxury Remix],2019-06-14,Pop Remix,"
           "37i9dQZF1DXcZDD7cfEKhW,pop,dance pop,0.748,0.916,6,-2.634,1,0.0583,0.102,0,0.0653,0.518,122.036,194754")
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")

    run_import(path)

    track = Track.objects.get()
    assert track.artist_names == "Ed Sheeran"
    assert track.album.spotify_id == "2oCs0DGTsRO98Gh5ZSl2Cx"
    assert track.album.release_date == "2019-06-14"
    assert not track.genres.exists()  # playlist labels are the playlist's, not the track's
    assert track.popularity == 66
    playlist = Playlist.objects.get()
    assert (playlist.external_id, playlist.name, playlist.genre, playlist.subgenre) == (
        "37i9dQZF1DXcZDD7cfEKhW", "Pop Remix", "pop", "dance pop")
    assert list(playlist.tracks.all()) == [track]


def test_a_failing_batch_rolls_back_alone(db, write_spotify_csv, monkeypatch):
    path = write_spotify_csv([spotify_row(f"batch{n:017d}") for n in range(5)])
    real_upsert_batch = upsert.upsert_batch
    calls = []

    def flaky(records, **kwargs):
        calls.append(len(records))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_upsert_batch(records, **kwargs)

    monkeypatch.setattr(upsert, "upsert_batch", flaky)
    with pytest.raises(RuntimeError):
        run_import(path, "--batch-size", "2")

    assert sorted(Track.objects.values_list("spotify_id", flat=True)) == [f"batch{n:017d}" for n in range(2)]
    assert TrackArtist.objects.count() == 2


def test_skip_if_loaded_leaves_a_filled_catalog_alone(db, write_spotify_csv, capsys):
    run_import(write_spotify_csv([spotify_row("s" * 22, name="First")]))
    run_import(write_spotify_csv([spotify_row("t" * 22, name="Second")], name="other.csv"), "--skip-if-loaded")

    assert list(Track.objects.values_list("name", flat=True)) == ["First"]
    assert "already holds 1 tracks" in capsys.readouterr().out

"""A playlist file (TidyTuesday's layout) imports its playlists, not their labels as genres; gaps never overwrite."""

import csv

import pytest
from django.core.management import call_command

from catalog.models import Genre, Track, TrackGenre
from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from tests.conftest import spotify_row
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db

TIDY_COLUMNS = ["track_id", "track_name", "track_artist", "track_popularity", "track_album_id", "track_album_name",
                "track_album_release_date", "playlist_name", "playlist_id", "playlist_genre", "playlist_subgenre",
                "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
                "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]


def tidy_row(track_id, playlist_id, *, playlist_name="Mix", genre="pop", subgenre="dance pop", **overrides):
    row = {"track_id": track_id, "track_name": f"Song {track_id}", "track_artist": "Artist", "track_popularity": "60",
           "track_album_id": "", "track_album_name": "Album", "track_album_release_date": "2019-01-01",
           "playlist_name": playlist_name, "playlist_id": playlist_id, "playlist_genre": genre,
           "playlist_subgenre": subgenre, "danceability": "0.7", "energy": "0.8", "key": "6", "loudness": "-4.0",
           "mode": "1", "speechiness": "0.05", "acousticness": "0.1", "instrumentalness": "0", "liveness": "0.1",
           "valence": "0.5", "tempo": "122.0", "duration_ms": "194754"}
    row.update({key: str(value) for key, value in overrides.items()})
    return row


@pytest.fixture
def write_tidy_csv(tmp_path):
    def write(rows, name="spotify_songs.csv"):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, TIDY_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


def run_import(path):
    call_command("import_tracks", str(path), "--no-progress")


def test_playlists_are_stored_in_file_order_and_their_labels_never_become_track_genres(write_tidy_csv, capsys):
    path = write_tidy_csv([
        tidy_row("track0000000000000000b", "list0000000000000000001", playlist_name="Pop Remix"),
        tidy_row("track0000000000000000a", "list0000000000000000001", playlist_name="Pop Remix"),
        tidy_row("track0000000000000000a", "list0000000000000000002", playlist_name="Rock On", genre="rock",
                 subgenre="hard rock"),
        tidy_row("track0000000000000000b", "list0000000000000000001", playlist_name="Pop Remix"),  # duplicate
    ])
    run_import(path)

    assert "Playlists: 2 playlists (2 new, 0 updated, 0 unchanged), 0 skipped, 0 unknown and 1 duplicate" \
        in capsys.readouterr().out
    assert not TrackGenre.objects.exists()
    pop = Playlist.objects.get(external_id="list0000000000000000001")
    assert (pop.source, pop.name, pop.genre, pop.subgenre) == ("dataset", "Pop Remix", "pop", "dance pop")
    assert [Track.objects.get(pk=pk).spotify_id for pk in playlist_track_ids(pop)] == [
        "track0000000000000000b", "track0000000000000000a"]
    assert Playlist.objects.get(external_id="list0000000000000000002").tracks.count() == 1

    run_import(path)
    assert "Playlists: 2 playlists (0 new, 0 updated, 2 unchanged)" in capsys.readouterr().out


def test_a_missing_value_never_overwrites_a_stored_one_in_either_order(write_spotify_csv, write_tidy_csv):
    main = write_spotify_csv([spotify_row("track0000000000000000a", time_signature=3, explicit="True")])
    tidy = write_tidy_csv([tidy_row("track0000000000000000a", "list0000000000000000001", energy="")])

    run_import(main)
    run_import(tidy)
    track = Track.objects.get()
    assert (track.time_signature, track.explicit, track.energy) == (3, True, 0.6)  # kept from the main file
    assert track.danceability == 0.7  # a value the later file has still wins

    Track.objects.all().delete()
    run_import(tidy)
    assert Track.objects.get().time_signature is None and Track.objects.get().explicit is False
    run_import(main)
    assert (Track.objects.get().time_signature, Track.objects.get().explicit) == (3, True)


def test_the_next_import_removes_playlist_labels_an_older_import_stored_as_genres(write_tidy_csv, capsys):
    leaked = TrackFactory(spotify_id="track0000000000000000a", genres=["pop", "dance pop", "acoustic"])
    path = write_tidy_csv([tidy_row("track0000000000000000a", "list0000000000000000001")])

    run_import(path)

    assert leaked.genre_names == ["acoustic"]
    assert "Removed 2 playlist labels that an older import stored as genres of 1 tracks" in capsys.readouterr().out
    assert Genre.objects.filter(name="dance pop").exists()  # the row stays; no track carries it


def test_a_catalog_without_the_leak_keeps_dataset_genres_that_share_a_playlist_label(write_tidy_csv, capsys):
    track = TrackFactory(spotify_id="track0000000000000000a", genres=["pop"])  # from the Spotify Tracks Dataset
    run_import(write_tidy_csv([tidy_row("track0000000000000000a", "list0000000000000000001")]))

    assert track.genre_names == ["pop"]
    assert "Removed" not in capsys.readouterr().out


def test_a_playlist_none_of_whose_rows_is_valid_is_reported_and_not_created(write_tidy_csv, capsys):
    path = write_tidy_csv([
        tidy_row("track0000000000000000a", "list0000000000000000001"),
        tidy_row("track0000000000000000b", "list0000000000000000002", danceability="lots"),
    ])
    run_import(path)

    out, err = capsys.readouterr()
    assert "danceability is not a number" in err
    assert list(Playlist.objects.values_list("external_id", flat=True)) == ["list0000000000000000001"]

"""The other import order on the real files: TidyTuesday into an empty catalog, then the main dataset, then a
full rebuild; every TidyTuesday track is indexed, its playlists kept, and running both imports again changes
nothing.

The test needs an empty catalog: it empties the catalog tables with TRUNCATE inside its own transaction, which
PostgreSQL rolls back with it, so the session's real catalog is back for the tests after it. The index version it
builds is never activated, and its files are removed at the end (the database row goes with the rollback).
"""

import csv
import gzip
import re

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import AUDIO_FEATURES, Album, Artist, Genre, Track, TrackArtist, TrackGenre
from catalog.playlists.models import Playlist, PlaylistTrack
from catalog.playlists.selectors import playlist_memberships
from recommender import services, storage
from recommender.index.params import IndexParams
from tests.realdata.test_tidytuesday import TIDY_ENTRIES, TIDY_PLAYLISTS

pytestmark = pytest.mark.django_db

# The columns TidyTuesday has of the twelve audio features (all but time_signature).
TIDY_FEATURES = [name for name in AUDIO_FEATURES if name != "time_signature"]


def tidytuesday_ids_with_features(path):
    """The file's distinct track ids whose rows carry every audio feature the file has, read with csv alone."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return {row["track_id"] for row in csv.DictReader(handle) if all(row[name].strip() for name in TIDY_FEATURES)}


def empty_catalog():
    """Empty every catalog table (and, by CASCADE, every table that refers to one) in this transaction."""
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table)
                       for model in (Track, Artist, Album, Genre, Playlist))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")


def catalog_contents():
    """What an import may change, without its timestamps: tracks, credits, genres, albums and playlists."""
    return {
        "tracks": set(Track.objects.values_list("spotify_id", "name", "album_id", "popularity", "duration_ms",
                                                "explicit", "source", "song_key", *AUDIO_FEATURES)),
        "credits": set(TrackArtist.objects.values_list("track_id", "artist_id", "position")),
        "genres": set(TrackGenre.objects.values_list("track_id", "genre_id")),
        "albums": set(Album.objects.values_list("id", "spotify_id", "name", "artist_id", "release_date")),
        "artists": Artist.objects.count(),
        "playlists": set(Playlist.objects.values_list("id", "source", "external_id", "name", "genre", "subgenre")),
        "entries": playlist_memberships(),
    }


def import_file(path, capsys):
    call_command("import_tracks", str(path), "--no-progress")
    return capsys.readouterr().out


def imported_counts(out):
    """(new, updated) from the import's summary line."""
    new, updated = re.search(r": (\d+) new, (\d+) updated", out).groups()
    return int(new), int(updated)


def test_tidytuesday_first_then_the_main_file_then_a_rebuild_indexes_every_tidytuesday_track(
        real_catalog, tidytuesday_path, settings, capsys):
    settings.RECOMMENDER_KEEP_VERSIONS = 100  # the build must not prune the session's versions' files
    tidy_ids = tidytuesday_ids_with_features(tidytuesday_path)
    assert len(tidy_ids) == 28_356
    empty_catalog()
    assert not Track.objects.exists() and not PlaylistTrack.objects.exists()

    out = import_file(tidytuesday_path, capsys)
    assert imported_counts(out) == (len(tidy_ids), 0)
    assert not Track.objects.filter(time_signature__isnull=False).exists()
    out = import_file(real_catalog.path, capsys)
    main_new, main_updated = imported_counts(out)
    assert main_updated > 1_000  # the tracks both files have
    assert Track.objects.count() == len(tidy_ids) + main_new

    # A track in both files: the main file fills its time signature and gives it genres; its playlists stay.
    shared = Track.objects.get(spotify_id="00t7QTffOR3SA3L1BvSQVq")
    assert shared.time_signature is not None and shared.genres.exists() and shared.playlist_entries.exists()
    # A TidyTuesday-only track keeps its gap (estimated by the index) and has no genres.
    only_tidy = Track.objects.get(spotify_id="6f807x0ima9a1j3VPbc7VN")
    assert only_tidy.time_signature is None and not only_tidy.genres.exists()

    assert Playlist.objects.filter(source=Playlist.Source.DATASET).count() == TIDY_PLAYLISTS
    assert PlaylistTrack.objects.count() == TIDY_ENTRIES
    assert set(Track.objects.filter(playlist_entries__isnull=False).values_list("spotify_id", flat=True)) == tidy_ids

    version = services.rebuild_index(IndexParams.from_settings(), activate=False).version
    try:
        indexed = storage.version_data(version.pk).track_ids.tolist()
        indexed_ids = set(Track.objects.filter(pk__in=indexed).values_list("spotify_id", flat=True))
        assert len(indexed_ids & tidy_ids) == len(tidy_ids)
        assert version.n_tracks == Track.objects.count()  # nothing hidden, nothing missing four features
    finally:
        storage.forget_version_data(version.pk)
        storage.remove_version_files(version.pk)

    before = catalog_contents()
    out = import_file(tidytuesday_path, capsys)
    assert imported_counts(out)[0] == 0
    assert f"Playlists: {TIDY_PLAYLISTS} playlists (0 new, 0 updated, {TIDY_PLAYLISTS} unchanged)" in out
    assert imported_counts(import_file(real_catalog.path, capsys))[0] == 0
    assert catalog_contents() == before

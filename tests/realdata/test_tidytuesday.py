"""TidyTuesday's spotify_songs.csv imports through its own column layout, beside the real catalog: 471 playlists."""

import re

import pytest
from django.core.management import call_command

from catalog.models import Track, TrackGenre
from catalog.playlists.models import Playlist, PlaylistTrack
from catalog.playlists.selectors import playlist_memberships
from catalog.songs import song_key
from recommender.index.features import indexable_tracks

pytestmark = pytest.mark.django_db

TIDY_PLAYLISTS = 471
TIDY_ENTRIES = 32_251  # distinct (playlist, track) pairs; the file's other 582 rows repeat one of them


def test_the_tidytuesday_file_imports_its_tracks_and_playlists_idempotently(tidytuesday_path, capsys):
    # Inside this test's transaction: the shared real catalog is left as it was.
    before = Track.objects.count()
    genre_rows = TrackGenre.objects.count()
    kept_time_signature = Track.objects.get(spotify_id="00t7QTffOR3SA3L1BvSQVq").time_signature  # in both files
    call_command("import_tracks", str(tidytuesday_path), "--no-progress")

    out = capsys.readouterr().out
    summary = re.search(r"Imported (\d+) tracks from 32833 rows \(TidyTuesday spotify_songs\): (\d+) new, (\d+) "
                        r"updated, (\d+) duplicate rows merged, (\d+) bad rows skipped", out)
    imported, new, updated, duplicates, bad = (int(number) for number in summary.groups())
    assert imported == new + updated and imported + duplicates + bad == 32_833
    assert imported >= 28_000  # 28,356 distinct ids
    assert Track.objects.count() == before + new
    track = Track.objects.get(spotify_id="6f807x0ima9a1j3VPbc7VN")  # the file's first row
    assert track.time_signature is None  # TidyTuesday has no time signature
    assert track.album.spotify_id and track.album.release_date
    assert not track.genres.exists()  # its playlist's labels are the playlist's
    assert TrackGenre.objects.count() == genre_rows
    assert Track.objects.get(spotify_id="00t7QTffOR3SA3L1BvSQVq").time_signature == kept_time_signature
    assert track.song_key == song_key(track.name, [artist.name for artist in track.ordered_artists])

    # Every TidyTuesday track with features is indexable: its missing time signature is estimated by the pipeline.
    tidy_ids = set(Track.objects.filter(playlist_entries__isnull=False).values_list("pk", flat=True))
    assert len(tidy_ids) == imported
    assert set(indexable_tracks().filter(pk__in=tidy_ids).values_list("pk", flat=True)) == tidy_ids

    assert f"Playlists: {TIDY_PLAYLISTS} playlists ({TIDY_PLAYLISTS} new" in out
    assert Playlist.objects.filter(source=Playlist.Source.DATASET).count() == TIDY_PLAYLISTS
    assert PlaylistTrack.objects.count() == TIDY_ENTRIES
    memberships = playlist_memberships(sources=[Playlist.Source.DATASET])
    assert len(memberships) == TIDY_PLAYLISTS
    first = Playlist.objects.get(external_id="37i9dQZF1DXcZDD7cfEKhW")
    assert (first.name, first.genre, first.subgenre) == ("Pop Remix", "pop", "dance pop")
    assert memberships[first.pk][0] == track.pk  # the file's order

    call_command("import_tracks", str(tidytuesday_path), "--no-progress")
    assert f"Playlists: {TIDY_PLAYLISTS} playlists (0 new, 0 updated, {TIDY_PLAYLISTS} unchanged)" \
        in capsys.readouterr().out
    assert playlist_memberships(sources=[Playlist.Source.DATASET]) == memberships

"""Import the real Spotify Tracks Dataset from ../shared/data (skipped when it isn't there)."""

import pytest
from django.core.management import call_command

from catalog.models import Genre, Track
from catalog.search import search_tracks
from tests.conftest import real_dataset_path

DATASET = real_dataset_path()

pytestmark = [
    pytest.mark.dataset,
    pytest.mark.skipif(DATASET is None, reason="the real dataset is not in ../shared/data"),
]


@pytest.mark.django_db(transaction=True)
def test_the_real_dataset_imports_into_postgresql_and_is_searchable(capsys):
    call_command("import_tracks", str(DATASET), "--no-progress")
    summary = capsys.readouterr().out

    tracks = Track.objects.count()
    # ~114k rows of which ~24k repeat a track id under another genre.
    assert 80_000 < tracks < 114_001, summary
    assert Genre.objects.count() >= 100
    assert Track.objects.filter(genres__isnull=False).distinct().count() == tracks
    assert "bad rows skipped" in summary

    sample = Track.objects.filter(popularity__gte=60).order_by("spotify_id").first()
    hits = search_tracks(f"{sample.artist_names} {sample.name}")
    # The dataset repeats some songs under several ids, so any copy of the same credits and title counts.
    found = Track.objects.in_bulk([hit.track_id for hit in hits[:5]])
    assert (sample.artist_names, sample.name) in {(track.artist_names, track.name) for track in found.values()}

    call_command("import_tracks", str(DATASET), "--no-progress")
    assert Track.objects.count() == tracks

"""The real Spotify Tracks Dataset imports into PostgreSQL, re-imports idempotently and is searchable."""

import pytest
from django.core.management import call_command

from catalog.models import Genre, Track
from catalog.search import search_tracks

pytestmark = pytest.mark.django_db


def test_the_real_dataset_imports_into_postgresql_and_is_searchable(real_catalog):
    tracks = Track.objects.count()
    # ~114k rows of which ~24k repeat a track id under another genre.
    assert 80_000 < tracks < 114_001, real_catalog.import_summary
    assert Genre.objects.count() >= 100
    assert Track.objects.filter(genres__isnull=False).distinct().count() == tracks
    assert "bad rows skipped" in real_catalog.import_summary

    sample = Track.objects.filter(popularity__gte=60).order_by("spotify_id").first()
    hits = search_tracks(f"{sample.artist_names} {sample.name}")
    # The dataset repeats some songs under several ids, so any copy of the same credits and title counts.
    found = Track.objects.in_bulk([hit.track_id for hit in hits[:5]])
    assert (sample.artist_names, sample.name) in {(track.artist_names, track.name) for track in found.values()}


def test_a_second_import_of_the_real_dataset_changes_nothing(real_catalog):
    tracks = Track.objects.count()
    call_command("import_tracks", str(real_catalog.path), "--no-progress")
    assert Track.objects.count() == tracks

"""Time the Spotify crawl against a full-size catalog: real PostgreSQL, real spotipy, a fake Spotify on 127.0.0.1.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/songrec_bench python bench/bench_crawl.py [CSV] [--albums N]
Without CSV, the real dataset in ../shared/data is used when present, else a synthetic one of the same size
(114,000 rows, 114 genres). The catalog is imported only when the database holds fewer than 50,000 tracks;
tracks from earlier benchmark crawls are removed first. Never point this at a database you care about.

Measures: a first crawl (batch endpoints, Spotify audio features), an idempotent re-run, a development-mode
crawl (single-item calls, ReccoBeats features), and the catalog queries the crawl and /crawl/ make.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from synthetic import dataset_path

ROOT = Path(os.environ.get("SONGREC_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")

ARTISTS, ALBUMS_PER_ARTIST, TRACKS_PER_ALBUM, GENRES = 50, 4, 12, 5


def build_fake(fake, catalog_artist_names):
    """50 artists (the first 25 named after id-less catalog artists, to exercise adoption), 200 albums."""
    for number in range(ARTISTS):
        name = catalog_artist_names[number] if number < len(catalog_artist_names) else f"Bench Artist {number}"
        artist = fake.add_artist(name, genres=[f"bench-g{number % GENRES}"])
        for album_number in range(ALBUMS_PER_ARTIST):
            album = fake.add_album(f"{name} vol. {album_number}", [artist])
            for track_number in range(TRACKS_PER_ALBUM):
                fake.add_track(f"Track {track_number}", album, reccobeats=True)


def timed(label, func):
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    return result, seconds


def report(label, run, seconds):
    print(f"{label}: {seconds:.1f} s, status {run.status}, {run.albums_crawled} albums, {run.tracks_created} new / "
          f"{run.tracks_updated} refreshed tracks, {run.features_filled} features, {run.artists_adopted} adopted, "
          f"{run.requests} requests ({run.requests / seconds:.0f}/s), "
          f"{run.tracks_stored / seconds:.0f} tracks/s")


def reset_crawl():
    from catalog.crawl.models import CrawlCursor, CrawlMark, CrawlRun
    from catalog.models import Album, Artist, Track

    Track.objects.filter(source=Track.Source.SPOTIFY).delete()
    Album.objects.filter(spotify_id__isnull=False, tracks__isnull=True).delete()
    Artist.objects.filter(spotify_id__isnull=False).update(spotify_id=None, popularity=None)
    Artist.objects.filter(tracks__isnull=True, name__startswith="Bench Artist").delete()
    CrawlMark.objects.all().delete()
    CrawlRun.objects.all().delete()
    CrawlCursor.objects.all().delete()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", nargs="?")
    parser.add_argument("--albums", type=int, default=ARTISTS * ALBUMS_PER_ARTIST)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from catalog.crawl import selectors as crawl_selectors
    from catalog.crawl.overview import crawl_overview
    from catalog.crawl.service import run_crawl
    from catalog.models import Artist, Track
    from tests.fake_spotify import FakeSpotify

    call_command("migrate", verbosity=0)
    if Track.objects.count() < 50_000:  # the 114k-row file holds ~90k unique tracks
        path = dataset_path(args.csv)
        _, seconds = timed("import", lambda: call_command("import_tracks", str(path), "--no-progress"))
        print(f"imported {path} in {seconds:.1f} s")
    reset_crawl()
    print(f"catalog: {Track.objects.count()} tracks, {Artist.objects.count()} artists on {connection.vendor}")

    names = list(Artist.objects.filter(spotify_id__isnull=True).order_by("pk").values_list("name", flat=True)[:25])
    fake = FakeSpotify().start()
    build_fake(fake, names)
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = fake.client_id, fake.client_secret
    settings.SPOTIFY_API_PREFIX = f"{fake.url}/v1/"
    settings.SPOTIFY_TOKEN_URL = f"{fake.url}/api/token"
    settings.RECCOBEATS_API_URL = f"{fake.url}/reccobeats/v1/"
    settings.SPOTIFY_REQUESTS_PER_SECOND = settings.RECCOBEATS_REQUESTS_PER_SECOND = 0  # measure our side only
    settings.SPOTIFY_FEATURE_BACKFILL = 0  # the synthetic catalog's own gaps are not this benchmark's subject
    queries = [f"genre:bench-g{n}" for n in range(GENRES)]
    limits = {"max_albums": args.albums, "time_budget": 3600}

    run, seconds = timed("first", lambda: run_crawl(queries=queries, **limits))
    report("first crawl (batch endpoints, Spotify features)", run, seconds)
    run, seconds = timed("rerun", lambda: run_crawl(queries=queries, **limits))
    report("re-run, nothing stale", run, seconds)

    reset_crawl()
    fake.batch_endpoints = False
    fake.audio_features_allowed = False
    run, seconds = timed("dev", lambda: run_crawl(queries=queries, **limits))
    report("development-mode crawl (single calls, ReccoBeats)", run, seconds)
    print(f"  at the default {3.0:.0f} requests/s throttle this run would take ≈ {run.requests / 3.0 / 60:.0f} min")
    fake.stop()

    sample = list(Track.objects.order_by("?").values_list("spotify_id", flat=True)[:50])
    timings = []
    for _ in range(100):
        started = time.perf_counter()
        crawl_selectors.ids_needing_details(sample, stale_before=timezone.now())
        crawl_selectors.ids_missing_features(sample)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"per-album freshness queries (50 ids): p50 {statistics.median(timings):.1f} ms, "
          f"p95 {statistics.quantiles(timings, n=20)[-1]:.1f} ms")
    _, seconds = timed("backfill", lambda: crawl_selectors.tracks_to_backfill(500, timezone.now()))
    print(f"tracks_to_backfill(500) on the full catalog: {seconds * 1000:.0f} ms")
    _, seconds = timed("overview", crawl_overview)
    print(f"/crawl/ overview queries: {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()

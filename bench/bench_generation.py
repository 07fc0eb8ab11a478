"""Measure playlist generation on the real catalog: a song path of 20 and more like a 100-track playlist (p50/p95),
with the similar API's latency in the same run as the reference.

Usage: DATABASE_URL=... python bench/bench_generation.py [--requests 200]
The catalog must hold the real dataset (bench/bench_import.py), ideally with TidyTuesday's playlists
(manage.py import_tracks ../shared/data/tidytuesday/spotify_songs.csv.gz), and an active index (manage.py
rebuild_index). "More like this playlist" takes TidyTuesday playlists' first 100 tracks (random indexed tracks
when there are too few such playlists). Everything runs in process through Django's test Client (routing, DRF,
every query), after a few warm-up requests; the function rows leave out the HTTP layer and the playlist's write.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from timing import percentile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")

PLAYLIST_TRACKS = 100
PATH_LENGTH = 20


def timed(calls):
    """[ms] of each call (after two warm-up calls of the first)."""
    calls = list(calls)
    for call in calls[:2]:
        call()
    timings = []
    for call in calls:
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def row(label, timings, goal=""):
    print(f"| {label} | {statistics.median(timings):.1f} / {percentile(timings, 0.95):.1f} ms | {goal} |")
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed calls per row")
    options = parser.parse_args()
    os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")
    os.environ.setdefault("API_THROTTLE_USER", "1000000/minute")

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from catalog.models import Track
    from catalog.playlists.models import Playlist
    from catalog.playlists.selectors import playlist_memberships
    from catalog.playlists.services import create_listener_playlist
    from recommender import selectors, storage
    from recommender.generation.kinds import kind_named
    from recommender.generation.selectors import path_between

    settings.DEBUG = False
    version = selectors.active_version()
    if version is None:
        sys.exit("no active index: run manage.py rebuild_index first")
    data = storage.version_data(version.pk)
    rng = random.Random(24)
    count = options.requests
    sample = [int(i) for i in rng.sample(list(data.track_ids), min(len(data.track_ids), 4 * count))]
    spotify = dict(Track.objects.visible().filter(pk__in=sample).values_list("pk", "spotify_id"))
    ids = [spotify[i] for i in sample if i in spotify]
    pairs = [(ids[2 * n], ids[2 * n + 1]) for n in range(count)]
    print(f"index version {version.pk}: {version.n_tracks:,} tracks, {version.dimensions} dimensions; "
          f"load average {os.getloadavg()[0]:.2f} at the start")

    memberships = playlist_memberships(sources=[Playlist.Source.DATASET], min_tracks=PLAYLIST_TRACKS)
    long_ones = [tracks[:PLAYLIST_TRACKS] for tracks in memberships.values()]
    while len(long_ones) < 20:
        long_ones.append([int(i) for i in rng.sample(list(data.track_ids), PLAYLIST_TRACKS)])
    source = "TidyTuesday playlists" if len(memberships) >= 20 else "random indexed tracks"

    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(username="bench-generation")
        playlists = [create_listener_playlist(owner=user, name=f"bench {n}", track_ids=tracks)
                     for n, tracks in enumerate(long_ones)]
        client = Client()
        client.force_login(user)
        continuation = kind_named("continuation")
        print(f"\n{len(playlists)} playlists of {PLAYLIST_TRACKS} tracks from {source}\n")
        print("| what | p50 / p95 | goal |")
        print("|---|---|---|")
        similar = row("`GET /api/tracks/<id>/similar/?k=20` (reference)",
                      timed(lambda i=i: client.get(f"/api/tracks/{i}/similar/?k=20") for i in ids[:count]))
        path_api = row(f"`GET /api/song-path/?length={PATH_LENGTH}`",
                       timed(lambda a=a, b=b: client.get(f"/api/song-path/?from={a}&to={b}&length={PATH_LENGTH}")
                             for a, b in pairs), "p50 < 100 ms")
        row(f"song path of {PATH_LENGTH}, the function", timed(lambda a=a, b=b: path_between(a, b, PATH_LENGTH)
                                                                for a, b in pairs))
        more = row(f"more like a {PLAYLIST_TRACKS}-track playlist, 50 tracks, the function",
                   timed(lambda p=p: continuation.tracks(user, {"playlist": p.pk}, 50, ())
                         for p in (playlists * (count // len(playlists) + 1))[:count]), "p50 < 50 ms")
        generate = row(f"`POST /api/me/playlists/generate/` more like a {PLAYLIST_TRACKS}-track playlist (50, stored)",
                       timed(lambda p=p: client.post("/api/me/playlists/generate/",
                                                     {"kind": "continuation", "playlist": p.pk},
                                                     content_type="application/json")
                             for p in (playlists * (count // len(playlists) + 1))[:count]))
        transaction.set_rollback(True)  # the bench's playlists and user are not kept
    print(f"\nratios to the similar API: song path {path_api / similar:.1f}×, more like this {more / similar:.1f}×, "
          f"generate and store {generate / similar:.1f}×; load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

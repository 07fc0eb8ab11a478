"""Measure a listener's 500-track playlist: its page and its API answer (p50/p95), with the similar API as reference.

Usage: DATABASE_URL=... python bench/bench_listener_playlists.py [--tracks 500] [--requests 200] [--rebuild]

Needs the real catalog (bench/bench_import.py) and an active index for the reference (built first when there is
none, or with --rebuild). The playlist is the catalog's most popular visible tracks in popularity order, so songs
with several releases fold as they would for a listener. Requests go through Django's test client in process
(routing, sessions, DRF, every query; no HTTP server), signed in as the playlist's owner, interleaved by round
so a change in the machine's load affects all three alike: the ratios to the similar API are what to compare.
The bench's user and playlist are deleted at the end.
"""

import argparse
import os
import random
import statistics
import sys
from pathlib import Path

from timing import percentile, timed_get

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")
# Hundreds of requests a minute from one client: the API's throttles would answer 429.
os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")
os.environ.setdefault("API_THROTTLE_USER", "1000000/minute")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracks", type=int, default=500, help="tracks in the playlist")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--rebuild", action="store_true", help="build a new index version first")
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from catalog.models import Track
    from catalog.playlists.rows import song_rows
    from catalog.playlists.services import create_listener_playlist
    from recommender import selectors, services, storage

    settings.DEBUG = False  # no query log kept per request
    if not Track.objects.exists():
        sys.exit("the catalog is empty: run bench/bench_import.py first")
    version = selectors.active_version()
    if options.rebuild or version is None:
        version = services.rebuild_index().version
    print(f"{Track.objects.visible().count():,} visible tracks; index version {version.pk} ({version.n_tracks:,})")

    user = get_user_model().objects.create_user(f"bench-playlists-{os.getpid()}", password=None)
    try:
        track_ids = list(Track.objects.visible().order_by("-popularity", "pk").values_list("pk", flat=True)
                         [:options.tracks])
        playlist = create_listener_playlist(owner=user, name="Bench", track_ids=track_ids)
        songs = len(song_rows(playlist))
        print(f"playlist of {len(track_ids)} tracks, {songs} songs after folding")
        client = Client()
        client.force_login(user)
        rng = random.Random(7)
        seeds = [str(spotify_id) for spotify_id in Track.objects.filter(
            pk__in=[int(pk) for pk in rng.sample(list(storage.version_data(version.pk).track_ids), 2000)],
            hidden=False).values_list("spotify_id", flat=True)]
        endpoints = {
            "playlist page `GET /playlists/{id}/`": lambda: f"/playlists/{playlist.pk}/",
            "playlist API `GET /api/playlists/{id}/`": lambda: f"/api/playlists/{playlist.pk}/",
            "reference: `GET /api/tracks/{id}/similar/?k=10`": lambda: f"/api/tracks/{rng.choice(seeds)}/similar/?k=10",
        }
        cold = {label: timed_get(client, url()) for label, url in endpoints.items()}
        for _ in range(5):  # warm-up: templates compiled, process caches filled, index files mapped
            for url in endpoints.values():
                timed_get(client, url())
        timings = {label: [] for label in endpoints}
        for _ in range(options.requests):
            for label, url in endpoints.items():
                timings[label].append(timed_get(client, url()))
        reference = statistics.median(timings["reference: `GET /api/tracks/{id}/similar/?k=10`"])
        print(f"\nload average {os.getloadavg()[0]:.1f}; {options.requests} requests each, ms")
        print("| what | cold | p50 / p95 | p50 ÷ similar's p50 |")
        print("|---|---|---|---|")
        for label, values in timings.items():
            p50 = statistics.median(values)
            p95 = percentile(values, 0.95)
            print(f"| {label} | {cold[label]:.1f} | {p50:.2f} / {p95:.2f} | {p50 / reference:.2f} |")
    finally:
        user.delete()  # and its playlist with it


if __name__ == "__main__":
    main()

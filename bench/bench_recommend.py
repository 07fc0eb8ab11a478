"""Measure a full index rebuild and the recommendation API's latency (p50/p95) at full catalog size.

Usage: DATABASE_URL=... python bench/bench_recommend.py [--requests 300] [--rebuild]
Run bench/bench_import.py first (same DATABASE_URL) so the catalog holds the dataset. When no index version
is active (or with --rebuild) one is built first with manage.py's defaults, and its stage timings are shown.

Latency is measured in-process with Django's test Client: each request goes through URL routing, DRF, the
selectors and every PostgreSQL query, but not through an HTTP server or the network. Seeds are random
indexed tracks; a few warm-up requests first load the version's memory-mapped files (as a long-running
web process would have), and the very first request of each kind is reported separately as "cold".
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

from timing import percentile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")


def measure(client, urls):
    """(cold ms, [warm ms]) over ``urls``; every response must be 200."""
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return timings[0], timings[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per endpoint variant")
    parser.add_argument("--rebuild", action="store_true", help="build a new index version first")
    options = parser.parse_args()
    # Thousands of requests from one client in a minute: the API's abuse throttle would answer 429.
    os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from catalog.models import Track
    from recommender import selectors, services, storage
    from recommender.systems import SYSTEMS

    settings.DEBUG = False  # no query log kept per request
    version = selectors.active_version()
    if options.rebuild or version is None:
        if not Track.objects.exists():
            sys.exit("the catalog is empty: run bench/bench_import.py first")
        started = time.perf_counter()
        version = services.rebuild_index().version
        stages = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in version.timings.items()
                           if stage not in ("total", "top_k"))
        print(f"rebuild: {time.perf_counter() - started:.1f} s end to end ({stages}); "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"index version {version.pk}: {version.n_tracks:,} tracks, k={version.k}, {version.dimensions} dimensions "
          f"on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")

    rng = random.Random(11)
    data = storage.version_data(version.pk)
    indexed = [int(i) for i in rng.sample(list(data.track_ids), min(len(data.track_ids), 5000))]
    spotify = dict(Track.objects.visible().filter(pk__in=indexed).values_list("pk", "spotify_id"))
    seeds = [spotify[i] for i in indexed if i in spotify]
    client = Client()
    count = options.requests + 1

    def pick(n):
        return ",".join(rng.sample(seeds, n))

    variants = [(f"similar ?metric={system}&k=10",
                 [f"/api/tracks/{rng.choice(seeds)}/similar/?metric={system}&k=10" for _ in range(count)])
                for system in SYSTEMS]
    variants += [
        ("recommendations, 1 seed", [f"/api/recommendations/?seed_tracks={pick(1)}" for _ in range(count)]),
        ("recommendations, 3 seeds", [f"/api/recommendations/?seed_tracks={pick(3)}" for _ in range(count)]),
        ("recommendations, 5 seeds", [f"/api/recommendations/?seed_tracks={pick(5)}" for _ in range(count)]),
        ("recommendations, 5 seeds + filters/targets",
         [f"/api/recommendations/?seed_tracks={pick(5)}&min_tempo=90&max_tempo=160&max_speechiness=0.5"
          f"&target_energy=0.8&target_valence=0.6&limit=50" for _ in range(count)]),
        ("recommendations, 3 seeds, euclidean",
         [f"/api/recommendations/?seed_tracks={pick(3)}&metric=euclidean" for _ in range(count)]),
    ]
    print(f"{'endpoint':46} {'cold':>8} {'p50':>8} {'p95':>8}   ({options.requests} requests each, ms)")
    for label, urls in variants:
        cold, warm = measure(client, urls)
        print(f"{label:46} {cold:8.1f} {statistics.median(warm):8.2f} {percentile(warm, 0.95):8.2f}")


if __name__ == "__main__":
    main()

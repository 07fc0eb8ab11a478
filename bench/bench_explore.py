"""Time the catalog profile and the clustering at the real catalog's size, and the explorer pages' latency.

Usage: DATABASE_URL=... nice python bench/bench_explore.py [CSV] [--requests 100] [--skip-clusters]
Imports the dataset when the catalog is empty and builds an index when none is active (point DATABASE_URL
at a scratch database). Reports: reading the catalog, the whole-catalog profile, the profile of every
genre, GET /explore/ and /api/explore/profile/ served from the cache (p50/p95, in-process test client),
`build_clusters` end to end with each candidate's fit time, and the cluster pages and map API. The load
average is printed before and after: the machine is shared.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from timing import percentile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")

from synthetic import dataset_path  # noqa: E402


def load():
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def latency(client, url, requests):
    """p50 and p95 in ms of ``requests`` GETs after one warm-up; every answer must be 200."""
    timings = []
    for _ in range(requests + 1):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}: {response.content[:200]!r}")
    warm = timings[1:]
    return (f"{url}: p50 {statistics.median(warm):.1f} ms, p95 {percentile(warm, 0.95):.1f} ms "
            f"(cold {timings[0]:.0f} ms)")


def timed(label, function):
    started = time.perf_counter()
    result = function()
    print(f"{label}: {time.perf_counter() - started:.2f} s")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?", help="dataset (default: ../shared/data, else a synthetic one)")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--skip-clusters", action="store_true", help="time the pages of the clustering already active")
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from catalog.explore.profile import compute_profile, load_frame
    from catalog.explore.store import store_profiles
    from catalog.models import Track
    from recommender import selectors, services
    from recommender.clusters.models import Clustering
    from recommender.clusters.services import build_clusters

    settings.DEBUG = False
    print(f"start: {load()}")
    if not Track.objects.exists():
        timed("import", lambda: call_command("import_tracks", str(dataset_path(options.csv)), "--no-progress"))
    if selectors.active_version() is None:
        timed("rebuild_index", services.rebuild_index)

    frame = timed("read the catalog (load_frame)", load_frame)
    print(f"  {len(frame):,} visible tracks, {len(frame.genre_names)} genres, {len(frame.artist_names):,} artists")
    timed("profile of the whole catalog (compute_profile)", lambda: compute_profile(frame))
    count = timed("profile of the whole catalog + every genre, cached (store_profiles, from the frame)",
                  lambda: store_profiles(frame))
    print(f"  {count} profiles cached")
    timed("store_profiles end to end (what the Celery task runs)", store_profiles)
    client = Client()
    print(latency(client, "/explore/", options.requests))
    print(latency(client, "/api/explore/profile/", options.requests))
    print(latency(client, "/api/explore/profile/?genre=jazz", options.requests))
    print(f"after the profile: {load()}")

    if not options.skip_clusters:
        started = time.perf_counter()
        result = build_clusters(force=True, progress=lambda message: print(f"  fitting {message}", flush=True))
        print(f"build_clusters: {time.perf_counter() - started:.1f} s end to end, {result.candidates} candidates; "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    active = Clustering.objects.filter(active=True).first()
    if active is None:
        return
    for clustering in Clustering.objects.filter(version=active.version).order_by("algorithm", "id"):
        metrics = clustering.metrics
        print(f"  {clustering.algorithm:17} {str(clustering.params):42} clusters {clustering.n_clusters:3} "
              f"fit {clustering.fit_seconds:6.1f} s  silhouette {metrics['silhouette'] or float('nan'):.3f}  "
              f"CH {metrics['calinski_harabasz'] or float('nan'):8.0f}  DB {metrics['davies_bouldin'] or 0:.3f}  "
              f"largest {metrics['largest_share']:.1%}  noise {metrics['noise_fraction']:.1%}"
              f"{'  <- active' if clustering.active else ''}{'' if clustering.eligible else '  (not eligible)'}")
    for cluster in active.clusters.order_by("-size"):
        print(f"  cluster {cluster.number:3} {cluster.size:6,} tracks: {cluster.label}")
    print(latency(client, "/clusters/", options.requests))
    print(latency(client, "/api/clusters/map/", max(10, options.requests // 10)))
    print(f"end: {load()}")

if __name__ == "__main__":
    main()

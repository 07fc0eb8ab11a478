"""Time a nightly incremental update at full catalog size: N new tracks and M hides, against a full rebuild.

Usage: python bench/bench_incremental.py [--added 2400] [--hidden 500] [--no-rebuild]

DATABASE_URL must hold the imported catalog with an active index version (``make data index``). The new
tracks are TidyTuesday songs (../shared/data/tidytuesday/spotify_songs.csv.gz) the catalog doesn't have:
real features and genre labels, like a night's crawl. Everything happens in one transaction that is rolled
back at the end (index files written meanwhile are left to the next prune), so the catalog is unchanged.
Prints the update's stage timings; unless --no-rebuild, a full rebuild of the same catalog follows for the
ratio, in the same transaction.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")
TIDYTUESDAY = ROOT.parent / "shared" / "data" / "tidytuesday" / "spotify_songs.csv.gz"


class Rollback(Exception):
    pass


def check(version, incremental):
    import joblib
    import numpy as np

    from recommender.index.features import load_catalog
    from recommender.models import NeighborList

    table = load_catalog()
    fitted = incremental.lineage(version)["fitted_version"]
    pipeline = joblib.load(version.directory.parent / str(fitted) / "pipeline.joblib")
    for metric, reference in incremental.frozen_rebuild(table, pipeline, version.k).items():
        stored = dict(NeighborList.objects.filter(version=version, metric=metric).values_list("track_id",
                                                                                           "neighbor_ids"))
        differing = sum(
            not np.array_equal(np.frombuffer(bytes(stored[track_id]), dtype=np.int64),
                               table.track_ids[reference.indices[row][reference.indices[row] >= 0]])
            for row, track_id in enumerate(table.track_ids.tolist()))
        print(f"  check {metric}: {len(stored):,} lists stored, {differing} differ from a frozen full rebuild")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--added", type=int, default=2400)
    parser.add_argument("--hidden", type=int, default=500)
    parser.add_argument("--no-rebuild", action="store_true")
    parser.add_argument("--check", action="store_true",
                        help="also compare every stored list with a full top-k under the frozen pipeline")
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import transaction

    from catalog.importers import read_tracks
    from catalog.models import Track
    from catalog.upsert import upsert_tracks
    from recommender import selectors, services
    from recommender.index import incremental

    if selectors.active_version() is None:
        sys.exit("no active index version: import the dataset and build the index first")
    records = list(read_tracks(TIDYTUESDAY).records.values())
    known = set(Track.objects.values_list("spotify_id", flat=True))
    fresh = random.Random(14).sample([record for record in records if record.spotify_id not in known], options.added)
    for record in fresh:  # TidyTuesday has no time signature; the crawl fills it the same way
        record.features["time_signature"] = record.features.get("time_signature") or 4
    try:
        with transaction.atomic():
            upsert_tracks(fresh)
            visible = list(Track.objects.filter(hidden=False).values_list("id", flat=True))
            Track.objects.filter(pk__in=random.Random(500).sample(visible, options.hidden)).update(hidden=True)
            load = os.getloadavg()[0]
            started, cpu = time.perf_counter(), time.process_time()
            update = incremental.update_index().version
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            serving = update.timings["until_activation"]
            print(f"incremental update, {options.added:,} added + {options.hidden} hidden at {update.n_tracks:,} "
                  f"tracks: serving after {serving:.2f} s, {seconds:.2f} s in all (quality, MLflow, pruning); "
                  f"goal < 5 s; load before {load:.2f}, after {os.getloadavg()[0]:.2f}; CPU of this process (all "
                  f"its threads, not PostgreSQL's) {cpu:.2f} s")
            print("  stages: " + ", ".join(f"{name} {value:.2f} s" for name, value in update.timings.items()))
            if options.check:
                check(update, incremental)
            if not options.no_rebuild:
                load = os.getloadavg()[0]
                started = time.perf_counter()
                full = services.rebuild_index().version
                rebuild = time.perf_counter() - started
                print(f"full rebuild of the same catalog: {rebuild:.1f} s; update/rebuild {seconds / rebuild:.3f} in "
                      f"all, {serving / rebuild:.3f} until serving; load before {load:.2f}, after "
                      f"{os.getloadavg()[0]:.2f}")
                print("  stages: " + ", ".join(f"{name} {value:.2f} s" for name, value in full.timings.items()))
            raise Rollback
    except Rollback:
        print("rolled back: the catalog and active version are as before")


if __name__ == "__main__":
    main()

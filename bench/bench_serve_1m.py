"""Serving at 1,000,000 tracks: a synthetic 1M catalog imported into PostgreSQL and indexed approximately.

Usage: DATABASE_URL=… python bench/bench_serve_1m.py --setup [CSV] [--tracks 1000000] [--batch-size 5000]
       DATABASE_URL=… python bench/bench_serve_1m.py --reuse

``--setup`` writes a synthetic CSV in the Spotify Tracks Dataset's layout (``write_csv``), imports it with
``manage.py import_tracks`` and builds an index with ``manage.py rebuild_index --approximate``, timing both.
``--reuse`` only checks that DATABASE_URL's catalog and active index are there. Then measure serving with the
existing benchmarks against the same DATABASE_URL (bench/README.md, "1M tracks"): bench_recommend.py (similar,
multi-seed), bench_search.py (search) and bench_load.py (throughput and memory per gunicorn worker).

The synthetic catalog is drawn from the real one (as bench_1m.py's ``synthetic_table``): each synthetic track
takes a random real track's genres (all of them: a track the dataset lists under two genres becomes two rows,
so genre frequencies and combinations follow the real catalog), popularity, duration, explicit flag, album and
title, and its audio features plus Gaussian noise of 5% of each feature's spread, clipped to the feature's real
range (key, mode and time signature kept as they are). Its artists come from another random real track, so a
title is not credited to the same artists in each of its ~11 copies (which would make them releases of one song
to the song deduplication). Track ids are new (``S`` + 21 digits).
"""

import argparse
import csv
import gzip
import os
import subprocess
import sys
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np
from synthetic import COLUMNS, dataset_path

ROOT = Path(__file__).resolve().parent.parent
JITTERED = ("danceability", "energy", "loudness", "speechiness", "acousticness", "instrumentalness", "liveness",
            "valence", "tempo")


def _open(path):
    path = Path(path)
    return gzip.open(path, "rt", encoding="utf-8", newline="") if path.suffix == ".gz" else \
        path.open(encoding="utf-8", newline="")


def real_tracks(path):
    """The real CSV's tracks, one dict per track id (first row's fields) with all its genres."""
    tracks = OrderedDict()
    with _open(path) as handle:
        for row in csv.DictReader(handle):
            if not row["track_name"] or not row["artists"]:
                continue
            track = tracks.get(row["track_id"])
            if track is None:
                tracks[row["track_id"]] = track = dict(row, genres=[])
            if row["track_genre"] not in track["genres"]:
                track["genres"].append(row["track_genre"])
    return list(tracks.values())


def write_csv(real_path, out_path, n=1_000_000, seed=1):
    """Write n synthetic tracks drawn from the real CSV (see the module docstring); returns the rows written."""
    real = real_tracks(real_path)
    rng = np.random.default_rng(seed)
    source = rng.integers(0, len(real), size=n)
    credits = rng.integers(0, len(real), size=n)
    features = {}
    for name in JITTERED:
        values = np.array([float(track[name]) for track in real])
        jittered = values[source] + rng.normal(0, 0.05 * values.std(), n)
        features[name] = np.round(np.clip(jittered, values.min(), values.max()), 6)
    rows = 0
    with Path(out_path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(n):
            track = real[source[i]]
            row = dict(track, track_id=f"S{i:021d}", artists=real[credits[i]]["artists"])
            for name in JITTERED:
                row[name] = features[name][i]
            for genre in track["genres"]:
                writer.writerow([rows, *[row[column] for column in COLUMNS[1:-1]], genre])
                rows += 1
    return rows


def manage(*arguments):
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *arguments], check=True, cwd=ROOT)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?", help="the real dataset (default: ../shared/data)")
    parser.add_argument("--setup", action="store_true", help="write, import and index the synthetic catalog")
    parser.add_argument("--reuse", action="store_true", help="only check the catalog and index are there")
    parser.add_argument("--tracks", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--out", default="/tmp/songrec-synthetic-1m.csv")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL to a scratch PostgreSQL database")
    if options.setup:
        started = time.perf_counter()
        rows = write_csv(dataset_path(options.csv), options.out, options.tracks)
        print(f"wrote {options.tracks:,} tracks in {rows:,} rows to {options.out} "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        seconds = manage("import_tracks", options.out, "--no-progress", "--batch-size", str(options.batch_size))
        print(f"import_tracks: {seconds:.1f} s; load {os.getloadavg()[0]:.2f}", flush=True)
        seconds = manage("rebuild_index", "--approximate", "--no-progress")
        print(f"rebuild_index --approximate: {seconds:.1f} s; load {os.getloadavg()[0]:.2f}", flush=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")
    import django

    django.setup()
    from catalog.models import Track
    from recommender import selectors

    version = selectors.active_version()
    print(f"catalog: {Track.objects.count():,} tracks; active index: "
          f"{f'{version.pk} ({version.n_tracks:,} tracks)' if version else 'none'}")
    if version is None:
        sys.exit("no active index: run with --setup")


if __name__ == "__main__":
    main()

"""The index at 1,000,000 tracks: a synthetic catalog drawn from the real one, exact top-k and faiss IVF.

Usage: python bench/bench_1m.py [CSV] [--tracks 1000000] [--sample 5000] [--k 50] [--nlist 4096] [--nprobe 32,64,128]
                                [--full]

The synthetic catalog: each track takes a real track's genre labels (drawn with replacement, so genre
frequencies and combinations follow the real catalog) and its audio features plus Gaussian noise of 5% of each
feature's spread (clipped to the feature's real range; key, mode and time signature are kept as they are), so
the feature distributions, their correlations and genre/feature dependence follow the real data. The pipeline is
fitted on it like a rebuild would (``fit_features``).

Then, in a child process (its peak RSS is the index's):
* exact: ``--sample`` rows against all tracks with songrec's kernel (what one shard of a distributed rebuild
  does), extrapolated to the full build — ×N/sample for row shards, ÷2 more for the symmetric single-machine
  kernel; ``--full`` runs the whole exact build instead (≈ N²: tens of minutes on 2 cores);
* approximate: faiss ``IndexIVFFlat`` (inner product on unit rows, L2 on weighted rows), trained on 100k rows;
  the same sample is searched and its recall@k measured against the exact lists; the full search time is
  extrapolated from the sample.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from synthetic import dataset_path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")
# faiss' OpenMP threads would otherwise spin while the machine's other jobs hold the cores, inflating CPU time.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
KEPT_AS_IS = ("key", "mode", "time_signature")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    """CPU time of this process, all threads: on a machine other jobs keep busy, wall time / this ratio says how
    much of it was waiting for a core (an idle 2-core machine runs two threads' CPU seconds in half the time)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def synthetic_table(real, n, seed=1):
    """n tracks drawn from a real TrackTable: genres and features of a random real track, features jittered."""
    from catalog.models import AUDIO_FEATURES
    from recommender.features import ATTRIBUTES, TrackTable

    rng = np.random.default_rng(seed)
    source = rng.integers(0, len(real), size=n)
    attributes = real.attributes[source].copy()
    for column, name in enumerate(ATTRIBUTES):
        if name in KEPT_AS_IS or name not in AUDIO_FEATURES:
            continue
        values = real.attributes[:, column]
        low, high = np.nanmin(values), np.nanmax(values)
        attributes[:, column] = np.clip(attributes[:, column] + rng.normal(0, 0.05 * np.nanstd(values), n), low, high)
    return TrackTable(np.arange(1, n + 1, dtype=np.int64), attributes, [real.genres[i] for i in source],
                      rng.integers(0, n // 8, size=n))


def child(directory, k, sample, nlist, nprobe, full):
    from threadpoolctl import threadpool_limits

    from recommender.index import MARGIN, METRICS, TileSpace, all_top_k

    report = {}
    weighted = np.load(Path(directory) / "weighted.npy")
    n = len(weighted)
    rows = np.random.default_rng(0).choice(n, size=sample, replace=False)
    rows.sort()
    all_top_k(weighted[:3000], k)  # compile the kernels outside the timings
    started, cpu = time.perf_counter(), cpu_seconds()
    if full:
        results = all_top_k(weighted, k)
        report["exact_full_seconds"] = round(time.perf_counter() - started, 1)
        report["exact_full_cpu_seconds"] = round(cpu_seconds() - cpu, 1)
        exact = {metric: result.indices[rows] for metric, result in results.items()}
        del results
    else:
        space = TileSpace(weighted, k + MARGIN)
        space.offer_queries(METRICS, rows, column_side=False)
        exact = {metric: result.indices for metric, result in space.best(METRICS, k, rows=rows).items()}
        del space
        seconds = time.perf_counter() - started
        report["exact_sample_seconds"] = round(seconds, 1)
        report["exact_sample_cpu_seconds"] = round(cpu_seconds() - cpu, 1)
        report["exact_symmetric_extrapolated_cpu_seconds"] = round((cpu_seconds() - cpu) * n / sample / 2, 0)
        report["exact_sharded_extrapolated_seconds"] = round(seconds * n / sample, 0)
        report["exact_symmetric_extrapolated_seconds"] = round(seconds * n / sample / 2, 0)
    report["exact_peak_rss_mb"] = round(peak_rss_mb(), 0)

    import faiss

    faiss.omp_set_num_threads(os.cpu_count())
    unit = weighted / np.maximum(np.linalg.norm(weighted, axis=1, keepdims=True), 1e-12)
    training = np.random.default_rng(1).choice(n, size=min(n, 100_000), replace=False)
    for metric, space, kind in (("cosine", unit, faiss.METRIC_INNER_PRODUCT), ("euclidean", weighted, faiss.METRIC_L2)):
        with threadpool_limits(limits=None):
            started, cpu = time.perf_counter(), cpu_seconds()
            quantizer = faiss.IndexFlatIP(space.shape[1]) if kind == faiss.METRIC_INNER_PRODUCT else \
                faiss.IndexFlatL2(space.shape[1])
            index = faiss.IndexIVFFlat(quantizer, space.shape[1], nlist, kind)
            index.train(space[training])
            index.add(space)
            build = time.perf_counter() - started
            report[f"ivf_{metric}_build_seconds"] = round(build, 1)
            report[f"ivf_{metric}_build_cpu_seconds"] = round(cpu_seconds() - cpu, 1)
            for probes in nprobe:
                index.nprobe = probes
                started, cpu = time.perf_counter(), cpu_seconds()
                _, found = index.search(space[rows], k + 1)
                search, search_cpu = time.perf_counter() - started, cpu_seconds() - cpu
                recall = []
                for row, (ours, theirs) in enumerate(zip(exact[metric], found, strict=True)):
                    theirs = [j for j in theirs if j != rows[row]][:k]
                    recall.append(len(set(ours.tolist()) & set(theirs)) / k)
                report[f"ivf_{metric}_nprobe{probes}_search_extrapolated_seconds"] = round(search * n / sample, 0)
                report[f"ivf_{metric}_nprobe{probes}_search_extrapolated_cpu_seconds"] = round(
                    search_cpu * n / sample, 0)
                report[f"ivf_{metric}_nprobe{probes}_recall_at_{k}"] = round(float(np.mean(recall)), 4)
        del index, quantizer
    report["peak_rss_mb"] = round(peak_rss_mb(), 0)
    print(json.dumps(report))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?")
    parser.add_argument("--tracks", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--nlist", type=int, default=4096)
    parser.add_argument("--nprobe", default="32,64,128", help="comma-separated nprobe values to measure")
    parser.add_argument("--full", action="store_true", help="run the whole exact build (long)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.child, options.k, options.sample, options.nlist,
                     [int(value) for value in options.nprobe.split(",")], options.full)

    import django

    django.setup()
    from catalog.importers import read_tracks
    from recommender.features import fit_features, table_from_records
    from recommender.params import IndexParams

    path = dataset_path(options.csv)
    real = table_from_records(read_tracks(path).records.values())
    started = time.perf_counter()
    table = synthetic_table(real, options.tracks)
    matrices = fit_features(table, IndexParams.from_settings(k=options.k))
    print(f"synthetic catalog: {len(table):,} tracks drawn from {len(real):,} real ones ({path.name}); "
          f"{matrices.weighted.shape[1]} dimensions; generated and fitted in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory() as directory:
        np.save(Path(directory) / "weighted.npy", matrices.weighted)
        del matrices, table
        load = os.getloadavg()
        command = [sys.executable, __file__, "--child", directory, "--k", str(options.k), "--sample",
                   str(options.sample), "--nlist", str(options.nlist), "--nprobe", options.nprobe,
                   *(["--full"] if options.full else [])]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    report = json.loads(output.strip().splitlines()[-1])
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: "
          f"{' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    for key, value in report.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()

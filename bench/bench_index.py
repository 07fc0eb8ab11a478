"""Time the exact top-k index (cosine + euclidean) at full dataset size; check it against scikit-learn.

Usage: python bench/bench_index.py [CSV] [--k 50] [--sample 1000] [--threads N] [--rounds 1] [--no-faiss]

In the same run, faiss-cpu's exact ``IndexFlatIP`` (normalised rows) + ``IndexFlatL2`` (weighted rows) top-k
is timed on the same matrix, alternating with songrec's kernel round by round, and the ratio of the wall
times is printed, so load from other processes on the machine affects both sides alike.
Without CSV, the real dataset in ../shared/data is used when present, else a synthetic one of the same size
(114,000 rows, 114 genres). No database is needed: the CSV is parsed with catalog.importers and the feature
pipeline is fitted in memory with the default weights.

The top-k runs in a child process so its peak RSS (resource.getrusage) is the index computation's alone:
Python, numpy, both matrices and the block buffers. Recall@k is measured on a random sample of tracks against
sklearn.neighbors.NearestNeighbors(algorithm="brute") on float64 copies of the same matrices:
"recall" counts a neighbour as found when its exact distance is within the reference k-th distance (so
exact ties between duplicate tracks can't count as misses); "id overlap" is the plain set overlap.
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
TIE_TOLERANCE = 1e-6


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def faiss_child(directory, k, threads):
    """The reference: faiss exact flat indexes, inner product on unit rows and L2 on weighted rows."""
    import faiss

    faiss.omp_set_num_threads(threads or os.cpu_count())
    matrix = np.load(Path(directory) / "weighted.npy")
    unit = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    cpu_started, started = time.process_time(), time.perf_counter()
    for index, space in ((faiss.IndexFlatIP(matrix.shape[1]), unit), (faiss.IndexFlatL2(matrix.shape[1]), matrix)):
        index.add(space)
        index.search(space, k + 1)
    print(json.dumps({"seconds": round(time.perf_counter() - started, 2),
                      "cpu_seconds": round(time.process_time() - cpu_started, 2),
                      "peak_rss_mb": round(peak_rss_mb(), 1)}))


def child(directory, k, threads, separately):
    """Run both metrics on the saved weighted matrix; print timings and peak RSS as JSON.

    Like a rebuild, both metrics come from one pass (one matrix product per block) unless ``separately``.
    """
    from recommender.index.topk import METRICS, all_top_k

    matrix = np.load(Path(directory) / "weighted.npy")
    all_top_k(matrix[:2000], k, METRICS, n_jobs=threads)  # compile (or load) the numba kernels outside the timing
    report, cpu_started = {}, time.process_time()
    started = time.perf_counter()
    if separately:
        results = {}
        for metric in METRICS:
            metric_started = time.perf_counter()
            results.update(all_top_k(matrix, k, (metric,), n_jobs=threads))
            report[f"{metric}_seconds"] = round(time.perf_counter() - metric_started, 2)
    else:
        results = all_top_k(matrix, k, METRICS, n_jobs=threads)
    report["seconds"] = round(time.perf_counter() - started, 2)
    report["cpu_seconds"] = round(time.process_time() - cpu_started, 2)
    for metric, result in results.items():
        np.save(Path(directory) / f"{metric}_indices.npy", result.indices)
    report["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(report))


def recall(space, indices, metric, *, sample, k):
    from sklearn.neighbors import NearestNeighbors

    reference = NearestNeighbors(n_neighbors=k + 1, algorithm="brute", metric=metric)
    reference.fit(space.astype(np.float64))
    distances, neighbours = reference.kneighbors(space[sample].astype(np.float64))
    tie_aware, overlap = [], []
    for row, query in enumerate(sample):
        keep = neighbours[row] != query
        theirs, their_distances = neighbours[row][keep][:k], distances[row][keep][:k]
        ours = indices[query]
        overlap.append(len(set(ours.tolist()) & set(theirs.tolist())) / k)
        x = space[query].astype(np.float64)
        others = space[ours].astype(np.float64)
        if metric == "cosine":
            ours_distance = 1 - (others @ x) / (np.linalg.norm(others, axis=1) * np.linalg.norm(x))
        else:
            ours_distance = np.linalg.norm(others - x, axis=1)
        tie_aware.append(np.mean(ours_distance <= their_distances[-1] + TIE_TOLERANCE))
    return float(np.mean(tie_aware)), float(np.mean(overlap))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?")
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--sample", type=int, default=1000, help="tracks checked against scikit-learn")
    parser.add_argument("--threads", type=int, default=0, help="top-k threads (default: every core)")
    parser.add_argument("--separately", action="store_true", help="time the two metrics one after the other")
    parser.add_argument("--rounds", type=int, default=1, help="songrec/faiss rounds, alternating")
    parser.add_argument("--no-faiss", action="store_true", help="skip the faiss-cpu reference")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--faiss-child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.child, options.k, options.threads or None, options.separately)
    if options.faiss_child:
        return faiss_child(options.faiss_child, options.k, options.threads or None)

    import django

    django.setup()
    from catalog.importers import read_tracks
    from recommender.index.features import fit_features, table_from_records
    from recommender.index.params import IndexParams

    path = dataset_path(options.csv)
    started = time.perf_counter()
    records = read_tracks(path).records.values()
    table = table_from_records(records)
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    matrices = fit_features(table, IndexParams.from_settings(k=options.k))
    feature_seconds = time.perf_counter() - started
    n, dimensions = matrices.weighted.shape
    print(f"dataset: {path} — {n:,} tracks with features, {dimensions} dimensions "
          f"(read {read_seconds:.1f} s, features {feature_seconds:.1f} s); {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory() as directory:
        np.save(Path(directory) / "weighted.npy", matrices.weighted)
        command = [sys.executable, __file__, "--child", directory, "--k", str(options.k),
                   "--threads", str(options.threads), *(["--separately"] if options.separately else [])]
        faiss_seconds, ours_seconds, loads = [], [], []
        for _round in range(options.rounds):
            loads.append(os.getloadavg()[0])
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            report = json.loads(output.strip().splitlines()[-1])
            ours_seconds.append(report["seconds"])
            if not options.no_faiss:
                loads.append(os.getloadavg()[0])
                reference = subprocess.run(
                    [sys.executable, __file__, "--faiss-child", directory, "--k", str(options.k), "--threads",
                     str(options.threads)], check=True, capture_output=True, text=True).stdout
                reference = json.loads(reference.strip().splitlines()[-1])
                faiss_seconds.append(reference["seconds"])
        load_before = max(loads)
        indices = {metric: np.load(Path(directory) / f"{metric}_indices.npy") for metric in ("cosine", "euclidean")}

    if faiss_seconds:
        print(f"faiss-cpu IndexFlatIP + IndexFlatL2 top-{options.k}: {sum(faiss_seconds):.1f} s wall over "
              f"{options.rounds} round(s), peak RSS {reference['peak_rss_mb']:.0f} MB; songrec "
              f"{sum(ours_seconds):.1f} s: ratio songrec/faiss {sum(ours_seconds) / sum(faiss_seconds):.2f} "
              f"(goal ≤ 0.5); 1-min load averages {', '.join(f'{load:.2f}' for load in loads)}")
    per_metric = (f" (cosine {report['cosine_seconds']:.1f} s, euclidean {report['euclidean_seconds']:.1f} s)"
                  if options.separately else " in one pass")
    print(f"top-{options.k} cosine + euclidean: {report['seconds']:.1f} s wall{per_metric}, "
          f"{report['cpu_seconds']:.1f} s CPU (target ≤ 60 s); 1-min load average before {load_before:.2f}")
    print(f"peak RSS of the top-k process: {report['peak_rss_mb']:.0f} MB (target ≤ 2048 MB)")
    sample = np.random.default_rng(0).choice(n, size=min(options.sample, n), replace=False)
    for metric, space in (("cosine", matrices.normalized), ("euclidean", matrices.weighted)):
        found, overlap = recall(space, indices[metric], metric, sample=sample, k=min(options.k, n - 1))
        print(f"recall@{options.k} {metric} vs sklearn brute force on {len(sample):,} tracks: {found:.4f} "
              f"(id overlap {overlap:.4f})")
    print(f"peak RSS of this process (CSV, pipeline, sklearn check): {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

"""The index at 1,000,000 tracks: a synthetic catalog drawn from the real one, exact top-k and faiss IVF.

Usage: python bench/bench_1m.py [CSV] [--tracks 1000000] [--sample 5000] [--k 50] [--nlist 4096] [--nprobe 32,64,128]
                                [--full]
       DATABASE_URL=… python bench/bench_1m.py [CSV] --build [--tracks 1000000] [--nprobe 48] [--nlist 0]

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

``--build`` instead times the real build path with approximate lists (``rebuild_index --approximate``: every
stage after reading the catalog — features, neighbours, recall, quality, files, storing 2 × N lists in
``DATABASE_URL``'s PostgreSQL, MLflow — services.build_from_table) in a child process: wall and CPU seconds per
stage and in all, peak RSS, and the recall@k per metric the build measured and recorded. The version it makes
is deleted afterwards; its files and MLflow run go to a temporary directory.
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

import joblib
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
    from recommender.index.features import ATTRIBUTES, TrackTable

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


def child(directory, *, k, sample, nlist, nprobe, full):
    from threadpoolctl import threadpool_limits

    from recommender.index.topk import MARGIN, METRICS, TileSpace, all_top_k

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


def build_child(directory):
    """The approximate rebuild path on the pickled table, in this fresh process (so its peak RSS is the build's)."""
    os.environ["RECOMMENDER_INDEX_DIR"] = str(Path(directory) / "index")
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{Path(directory) / 'mlflow.db'}"
    os.environ["MLFLOW_ARTIFACT_ROOT"] = str(Path(directory) / "mlartifacts")
    import django

    django.setup()
    from django.conf import settings

    from recommender import services, storage
    from recommender.errors import RecallTooLow
    from recommender.index.progress import ProgressReporter
    from recommender.models import IndexVersion

    table, params = joblib.load(Path(directory) / "table.joblib")
    report_start_rss = round(peak_rss_mb())
    version = services.start_build(params, 0)
    report = {"tracks": len(table), "nlist": params.nlist, "nprobe": params.nprobe,
              "rss_mb_before_build": report_start_rss}
    started, cpu = time.perf_counter(), cpu_seconds()
    stage_cpu, stage_peak, current = {}, {}, [None, cpu]

    def progress(stage, _fraction):
        if stage != current[0]:
            if current[0] is not None:
                stage_cpu[current[0]] = round(cpu_seconds() - current[1], 1)
                stage_peak[current[0]] = round(peak_rss_mb())
            current[:] = [stage, cpu_seconds()]

    reporter = ProgressReporter(version, progress)
    try:
        services.build_from_table(version, table, params, reporter)
        report["outcome"] = "ready"
    except RecallTooLow as error:
        reporter.finish()
        report["outcome"] = f"refused: {error}"
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    report["cpu_seconds"] = round(cpu_seconds() - cpu, 1)
    report["peak_rss_mb"] = round(peak_rss_mb(), 0)
    version.refresh_from_db()
    report["stage_wall_seconds"] = {stage: round(seconds, 1) for stage, seconds in reporter.seconds.items()}
    report["stage_cpu_seconds"] = stage_cpu
    report["peak_rss_mb_by_end_of_stage"] = stage_peak
    report["metrics"] = version.metrics
    # Same-run reference: the recall stage runs the sample's rows exactly against every row; the exact build
    # does all N rows, each block pair once for both sides (÷2).
    sample = min(len(table), settings.RECOMMENDER_APPROXIMATE_RECALL_ROWS)
    exact = reporter.seconds.get("recall", 0) * len(table) / sample / 2
    report["exact_neighbours_extrapolated_seconds"] = round(exact, 0)
    report["ratio_neighbours_approximate_to_exact"] = round(reporter.seconds.get("neighbours", 0) / exact, 4) \
        if exact else None
    storage.delete_neighbor_lists(version.pk)
    IndexVersion.objects.filter(pk=version.pk).delete()
    print(json.dumps(report))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?")
    parser.add_argument("--tracks", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--nlist", type=int,
                        help="k-means lists (default 4096; with --build RECOMMENDER_APPROXIMATE_NLIST)")
    parser.add_argument("--nprobe", help="comma-separated nprobe values to measure (default 32,64,128; with --build "
                                         "one value, default RECOMMENDER_APPROXIMATE_NPROBE)")
    parser.add_argument("--full", action="store_true", help="run the whole exact build (long)")
    parser.add_argument("--build", action="store_true", help="time the approximate rebuild path (see above)")
    parser.add_argument("--build-child", help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build_child:
        return build_child(options.build_child)
    if options.child:
        return child(options.child, k=options.k, sample=options.sample, nlist=options.nlist,
                     nprobe=[int(value) for value in options.nprobe.split(",")], full=options.full)

    import django

    django.setup()
    from catalog.importers import read_tracks
    from recommender.index.features import fit_features, table_from_records
    from recommender.index.params import IndexParams

    path = dataset_path(options.csv)
    real = table_from_records(read_tracks(path).records.values())
    started = time.perf_counter()
    table = synthetic_table(real, options.tracks)
    with tempfile.TemporaryDirectory() as directory:
        if options.build:
            params = IndexParams.from_settings(k=options.k, approximate=True, nlist=options.nlist,
                                               nprobe=int(options.nprobe) if options.nprobe else None)
            print(f"synthetic catalog: {len(table):,} tracks drawn from {len(real):,} real ones ({path.name}), "
                  f"generated in {time.perf_counter() - started:.0f} s")
            joblib.dump((table, params), Path(directory) / "table.joblib")
            del table
            command = [sys.executable, __file__, "--build-child", directory]
        else:
            matrices = fit_features(table, IndexParams.from_settings(k=options.k))
            print(f"synthetic catalog: {len(table):,} tracks drawn from {len(real):,} real ones ({path.name}); "
                  f"{matrices.weighted.shape[1]} dimensions; generated and fitted in "
                  f"{time.perf_counter() - started:.0f} s")
            np.save(Path(directory) / "weighted.npy", matrices.weighted)
            del matrices, table
            command = [sys.executable, __file__, "--child", directory, "--k", str(options.k), "--sample",
                       str(options.sample), "--nlist", str(options.nlist or 4096), "--nprobe",
                       options.nprobe or "32,64,128", *(["--full"] if options.full else [])]
        load = os.getloadavg()
        output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    report = json.loads(output.strip().splitlines()[-1])
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: "
          f"{' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    for key, value in report.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()

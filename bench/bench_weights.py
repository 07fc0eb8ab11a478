"""Weight sweep and song dedup on the real dataset, each weighting logged as an MLflow run (experiment
"songrec-weight-sweep" in MLFLOW_TRACKING_URI).

Usage: python bench/bench_weights.py [CSV] [--seeds 3000] [--genre-weights 0,0.25,0.5,0.75] [--no-mlflow]

No database: the CSV is read with catalog.importers into the same TrackTable an index build uses and the
feature pipeline is fitted per weighting (audio weight 1). For 3,000 random seed tracks the exact top
``2k+20`` neighbours (k = 10) by cosine and by euclidean distance are computed, then folded to one release per
song as the index build does (recommender.index.distinct_songs). Printed per weighting and metric, before and
after folding: the share of lists showing one song twice, the share recommending the seed's own song back;
after folding: genre precision@10, mean audio-feature distance of the list (standardised features, unweighted),
artist diversity@10 and coverage (distinct tracks over all lists ÷ catalog size).
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")

K = 10
BLOCK = 500


def top_candidates(vectors, seeds, count, metric):
    """Exact best ``count`` other rows for each seed row (positions, best first)."""
    norms = np.einsum("ij,ij->i", vectors, vectors)
    result = np.empty((len(seeds), count), dtype=np.int64)
    for start in range(0, len(seeds), BLOCK):
        rows = seeds[start:start + BLOCK]
        products = vectors[rows] @ vectors.T
        if metric == "cosine":
            key = products / np.sqrt(np.maximum(norms, 1e-12))
        else:
            key = products - norms / 2
        key[np.arange(len(rows)), rows] = -np.inf
        best = np.argpartition(-key, count, axis=1)[:, :count]
        order = np.argsort(-np.take_along_axis(key, best, axis=1), axis=1, kind="stable")
        result[start:start + len(rows)] = np.take_along_axis(best, order, axis=1)
    return result


def song_rates(lists, seeds, songs):
    listed = songs[lists]
    own = (listed == songs[seeds][:, None]).any(axis=1)
    ordered = np.sort(listed, axis=1)
    twice = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
    return float(twice.mean()), float(own.mean())


def list_metrics(lists, seeds, table, audio):
    genres = [set(names) for names in table.genres]
    labelled = [i for i, seed in enumerate(seeds) if genres[seed]]
    precision = np.mean([np.mean([bool(genres[seed] & genres[other]) for other in lists[i]])
                         for i, seed in ((i, seeds[i]) for i in labelled)])
    distance = float(np.linalg.norm(audio[lists] - audio[seeds][:, None, :], axis=2).mean())
    artists = table.primary_artists[lists]
    diversity = float(np.mean([len(set(row)) / len(row) for row in artists.tolist()]))
    coverage = len(np.unique(lists)) / len(table)
    return {"genre_precision_at_10": float(precision), "mean_audio_distance_at_10": distance,
            "artist_diversity_at_10": diversity, "coverage_at_10": coverage}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", nargs="?")
    parser.add_argument("--seeds", type=int, default=3000)
    parser.add_argument("--genre-weights", default="0,0.25,0.5,0.75")
    parser.add_argument("--no-mlflow", action="store_true")
    options = parser.parse_args()

    import django

    django.setup()
    from bench.synthetic import dataset_path
    from catalog.importers import read_tracks
    from recommender.features import fit_features, table_from_records
    from recommender.index import Neighbors, candidates_for, distinct_songs
    from recommender.params import IndexParams

    path = dataset_path(options.csv)
    table = table_from_records(read_tracks(path).records.values())
    rng = np.random.default_rng(3000)
    seeds = np.sort(rng.choice(len(table), size=min(options.seeds, len(table)), replace=False))
    audio = table.audio
    audio = (audio - audio.mean(axis=0)) / np.where(audio.std(axis=0) > 0, audio.std(axis=0), 1)
    repeated = len(table) - len(np.unique(table.songs))
    print(f"{path.name}: {len(table)} indexable tracks, {len(np.unique(table.songs))} songs "
          f"({repeated} tracks repeat a song), {len(seeds)} seeds, k = {K}, load {os.getloadavg()[0]:.1f}")

    mlflow = None
    if not options.no_mlflow:
        import mlflow
        from django.conf import settings

        mlflow.set_tracking_uri(settings.MLFLOW_TRACKING_URI)
        mlflow.set_experiment("songrec-weight-sweep")
    for genre_weight in (float(value) for value in options.genre_weights.split(",")):
        params = IndexParams.from_settings(genre_weight=genre_weight, audio_weight=1.0)
        started = time.perf_counter()
        matrices = fit_features(table, params)
        for metric in ("cosine", "euclidean"):
            vectors = matrices.normalized if metric == "cosine" else matrices.weighted
            raw = top_candidates(vectors, seeds, candidates_for(K), metric)
            twice_before, own_before = song_rates(raw[:, :K], seeds, table.songs)
            # distinct_songs looks the seed's own song up by row: give it the seeds' rows as a small table.
            local_songs = np.concatenate([table.songs[seeds], table.songs])
            folded = distinct_songs(Neighbors(metric, raw + len(seeds), np.zeros(raw.shape, np.float32)),
                                    local_songs, K)
            # A seed whose 2k+20 nearest hold fewer than k songs (one song released dozens of times) gets a
            # shorter list; those are counted and left out of the list metrics.
            full = (folded.indices >= 0).all(axis=1)
            lists = folded.indices[full].astype(np.int64) - len(seeds)
            twice_after, own_after = song_rates(lists, seeds[full], table.songs)
            metrics = list_metrics(lists, seeds[full], table, audio)
            metrics.update(same_song_twice_before=twice_before, own_song_back_before=own_before,
                           same_song_twice=twice_after, own_song_back=own_after, short_lists=int((~full).sum()))
            print(f"genre weight {genre_weight:4.2f} {metric:9s}: same song twice {twice_before:6.1%} → "
                  f"{twice_after:.1%}, own song back {own_before:6.1%} → {own_after:.1%}; "
                  f"genre precision@10 {metrics['genre_precision_at_10']:.3f}, audio distance "
                  f"{metrics['mean_audio_distance_at_10']:.3f}, artist diversity "
                  f"{metrics['artist_diversity_at_10']:.3f}, coverage {metrics['coverage_at_10']:.3f}, "
                  f"short lists {metrics['short_lists']}")
            if mlflow is not None:
                with mlflow.start_run(run_name=f"genre {genre_weight} {metric}"):
                    mlflow.log_params({**params.mlflow_params(), "metric": metric, "seeds": len(seeds),
                                       "dataset": path.name})
                    mlflow.log_metrics(metrics)
        print(f"  ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()

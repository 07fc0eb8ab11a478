"""The weight sweep: how the genre/audio weighting changes what similar lists look like, one MLflow run each.

For a sample of seed tracks and each weighting of a grid, the exact top ``2k+20`` neighbours by cosine and by
euclidean distance are computed against the whole catalog and folded to one release per song as an index build
does (``index.distinct_songs``). Each (weighting, metric) gives, after folding: genre precision@k, the mean
audio-feature distance of the list (standardised features, unweighted), artist diversity@k, catalog coverage
(distinct listed tracks ÷ catalog size), and the same-song rates before and after folding. Used by
``manage.py sweep_weights`` (the catalog in the database) and ``bench/bench_weights.py`` (a CSV).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from recommender.errors import RebuildError
from songrec.lib.mlflow_runs import log_run

from .features import TrackTable, fit_features
from .params import IndexParams
from .topk import METRICS, Neighbors, candidates_for, distinct_songs

EXPERIMENT = "songrec-weight-sweep"
BLOCK_ROWS = 500
MAX_SEEDS = 20_000
MAX_LIST = 50


@dataclass(frozen=True)
class SweepResult:
    params: IndexParams
    metric: str
    metrics: dict[str, float]
    seeds: int
    k: int
    seconds: float

    @property
    def label(self) -> str:
        return f"genre {self.params.genre_weight:g} audio {self.params.audio_weight:g} {self.metric}"


@dataclass
class Sweep:
    """A grid of weightings to measure on one catalog (a features.TrackTable)."""

    table: TrackTable
    genre_weights: list[float]
    audio_weights: list[float] = field(default_factory=lambda: [1.0])
    seeds: int = 3000
    k: int = 10
    random_seed: int = 3000

    def weightings(self) -> list[IndexParams]:
        """Validated IndexParams for every (genre, audio) pair; RebuildError names the first bad one."""
        if not self.genre_weights or not self.audio_weights:
            raise RebuildError("give at least one genre weight and one audio weight")
        if not 1 <= self.k <= MAX_LIST:
            raise RebuildError(f"k must be between 1 and {MAX_LIST}, got {self.k}")
        if not 1 <= self.seeds <= MAX_SEEDS:
            raise RebuildError(f"seeds must be between 1 and {MAX_SEEDS}, got {self.seeds}")
        return [IndexParams.from_settings(genre_weight=genre, audio_weight=audio)
                for audio in self.audio_weights for genre in self.genre_weights]

    def seed_rows(self) -> np.ndarray:
        if len(self.table) < 2:
            raise RebuildError(f"the catalog has {len(self.table)} indexable track(s); a sweep needs at least 2")
        rng = np.random.default_rng(self.random_seed)
        return np.sort(rng.choice(len(self.table), size=min(self.seeds, len(self.table)), replace=False))

    def run(self, on_result: Callable[[SweepResult], object] | None = None,
            log: Callable[[SweepResult], object] | None = None) -> list[SweepResult]:
        """Measure every weighting and metric; ``on_result(result)`` after each, ``log(result)`` to record it."""
        weightings = self.weightings()
        seeds = self.seed_rows()
        audio = standardised(self.table.audio)
        results = []
        for params in weightings:
            started = time.perf_counter()
            try:
                matrices = fit_features(self.table, params)
            except ValueError as error:
                raise RebuildError(f"genre weight {params.genre_weight:g}, audio weight {params.audio_weight:g}: "
                                   f"{error}") from None
            for metric in METRICS:
                vectors = matrices.normalized if metric == "cosine" else matrices.weighted
                metrics = measure_lists(self.table, vectors, seeds, audio, metric=metric, k=self.k)
                result = SweepResult(params, metric, metrics, len(seeds), self.k,
                                     time.perf_counter() - started)
                results.append(result)
                if log is not None:
                    log(result)
                if on_result is not None:
                    on_result(result)
        return results


def standardised(audio: np.ndarray) -> np.ndarray:
    spread = audio.std(axis=0)
    return (audio - audio.mean(axis=0)) / np.where(spread > 0, spread, 1)


def top_candidates(vectors: np.ndarray, seeds: np.ndarray, count: int, metric: str) -> np.ndarray:
    """Exact best ``count`` other rows for each seed row (positions, best first)."""
    count = min(count, len(vectors) - 1)
    norms = np.einsum("ij,ij->i", vectors, vectors)
    result = np.empty((len(seeds), count), dtype=np.int64)
    for start in range(0, len(seeds), BLOCK_ROWS):
        rows = seeds[start:start + BLOCK_ROWS]
        products = vectors[rows] @ vectors.T
        if metric == "cosine":
            key = products / np.sqrt(np.maximum(norms, 1e-12))
        else:
            key = products - norms / 2  # ranks like -|a - b|² / 2 for a fixed seed a
        key[np.arange(len(rows)), rows] = -np.inf
        best = np.argpartition(-key, count - 1, axis=1)[:, :count]
        order = np.argsort(-np.take_along_axis(key, best, axis=1), axis=1, kind="stable")
        result[start:start + len(rows)] = np.take_along_axis(best, order, axis=1)
    return result


def song_rates(lists: np.ndarray, seeds: np.ndarray, songs: np.ndarray) -> tuple[float, float]:
    """(share of lists showing one song twice, share showing the seed's own song) for full lists."""
    if len(lists) == 0:
        return 0.0, 0.0
    listed = songs[lists]
    own = (listed == songs[seeds][:, None]).any(axis=1)
    ordered = np.sort(listed, axis=1)
    twice = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
    return float(twice.mean()), float(own.mean())


def list_metrics(lists: np.ndarray, seeds: np.ndarray, table: TrackTable, audio: np.ndarray) -> dict[str, float]:
    """Genre precision, audio distance, artist diversity and coverage of full lists (rows of ``lists``)."""
    if len(lists) == 0:
        return {"genre_precision_at_k": 0.0, "mean_audio_distance_at_k": 0.0, "artist_diversity_at_k": 0.0,
                "coverage_at_k": 0.0}
    genres = [set(names) for names in table.genres]
    shares = [np.mean([bool(genres[seed] & genres[other]) for other in row])
              for seed, row in zip(seeds.tolist(), lists.tolist(), strict=True) if genres[seed]]
    distance = float(np.linalg.norm(audio[lists] - audio[seeds][:, None, :], axis=2).mean())
    artists = table.primary_artists[lists]
    return {"genre_precision_at_k": float(np.mean(shares)) if shares else 0.0,
            "mean_audio_distance_at_k": distance,
            "artist_diversity_at_k": float(np.mean([len(set(row)) / len(row) for row in artists.tolist()])),
            "coverage_at_k": len(np.unique(lists)) / len(table)}


def measure_lists(table: TrackTable, vectors: np.ndarray, seeds: np.ndarray, audio: np.ndarray, *, metric: str,
                  k: int) -> dict[str, float]:
    """The sweep's metrics for the seeds' top-k lists of one metric, before and after folding releases."""
    raw = top_candidates(vectors, seeds, candidates_for(k), metric)
    twice_before, own_before = song_rates(raw[:, :k], seeds, table.songs)
    # distinct_songs looks each row's own song up by position: put the seeds' songs first, shift the candidates.
    local_songs = np.concatenate([table.songs[seeds], table.songs])
    folded = distinct_songs(Neighbors(metric, raw + len(seeds), np.zeros(raw.shape, np.float32)), local_songs, k)
    # A seed whose 2k+20 nearest hold fewer than k songs (one song released dozens of times) gets a shorter
    # list; those are counted and left out of the list metrics.
    full = (folded.indices >= 0).all(axis=1) & (folded.indices.shape[1] == k)
    lists = folded.indices[full].astype(np.int64) - len(seeds)
    twice_after, own_after = song_rates(lists, seeds[full], table.songs)
    metrics = list_metrics(lists, seeds[full], table, audio)
    metrics.update(same_song_twice_before=twice_before, own_song_back_before=own_before,
                   same_song_twice=twice_after, own_song_back=own_after, short_lists=int((~full).sum()))
    return metrics


def mlflow_logger(tracking_uri: str, experiment: str = EXPERIMENT, dataset: str = "") -> Callable[[SweepResult], None]:
    """A ``log`` callable for Sweep.run that records each result as an MLflow run (songrec.lib.mlflow_runs)."""

    def log(result: SweepResult) -> None:
        log_run(experiment, result.label, tracking_uri=tracking_uri, metrics=result.metrics,
                params={**result.params.mlflow_params(), "metric": result.metric, "seeds": result.seeds,
                        "list_k": result.k, "dataset": dataset})

    return log


def describe(result: SweepResult) -> str:
    """One line per result, as the command and the benchmark print it."""
    m = result.metrics
    return (f"{result.label:32s} genre precision {m['genre_precision_at_k']:.3f}, audio distance "
            f"{m['mean_audio_distance_at_k']:.3f}, artist diversity {m['artist_diversity_at_k']:.3f}, coverage "
            f"{m['coverage_at_k']:.3f}; same song twice {m['same_song_twice_before']:.1%} → "
            f"{m['same_song_twice']:.1%}, own song back {m['own_song_back_before']:.1%} → "
            f"{m['own_song_back']:.1%}, short lists {m['short_lists']} ({result.seconds:.1f} s)")

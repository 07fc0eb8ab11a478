"""Offline quality metrics of a built index, logged to MLflow and shown on the index page.

All are computed over every track's list; "@10" metrics look at the first 10 neighbours.

* ``mean_topk_similarity``: mean cosine similarity between a track and its k neighbours (for euclidean lists,
  the cosine similarity of the neighbours euclidean chose), plus ``mean_topk_distance`` for euclidean.
* ``genre_precision_at_10``: share of neighbours sharing at least one dataset genre label with the track
  (tracks without labels are left out).
* ``artist_diversity_at_10``: distinct lead artists among the neighbours ÷ number of neighbours.
* ``catalog_coverage_at_10``: share of the catalog that appears in at least one track's top 10.
* ``same_song_rate_at_10``: share of lists showing a song twice or the track's own song (another release).
"""

from typing import Any

import numpy as np
from numba import njit
from scipy import sparse

from .features import TrackTable
from .topk import Neighbors

AT = 10


def list_quality(neighbors: Neighbors, table: TrackTable, normalized: np.ndarray) -> dict[str, float]:
    """The metrics above for one Neighbors result over ``table`` (rows aligned with ``normalized``).

    Index -1 marks the padding of a list shorter than k (see index.distinct_songs); it is left out.
    """
    n = len(table)
    indices = neighbors.indices
    if n == 0 or indices.shape[1] == 0:
        return {"mean_topk_similarity": 0.0, "genre_precision_at_10": 0.0, "artist_diversity_at_10": 0.0,
                "catalog_coverage_at_10": 0.0, "same_song_rate_at_10": 0.0}
    top = indices[:, :AT]
    valid = top >= 0
    assert table.songs is not None  # TrackTable.__post_init__ numbers the songs when none were given
    metrics = {
        "mean_topk_similarity": _mean_similarity(neighbors, normalized),
        "genre_precision_at_10": _genre_precision(top, valid, table.genres),
        "artist_diversity_at_10": _artist_diversity(top, valid, table.primary_artists),
        "catalog_coverage_at_10": float(len(np.unique(top[valid])) / n),
        "same_song_rate_at_10": same_song_rate(top, valid, table.songs),
    }
    if neighbors.metric == "euclidean":
        metrics["mean_topk_distance"] = float(np.nanmean(neighbors.scores, dtype=np.float64))
    return {name: round(value, 6) for name, value in metrics.items()}


def same_song_rate(top: np.ndarray, valid: np.ndarray, songs: np.ndarray) -> float:
    """Share of lists showing one song twice or the track's own song (0 once index.distinct_songs ran)."""
    listed = np.where(valid, songs[np.maximum(top, 0)], -1 - np.arange(top.shape[1]))
    own = (listed == songs[:len(top), None]).any(axis=1)
    ordered = np.sort(listed, axis=1)
    twice = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
    return float(np.mean(own | twice)) if len(top) else 0.0


def _mean_similarity(neighbors: Neighbors, normalized: np.ndarray) -> float:
    if neighbors.metric == "cosine":
        return float(np.nanmean(neighbors.scores, dtype=np.float64))
    total, count = _similarity_sum(np.asarray(normalized), neighbors.indices)
    return total / count if count else 0.0


@njit(nogil=True, cache=True, fastmath=True)
def _similarity_sum(normalized: np.ndarray, indices: np.ndarray) -> tuple[float, int]:
    """(sum of the float64 dot products of each row with its listed neighbours, how many were listed); summed in
    whatever order vectorises (fastmath): a mean reported to 6 decimals doesn't need a fixed order."""
    total, count = 0.0, 0
    for row in range(indices.shape[0]):
        for j in range(indices.shape[1]):
            other = indices[row, j]
            if other < 0:
                continue
            for d in range(normalized.shape[1]):
                total += np.float64(normalized[row, d]) * np.float64(normalized[other, d])
            count += 1
    return total, count


def _genre_precision(top: np.ndarray, valid: np.ndarray, genres: Any) -> float:
    names = sorted({name for labels in genres for name in labels})
    if not names:
        return 0.0
    number = {name: i for i, name in enumerate(names)}
    rows = np.repeat(np.arange(len(genres)), [len(labels) for labels in genres])
    columns = [number[name] for labels in genres for name in labels]
    labels = sparse.csr_matrix((np.ones(len(columns), dtype=np.float32), (rows, columns)),
                               shape=(len(genres), len(names)))
    labelled = np.diff(labels.indptr) > 0
    queries = np.repeat(np.arange(len(genres)), top.shape[1])
    shared = np.asarray(labels[queries].multiply(labels[np.maximum(top, 0).reshape(-1)]).sum(axis=1)).reshape(
        top.shape) > 0
    counted = valid & labelled[:, None]
    return float(shared[counted].mean()) if counted.any() else 0.0


def _artist_diversity(top: np.ndarray, valid: np.ndarray, primary_artists: np.ndarray) -> float:
    padding = -2 - np.arange(top.shape[1])
    artists = np.sort(np.where(valid, primary_artists[np.maximum(top, 0)], padding), axis=1)
    distinct = 1 + np.count_nonzero(np.diff(artists, axis=1), axis=1) - (~valid).sum(axis=1)
    lengths = valid.sum(axis=1)
    listed = lengths > 0
    return float(np.mean(distinct[listed] / lengths[listed])) if listed.any() else 0.0

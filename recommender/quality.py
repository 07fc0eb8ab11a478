"""Offline quality metrics of a built index, logged to MLflow and shown on the index page.

All are computed over every track's list; "@10" metrics look at the first 10 neighbours.

* ``mean_topk_similarity``: mean cosine similarity between a track and its k neighbours (for euclidean lists,
  the cosine similarity of the neighbours euclidean chose), plus ``mean_topk_distance`` for euclidean.
* ``genre_precision_at_10``: share of neighbours sharing at least one dataset genre label with the track
  (tracks without labels are left out).
* ``artist_diversity_at_10``: distinct lead artists among the neighbours ÷ number of neighbours.
* ``catalog_coverage_at_10``: share of the catalog that appears in at least one track's top 10.
"""

import numpy as np
from scipy import sparse

AT = 10
CHUNK_ROWS = 4096


def list_quality(neighbors, table, normalized):
    """The metrics above for one Neighbors result over ``table`` (rows aligned with ``normalized``)."""
    n = len(table)
    indices = neighbors.indices
    if n == 0 or indices.shape[1] == 0:
        return {"mean_topk_similarity": 0.0, "genre_precision_at_10": 0.0, "artist_diversity_at_10": 0.0,
                "catalog_coverage_at_10": 0.0}
    top = indices[:, :AT]
    metrics = {
        "mean_topk_similarity": _mean_similarity(neighbors, normalized),
        "genre_precision_at_10": _genre_precision(top, table.genres),
        "artist_diversity_at_10": _artist_diversity(top, table.primary_artists),
        "catalog_coverage_at_10": float(len(np.unique(top)) / n),
    }
    if neighbors.metric == "euclidean":
        metrics["mean_topk_distance"] = float(np.mean(neighbors.scores, dtype=np.float64))
    return {name: round(value, 6) for name, value in metrics.items()}


def _mean_similarity(neighbors, normalized):
    if neighbors.metric == "cosine":
        return float(np.mean(neighbors.scores, dtype=np.float64))
    total = 0.0
    for start in range(0, len(normalized), CHUNK_ROWS):
        stop = min(len(normalized), start + CHUNK_ROWS)
        others = normalized[neighbors.indices[start:stop]]
        total += float(np.einsum("rd,rkd->", normalized[start:stop], others, dtype=np.float64))
    return total / neighbors.indices.size


def _genre_precision(top, genres):
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
    shared = np.asarray(labels[queries].multiply(labels[top.reshape(-1)]).sum(axis=1)).reshape(top.shape) > 0
    return float(shared[labelled].mean()) if labelled.any() else 0.0


def _artist_diversity(top, primary_artists):
    artists = np.sort(primary_artists[top], axis=1)
    distinct = 1 + np.count_nonzero(np.diff(artists, axis=1), axis=1)
    return float(np.mean(distinct / top.shape[1]))

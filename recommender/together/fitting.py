"""Fitting the together model from rows (playlists, listeners): implicit's ALS and an item-item kNN, both on
BM25-weighted rows (or TF-IDF, or plain cosine: ``weighting``), with BLAS single-threaded (implicit's advice).

Pure: rows in, arrays out; the training service saves them, the benchmark fits on its own training rows.
"""

from dataclasses import asdict, dataclass

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

WEIGHTINGS = ("bm25", "tfidf", "none")
# How a new row (a listener, a playlist's seeds) is scored: ALS's recalculate_user, the item-item kNN's summed
# similarities to its tracks, or the two (each divided by its best) added.
FOLD_INS = ("als", "knn", "both")


@dataclass(frozen=True)
class Params:
    weighting: str = "bm25"
    bm25_k1: float = 100.0
    bm25_b: float = 0.8
    factors: int = 64
    regularization: float = 0.05
    iterations: int = 15
    alpha: float = 10.0  # confidence = alpha × weighted value
    neighbours: int = 100  # kept per track by the item-item kNN
    fold_in: str = "als"
    threads: int = 2
    random_state: int = 42

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, values):
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        return cls(**known)


@dataclass
class Matrix:
    row_keys: list  # (kind, id) per row
    track_ids: np.ndarray  # sorted, one per column
    weights: sparse.csr_matrix  # rows × tracks


@dataclass
class Fitted:
    track_ids: np.ndarray
    item_factors: np.ndarray  # tracks × factors, float32
    neighbours: sparse.csr_matrix  # tracks × tracks, each row's top ``neighbours`` similarities (never itself)
    row_counts: np.ndarray  # rows each track is in
    fold_in_scale: float  # the mean weighted value a row's track had in training: a folded-in track gets it


def build_matrix(rows):
    """Rows (sources.Rows) → Matrix; rows with fewer than 2 tracks teach nothing about "together" and are dropped."""
    keys = [key for key, tracks in rows.tracks.items() if len(tracks) >= 2]
    counts = [len(rows.tracks[key]) for key in keys]
    total = int(sum(counts))
    tracks = np.empty(total, dtype=np.int64)
    values = np.empty(total, dtype=np.float32)
    at = 0
    for key in keys:
        row = rows.tracks[key]
        tracks[at:at + len(row)] = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
        values[at:at + len(row)] = np.fromiter(row.values(), dtype=np.float32, count=len(row))
        at += len(row)
    track_ids, columns = np.unique(tracks, return_inverse=True)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    weights = sparse.csr_matrix((values, columns, indptr), shape=(len(keys), len(track_ids)))
    weights.sum_duplicates()
    return Matrix(keys, track_ids, weights)


def weighted(weights, params):
    """Rows × tracks after the weighting (BM25 / TF-IDF treat each track as a document, its rows as its terms)."""
    from implicit.nearest_neighbours import bm25_weight, tfidf_weight  # deferred: compiled extension

    if params.weighting == "bm25":
        return bm25_weight(weights.T.tocoo(), K1=params.bm25_k1, B=params.bm25_b).T.tocsr().astype(np.float32)
    if params.weighting == "tfidf":
        return tfidf_weight(weights.T.tocoo()).T.tocsr().astype(np.float32)
    if params.weighting == "none":
        return weights.astype(np.float32).tocsr()
    raise ValueError(f"unknown weighting {params.weighting!r}; expected one of {', '.join(WEIGHTINGS)}")


def fit_als(values, params):
    """implicit's ALS item factors (tracks × factors) on weighted rows."""
    from implicit.cpu.als import AlternatingLeastSquares  # deferred: compiled extension, only for training

    with threadpool_limits(1, "blas"):  # implicit checks BLAS threads when the model is created
        model = AlternatingLeastSquares(factors=params.factors, regularization=params.regularization,
                                        iterations=params.iterations, num_threads=params.threads, alpha=params.alpha,
                                        random_state=params.random_state, calculate_training_loss=False)
        model.fit(values, show_progress=False)
    return np.ascontiguousarray(model.item_factors, dtype=np.float32)


def fit_neighbours(values, params):
    """Each track's top ``params.neighbours`` tracks by cosine over the weighted rows (implicit's all-pairs kNN)."""
    from implicit.nearest_neighbours import ItemItemRecommender, normalize  # deferred: compiled extension

    knn = ItemItemRecommender(K=params.neighbours + 1, num_threads=params.threads)
    knn.fit(normalize(values.T).T.tocsr(), show_progress=False)  # cosine: products of unit columns
    similarity = knn.similarity.tocsr().astype(np.float32)
    similarity.setdiag(0)
    similarity.eliminate_zeros()
    return similarity


def fit(matrix, params, progress=None):
    """Fitted arrays for a Matrix; ``progress(stage)`` is told each stage as it starts."""
    progress = progress or (lambda stage: None)
    progress("weighting")
    values = weighted(matrix.weights, params)
    progress("als")
    item_factors = fit_als(values, params)
    progress("neighbours")
    neighbours = fit_neighbours(values, params)
    row_counts = np.diff(matrix.weights.tocsc().indptr).astype(np.int32)
    scale = float(values.data.mean()) if values.nnz else 1.0
    return Fitted(matrix.track_ids, item_factors, neighbours, row_counts, scale)

"""Fitting the together model from rows (playlists, listeners): implicit's ALS and an item-item kNN, both on
BM25-weighted rows (or TF-IDF, or plain cosine: ``weighting``), with BLAS single-threaded (implicit's advice); and
the same kNN one level up, over the rows' artists (which artists people put together), when the catalog's credits
are given.

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
    fold_in: str = "both"
    # The artists' share of a folded-in or neighbour score (0: tracks only). Most songs of a curated playlist are in
    # no other playlist, but half share an artist with another song of theirs. These defaults are what the
    # development playlists chose (docs/recommendations.md, "The together model"); a benchmark run records its
    # choice in the model's params, which later trainings keep.
    artist_weight: float = 0.7
    related_artists: float = 0.0  # the weight of the artists people put with yours against your artists' own
    artist_neighbours: int = 50  # kept per artist by the artist-artist kNN
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
class Credits:
    """The catalog's (track id, artist id) pairs, one per credit."""

    track_ids: np.ndarray
    artist_ids: np.ndarray


@dataclass
class Artists:
    """The artist level: which artists rows put together, and who made which track (every credited track of the
    catalog, so a listener's artists bring their other songs too). Only artists in some training row are kept."""

    credit_tracks: np.ndarray  # track id per credit, sorted
    credit_artists: np.ndarray  # the credit's artist column (into neighbours)
    neighbours: sparse.csr_matrix  # artists × artists, each row's top ``artist_neighbours`` similarities


@dataclass
class Fitted:
    track_ids: np.ndarray
    item_factors: np.ndarray  # tracks × factors, float32
    neighbours: sparse.csr_matrix  # tracks × tracks, each row's top ``neighbours`` similarities (never itself)
    row_counts: np.ndarray  # rows each track is in
    fold_in_scale: float  # the mean weighted value a row's track had in training: a folded-in track gets it
    artists: Artists | None = None


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


def fit_neighbours(values, params, count=None):
    """Each column's top ``count`` (``params.neighbours``) columns by cosine over the weighted rows (implicit's
    all-pairs kNN)."""
    from implicit.nearest_neighbours import ItemItemRecommender, normalize  # deferred: compiled extension

    knn = ItemItemRecommender(K=(count or params.neighbours) + 1, num_threads=params.threads)
    knn.fit(normalize(values.T).T.tocsr(), show_progress=False)  # cosine: products of unit columns
    similarity = knn.similarity.tocsr().astype(np.float32)
    similarity.setdiag(0)
    similarity.eliminate_zeros()
    return similarity


def fit_artists(matrix, credits, params):
    """The artist level (Artists) of a Matrix: its rows over the artists of their tracks, weighted and kNN'd like
    the tracks; None when no row's track has a credit."""
    order = np.argsort(credits.track_ids, kind="stable")
    track_ids, artist_ids = credits.track_ids[order], credits.artist_ids[order]
    found = np.minimum(np.searchsorted(matrix.track_ids, track_ids), max(len(matrix.track_ids) - 1, 0))
    in_rows = np.isin(artist_ids, artist_ids[matrix.track_ids[found] == track_ids]) if len(matrix.track_ids) else \
        np.zeros(len(artist_ids), dtype=bool)
    if not in_rows.any():
        return None
    track_ids, artist_ids = track_ids[in_rows], artist_ids[in_rows]
    artists, columns = np.unique(artist_ids, return_inverse=True)
    model_tracks = found[in_rows]
    credited = matrix.track_ids[model_tracks] == track_ids
    by_track = sparse.csr_matrix((np.ones(int(credited.sum()), dtype=np.float32),
                                  (model_tracks[credited], columns[credited])),
                                 shape=(len(matrix.track_ids), len(artists)))
    by_artist = (matrix.weights @ by_track).tocsr()  # rows × artists: how many of the row's tracks each made
    neighbours = fit_neighbours(weighted(by_artist, params), params, params.artist_neighbours)
    return Artists(track_ids, columns.astype(np.int32), neighbours)


def fit(matrix, params, progress=None, *, credits=None):
    """Fitted arrays for a Matrix (with the artist level when the catalog's ``credits`` are given);
    ``progress(stage)`` is told each stage as it starts."""
    progress = progress or (lambda stage: None)
    progress("weighting")
    values = weighted(matrix.weights, params)
    progress("als")
    item_factors = fit_als(values, params)
    progress("neighbours")
    neighbours = fit_neighbours(values, params)
    artists = None
    if credits is not None and len(credits.track_ids):
        progress("artists")
        artists = fit_artists(matrix, credits, params)
    row_counts = np.diff(matrix.weights.tocsc().indptr).astype(np.int32)
    scale = float(values.data.mean()) if values.nnz else 1.0
    return Fitted(matrix.track_ids, item_factors, neighbours, row_counts, scale, artists)

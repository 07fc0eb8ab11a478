"""Exactness guards for the float32 top-k kernel: a bound on its rounding, and rows recomputed without doubt.

The kernel (index.py, topk_tiles.py) keeps each row's ``kk`` best candidates by float32 score, then re-scores
them in float64 and sorts them (ties by lower position). That is the exact top k only when nothing the float32
cut left out could beat the k-th kept one exactly. Near-ties at the cut — groups of tracks with identical
vectors, common in the real catalog — are decided by float32 rounding, which depends on how a score was
computed (tile shape, which of the two rows was the query), so a full build and an incremental update could
keep different members of such a group. Every path therefore *certifies* its rows: a row is exact when its
k-th exact score beats the heap's float32 floor by more than the rounding bound; the others are recomputed
here against every row, keeping every candidate within twice the bound of the k-th float32 score, re-scored
in float64. The result is the exact ranking by the float64 key of ``topk_tiles._exact``, ties by lower
position, whatever path computed it.
"""

import numpy as np
from threadpoolctl import threadpool_limits

from . import topk_tiles

UNIT_ROUNDOFF = 2.0 ** -24
# The bounds below are first-order worst cases; doubling them covers the second-order terms.
SAFETY = 2.0
CHUNK_ROWS = 64


def score_errors(norms, metric, dimensions):
    """Per row, a bound on |float32 score − exact score| of its pair with any row, in the heaps' units
    (cosine similarity; euclidean −‖a−b‖²/2). A float32 dot product of d terms is off by at most
    d·u·‖a‖‖b‖ in any summation order; the norms, their products and differences add a few roundings more."""
    norms = np.asarray(norms, dtype=np.float64)
    base = SAFETY * (dimensions + 6) * UNIT_ROUNDOFF
    if metric == "cosine":
        return np.full(len(norms), base)
    largest = float(norms.max()) if len(norms) else 0.0
    return base * (norms + largest) ** 2 / 2


def similarities(keys, metric):
    """Float64 sort keys (topk_tiles._exact) in the heaps' units, larger = better."""
    return -keys if metric == "cosine" else -keys / 2


def scores_of(keys, metric):
    """The stored score of each key: cosine similarity, or euclidean distance (NaN stays NaN)."""
    return (-keys if metric == "cosine" else np.sqrt(keys)).astype(np.float32)


def uncertain(last_keys, floors, full, errors, metric):
    """Which rows the float32 cut may have decided: a full heap whose floor is within the bound of the
    row's last kept exact score (``last_keys``: the k-th key, NaN when fewer were found)."""
    last = similarities(np.asarray(last_keys, dtype=np.float64), metric)
    return np.asarray(full, dtype=bool) & ~(last > np.asarray(floors, dtype=np.float64) + errors)


def exact_top_k(matrix, rows, metric, k, norms=None):
    """(indices int32, scores float32, keys float64), each len(rows) × k: the exact best ``k`` other rows of
    each of ``rows`` by the float64 key, ties by lower position; padded with −1/NaN when fewer exist."""
    number = topk_tiles.COSINE if metric == "cosine" else topk_tiles.EUCLIDEAN
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    rows = np.asarray(rows, dtype=np.int64)
    n = matrix.shape[0]
    norms = topk_tiles.row_norms(matrix) if norms is None else norms
    errors = score_errors(norms, metric, matrix.shape[1])
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    half = norms ** 2 / 2
    indices = np.full((len(rows), k), -1, dtype=np.int32)
    keys = np.full((len(rows), k), np.nan, dtype=np.float64)
    found = min(k, n - 1)
    for start in range(0, len(rows) if found > 0 else 0, CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        with threadpool_limits(limits=1, user_api="blas"):
            approximate = (matrix[chunk] @ matrix.T).astype(np.float64)
        if metric == "cosine":
            approximate *= inverse[chunk, None] * inverse[None, :]
        else:
            approximate -= half[chunk, None] + half[None, :]
        approximate[np.arange(len(chunk)), chunk] = -np.inf
        kth = -np.partition(-approximate, found - 1, axis=1)[:, found - 1]
        for offset, row in enumerate(chunk.tolist()):
            # Everything of the exact top k scores at least kth − error in float32, so at least kth − 2·error.
            candidates = np.flatnonzero(approximate[offset] >= kth[offset] - 2 * errors[row])
            candidates = candidates[candidates != row]
            candidate_keys = topk_tiles.pair_keys(matrix, norms, np.full(len(candidates), row, dtype=np.int64),
                                                  matrix, norms, candidates.astype(np.int64), number)
            order = np.lexsort((candidates, candidate_keys))[:found]
            indices[start + offset, :len(order)] = candidates[order]
            keys[start + offset, :len(order)] = candidate_keys[order]
    return indices, scores_of(keys, metric), keys


def certify(space, result, rows=None):
    """Recompute exactly, in place, the rows of ``result`` (index.TileSpace.best with keys, for ``rows`` that
    were offered every column) whose float32 cut may have decided them; returns those rows' positions."""
    rows = np.arange(space.n, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    k = result.indices.shape[1]
    if k == 0 or not len(rows):
        return rows[:0]
    number = topk_tiles.COSINE if result.metric == "cosine" else topk_tiles.EUCLIDEAN
    errors = score_errors(space.norms, result.metric, space.matrix.shape[1])[rows]
    doubtful = np.flatnonzero(uncertain(result.keys[:, -1], space.floor[number, rows],
                                        space.sizes[number, rows] == space.kk, errors, result.metric))
    if len(doubtful):
        indices, scores, keys = exact_top_k(space.matrix, rows[doubtful], result.metric, k, space.norms)
        result.indices[doubtful], result.scores[doubtful], result.keys[doubtful] = indices, scores, keys
    return rows[doubtful]

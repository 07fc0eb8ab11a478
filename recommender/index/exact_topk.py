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

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import numpy as np
from numba import njit
from threadpoolctl import threadpool_limits

from . import topk_tiles

UNIT_ROUNDOFF = 2.0 ** -24
# The bounds below are first-order worst cases; doubling them covers the second-order terms.
SAFETY = 2.0
CHUNK_ROWS = 64


class Heaps(Protocol):
    """What ``certify`` reads of the kernel's state (topk.TileSpace)."""

    n: int
    kk: int
    matrix: np.ndarray
    norms: np.ndarray
    floor: np.ndarray
    sizes: np.ndarray


class KeyedLists(Protocol):
    """The lists ``certify`` corrects (topk.Neighbors with its float64 sort keys)."""

    metric: str
    indices: np.ndarray
    scores: np.ndarray
    keys: np.ndarray | None


def score_errors(norms: Sequence[float] | np.ndarray, metric: str, dimensions: int) -> np.ndarray:
    """Per row, a bound on |float32 score − exact score| of its pair with any row, in the heaps' units
    (cosine similarity; euclidean −‖a−b‖²/2). A float32 dot product of d terms is off by at most
    d·u·‖a‖‖b‖ in any summation order; the norms, their products and differences add a few roundings more."""
    norms = np.asarray(norms, dtype=np.float64)
    base = SAFETY * (dimensions + 6) * UNIT_ROUNDOFF
    if metric == "cosine":
        return np.full(len(norms), base)
    largest = float(norms.max()) if len(norms) else 0.0
    return base * (norms + largest) ** 2 / 2


def similarities(keys: np.ndarray, metric: str) -> np.ndarray:
    """Float64 sort keys (topk_tiles._exact) in the heaps' units, larger = better."""
    return -keys if metric == "cosine" else -keys / 2


def scores_of(keys: np.ndarray, metric: str) -> np.ndarray:
    """The stored score of each key: cosine similarity, or euclidean distance (NaN stays NaN)."""
    return (-keys if metric == "cosine" else np.sqrt(keys)).astype(np.float32)


def uncertain(last_keys: np.ndarray, floors: np.ndarray, full: np.ndarray, errors: np.ndarray, *,
              metric: str) -> np.ndarray:
    """Which rows the float32 cut may have decided: a full heap whose floor is within the bound of the
    row's last kept exact score (``last_keys``: the k-th key, NaN when fewer were found)."""
    last = similarities(np.asarray(last_keys, dtype=np.float64), metric)
    return np.asarray(full, dtype=bool) & ~(last > np.asarray(floors, dtype=np.float64) + errors)


def exact_top_k(matrix: np.ndarray, rows: Sequence[int] | np.ndarray, metric: str, k: int, *,
                norms: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(indices int32, scores float32, keys float64), each len(rows) × k: the exact best ``k`` other rows of
    each of ``rows`` by the float64 key, ties by lower position; padded with −1/NaN when fewer exist.

    Chunks of rows run on worker threads: one single-threaded BLAS product each, then a compiled pass
    (``_exact_rows``) that finds the k-th float32-derived score, keeps every column within twice the rounding
    bound of it and ranks those by exact key."""
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
    starts = range(0, len(rows) if found > 0 else 0, CHUNK_ROWS)
    local = threading.local()

    def run(start: int) -> None:
        chunk = rows[start:start + CHUNK_ROWS]
        if not hasattr(local, "product"):
            local.product = np.empty((CHUNK_ROWS, n), dtype=np.float32)
            local.candidates = np.empty(n, dtype=np.int64)
        product = local.product[:len(chunk)]
        np.matmul(matrix[chunk], matrix.T, out=product)
        _exact_rows(product, chunk, matrix, norms, inverse, half, errors, number, local.candidates,
                    indices[start:start + len(chunk), :found], keys[start:start + len(chunk), :found])

    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(min(2, len(starts)) or 1) as pool:
        list(pool.map(run, starts))
    return indices, scores_of(keys, metric), keys


@njit(nogil=True, cache=True)
def _exact_rows(product: np.ndarray, rows: np.ndarray, matrix: np.ndarray, norms: np.ndarray, inverse: np.ndarray,
                half: np.ndarray, errors: np.ndarray, metric: int, candidates: np.ndarray, out_indices: np.ndarray,
                out_keys: np.ndarray) -> None:
    """For each rows[r] (its float32 products with every row in ``product[r]``): the exact best
    ``out_indices.shape[1]`` others, ties by lower position, into out_indices/out_keys."""
    n, found = product.shape[1], out_indices.shape[1]
    heap = np.empty(found, dtype=np.float64)
    for r in range(rows.shape[0]):
        row = rows[r]
        # The found-th best float64 score derived from the float32 product: a min-heap of the best so far.
        size = 0
        for column in range(n):
            if column == row:
                continue
            score = _approximate(product[r, column], row, column, inverse, half, metric)
            if size < found:
                position = size
                size += 1
                while position > 0 and heap[(position - 1) // 2] > score:
                    heap[position] = heap[(position - 1) // 2]
                    position = (position - 1) // 2
                heap[position] = score
            elif score > heap[0]:
                position = 0
                while True:
                    child = 2 * position + 1
                    if child >= found:
                        break
                    if child + 1 < found and heap[child + 1] < heap[child]:
                        child += 1
                    if heap[child] < score:
                        heap[position] = heap[child]
                        position = child
                    else:
                        break
                heap[position] = score
        # Everything of the exact top k scores at least kth − error in float32, so at least kth − 2·error.
        limit = heap[0] - 2 * errors[row]
        count = 0
        for column in range(n):
            if column != row and _approximate(product[r, column], row, column, inverse, half, metric) >= limit:
                candidates[count] = column
                count += 1
        keys = np.empty(count, dtype=np.float64)
        for i in range(count):
            keys[i] = topk_tiles._exact(matrix, row, norms[row], matrix, candidates[i], norms[candidates[i]],
                                        metric)[0]
        order = np.argsort(keys, kind="mergesort")  # stable: candidates ascend, so ties keep the lower position
        for j in range(found):
            out_indices[r, j] = candidates[order[j]]
            out_keys[r, j] = keys[order[j]]


@njit(nogil=True, cache=True, inline="always")
def _approximate(value: float, row: int, column: int, inverse: np.ndarray, half: np.ndarray, metric: int) -> float:
    if metric == topk_tiles.COSINE:
        return np.float64(value) * (inverse[row] * inverse[column])
    return np.float64(value) - (half[row] + half[column])


def certify(space: Heaps, result: KeyedLists, rows: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
    """Recompute exactly, in place, the rows of ``result`` (index.TileSpace.best with keys, for ``rows`` that
    were offered every column) whose float32 cut may have decided them; returns those rows' positions."""
    rows = np.arange(space.n, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    k = result.indices.shape[1]
    if k == 0 or not len(rows):
        return rows[:0]
    if result.keys is None:
        raise ValueError("certify needs the float64 sort keys: TileSpace.best(..., with_keys=True)")
    number = topk_tiles.COSINE if result.metric == "cosine" else topk_tiles.EUCLIDEAN
    errors = score_errors(space.norms, result.metric, space.matrix.shape[1])[rows]
    doubtful = np.flatnonzero(uncertain(result.keys[:, -1], space.floor[number, rows],
                                        space.sizes[number, rows] == space.kk, errors, metric=result.metric))
    if len(doubtful):
        indices, scores, keys = exact_top_k(space.matrix, rows[doubtful], result.metric, k, norms=space.norms)
        result.indices[doubtful], result.scores[doubtful], result.keys[doubtful] = indices, scores, keys
    return rows[doubtful]

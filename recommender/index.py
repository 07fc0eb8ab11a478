"""Exact top-k neighbours of every track, by cosine similarity and by euclidean distance.

The N×N score matrix is never held: rows are processed in blocks (``block_rows`` × N float32, ~180 MB for
512 rows at 90k tracks), each block is one BLAS matrix product, and its top-k is selected without sorting
or partitioning whole rows, which at ~20 ns per element would cost minutes:

1. Columns are split into groups of ``g`` and the maximum of each group is taken (one vectorised pass).
2. The ``kk`` groups with the largest maxima are found by ``argpartition`` over the group maxima only.
   Every element of the true top-``kk`` lies in one of those groups: an element outside them is beaten by
   ``kk`` group maxima, i.e. by ``kk`` distinct elements.
3. ``argpartition`` over those ``kk × g`` candidates gives the top-``kk`` of the row.

The ``kk = k + 8`` float32 winners are then re-scored in float64 and sorted (ties by position), so float32
rounding can't reorder neighbours whose scores differ by more than ~1e-7. Exactly tied scores (duplicate
tracks) are resolved deterministically, though not always in favour of the lower position. Euclidean uses the identity
``argmin ‖a−b‖² = argmax (a·b − ‖b‖²/2)``, folded into the product by one extra column on each side.

Blocks are spread over ``n_jobs`` threads with BLAS limited to one thread each: numpy and BLAS release the
GIL, and one thread per core beats one multi-threaded BLAS followed by single-threaded selection.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

METRICS = ("cosine", "euclidean")
# Extra float32 candidates re-scored in float64 before the final cut.
MARGIN = 8
GROUP_SIZE = 32
DEFAULT_BLOCK_ROWS = 512
# Beyond 2·k, extra candidates so a track with many releases among its neighbours still gets k distinct songs.
SONG_MARGIN = 20


@dataclass
class Neighbors:
    """Row positions (int32, n × k) of each row's nearest other rows, best first, and their scores.

    Scores are cosine similarities (descending) or euclidean distances (ascending).
    """

    metric: str
    indices: np.ndarray
    scores: np.ndarray


def top_k_neighbors(matrix, k, metric="cosine", block_rows=DEFAULT_BLOCK_ROWS, n_jobs=None, progress=None):
    """Exact ``k`` nearest neighbours of every row of ``matrix`` among the other rows, by one metric.

    ``progress(done_rows, total_rows)`` is called from the calling thread after each block.
    ``k`` is capped at ``n - 1``. Returns a Neighbors.
    """
    return all_top_k(matrix, k, (metric,), block_rows, n_jobs, progress)[metric]


def all_top_k(matrix, k, metrics=METRICS, block_rows=DEFAULT_BLOCK_ROWS, n_jobs=None, progress=None):
    """Like top_k_neighbors for several metrics at once, sharing one matrix product per block.

    Both metrics rank a row's candidates from the same product ``G = A·Bᵀ``: cosine by ``G / ‖b‖`` (the
    row's own norm is a constant factor), euclidean by ``G − ‖b‖²/2``. Returns {metric: Neighbors}.
    """
    unknown = [metric for metric in metrics if metric not in METRICS]
    if unknown or not metrics:
        raise ValueError(f"unknown metric {unknown[0] if unknown else None!r}; expected one of {', '.join(METRICS)}")
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    n = matrix.shape[0]
    k = max(0, min(int(k), n - 1))
    if k == 0:
        return {metric: Neighbors(metric, np.empty((n, 0), np.int32), np.empty((n, 0), np.float32))
                for metric in metrics}
    # Euclidean last: it is ranked in place in the product buffer; cosine needs a second buffer before that.
    metrics = sorted(set(metrics), key=lambda metric: metric == "euclidean")
    kernel = _Kernel(matrix, k, metrics)
    n_jobs = max(1, min(n_jobs or os.cpu_count() or 1, 8))
    block_rows = max(1, min(block_rows, n))
    results = {metric: Neighbors(metric, np.empty((n, k), np.int32), np.empty((n, k), np.float32))
               for metric in metrics}
    buffers = _ThreadBuffers(block_rows, kernel.padded, 2 if len(metrics) > 1 else 1)
    done = 0
    # One BLAS thread per worker; with a single worker BLAS may use every core itself.
    with threadpool_limits(limits=1 if n_jobs > 1 else None, user_api="blas"):
        with ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="top-k") as pool:
            futures = {pool.submit(kernel.block, start, min(n, start + block_rows), buffers): start
                       for start in range(0, n, block_rows)}
            for future in as_completed(futures):
                start = futures[future]
                for metric, (indices, scores) in future.result().items():
                    results[metric].indices[start:start + len(indices)] = indices
                    results[metric].scores[start:start + len(scores)] = scores
                done += min(n, start + block_rows) - start
                if progress is not None:
                    progress(done, n)
    return results


class _ThreadBuffers:
    """Reusable score buffers per worker thread, so blocks don't page-fault fresh memory each time."""

    def __init__(self, rows, columns, count):
        self.rows, self.columns, self.count = rows, columns, count
        self.local = threading.local()

    def buffers(self):
        if not hasattr(self.local, "buffers"):
            self.local.buffers = [np.empty((self.rows, self.columns), dtype=np.float32) for _ in range(self.count)]
        return self.local.buffers


class _Kernel:
    def __init__(self, matrix, k, metrics):
        n, _ = matrix.shape
        self.n, self.k, self.metrics = n, k, metrics
        self.kk = min(k + MARGIN, n - 1)
        # Groups must outnumber kk or step 2 selects every group; small catalogs fall back to g=1 (plain rows).
        self.group = max(1, min(GROUP_SIZE, n // (4 * self.kk)))
        self.groups = -(-n // self.group)
        self.padded = self.groups * self.group
        self.matrix = matrix
        # Padding columns are zero rows (cheap, finite products), overwritten with -inf after each product.
        self.columns = np.zeros((self.padded, matrix.shape[1]), dtype=np.float32)
        self.columns[:n] = matrix
        squared = np.zeros(self.padded, dtype=np.float64)
        squared[:n] = np.einsum("ij,ij->i", matrix, matrix, dtype=np.float64)
        norms = np.sqrt(squared)
        self.norms = norms[:n]  # float64, for exact cosine re-scoring
        self.inverse_norms = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0).astype(np.float32)
        self.half_squared = (squared / 2).astype(np.float32)
        self.offsets = np.arange(self.group, dtype=np.int64) * self.groups

    def block(self, start, stop, buffers):
        rows = stop - start
        spaces = [buffer[:rows] for buffer in buffers.buffers()]
        products = spaces[0]
        np.matmul(self.matrix[start:stop], self.columns.T, out=products)
        results = {}
        for metric in self.metrics:
            if metric == "cosine":
                scores = spaces[-1] if len(self.metrics) > 1 else products
                np.multiply(products, self.inverse_norms, out=scores)
            else:
                scores = products
                np.subtract(products, self.half_squared, out=scores)
            scores[:, self.n:] = -np.inf
            scores[np.arange(rows), np.arange(start, stop)] = -np.inf  # a track is not its own neighbour
            results[metric] = self._rescore(metric, start, stop, self._top_candidates(scores))
        return results

    def _top_candidates(self, scores):
        """Column positions of each row's kk best float32 scores (unordered)."""
        rows, kk = scores.shape[0], self.kk
        if self.group == 1:
            return np.argpartition(scores, -kk, axis=1)[:, -kk:]
        # Group j holds columns j, j + groups, j + 2·groups, …: a strided view, so the max is a plain
        # element-wise maximum of ``group`` contiguous slabs.
        group_max = scores.reshape(rows, self.group, self.groups).max(axis=1)
        best_groups = np.argpartition(group_max, -kk, axis=1)[:, -kk:]
        columns = (best_groups[:, :, None] + self.offsets[None, None, :]).reshape(rows, -1)
        values = np.take_along_axis(scores, columns, axis=1)
        best = np.argpartition(values, -kk, axis=1)[:, -kk:]
        return np.take_along_axis(columns, best, axis=1)

    def _rescore(self, metric, start, stop, candidates):
        """Exact float64 scores of the candidates; the best k per row, equal scores ordered by position."""
        queries = self.matrix[start:stop].astype(np.float64)
        others = self.matrix[candidates].astype(np.float64)  # rows × kk × d
        if metric == "cosine":
            dots = np.einsum("rd,rkd->rk", queries, others)
            denominator = self.norms[start:stop, None] * self.norms[candidates]
            exact = np.divide(dots, denominator, out=np.zeros_like(dots), where=denominator > 0)
            order_key = -exact
        else:
            # The difference form (not ‖a‖² + ‖b‖² − 2a·b) keeps duplicates at exactly 0.
            difference = others - queries[:, None, :]
            exact = np.einsum("rkd,rkd->rk", difference, difference)
            order_key = exact
        order = np.lexsort((candidates, order_key), axis=1)[:, :self.k]
        indices = np.take_along_axis(candidates, order, axis=1).astype(np.int32)
        best = np.take_along_axis(exact, order, axis=1)
        if metric == "euclidean":
            best = np.sqrt(best)
        return indices, best.astype(np.float32)


def distinct_songs(neighbors, songs, k, chunk_rows=8192):
    """Each row's first ``k`` neighbours that are of a song not yet in the list nor the row's own song.

    ``neighbors`` holds more than ``k`` candidates per row (see ``candidates_for``); ``songs`` numbers each
    row's song (releases of one song share a number). Rows left with fewer than ``k`` distinct songs are
    padded with index -1 and score NaN; ``valid_counts`` gives the real length of each.
    """
    n, kk = neighbors.indices.shape
    k = min(k, kk)
    indices = np.full((n, k), -1, dtype=np.int32)
    scores = np.full((n, k), np.nan, dtype=np.float32)
    songs = np.asarray(songs, dtype=np.int64)
    for start in range(0, n, chunk_rows):
        stop = min(n, start + chunk_rows)
        candidates = neighbors.indices[start:stop]
        candidate_songs = songs[candidates]
        # First occurrence of each song along the row: a stable sort by song puts it first in its run.
        order = np.argsort(candidate_songs, axis=1, kind="stable")
        by_song = np.take_along_axis(candidate_songs, order, axis=1)
        first_sorted = np.ones_like(by_song, dtype=bool)
        first_sorted[:, 1:] = by_song[:, 1:] != by_song[:, :-1]
        first = np.empty_like(first_sorted)
        np.put_along_axis(first, order, first_sorted, axis=1)
        keep = first & (candidate_songs != songs[start:stop, None])
        # Kept candidates first, in their original (best-first) order.
        chosen = np.argsort(~keep, axis=1, kind="stable")[:, :k]
        valid = np.take_along_axis(keep, chosen, axis=1)
        indices[start:stop] = np.where(valid, np.take_along_axis(candidates, chosen, axis=1), -1)
        scores[start:stop] = np.where(valid, np.take_along_axis(neighbors.scores[start:stop], chosen, axis=1),
                                      np.nan)
    return Neighbors(neighbors.metric, indices, scores)


def valid_counts(neighbors):
    """Real list length per row (distinct_songs pads short rows with -1)."""
    return np.count_nonzero(neighbors.indices >= 0, axis=1)


def candidates_for(k):
    """How many neighbours to compute so that ``k`` distinct songs remain after ``distinct_songs``."""
    return 2 * k + SONG_MARGIN

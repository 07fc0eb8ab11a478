"""Exact top-k neighbours of every track, by cosine similarity and by euclidean distance.

The N×N score matrix is never held, nor even a row block of it: the rows are cut into blocks of ``tile``
rows and every pair of blocks (i ≤ j) is one small BLAS product ``A_i·A_jᵀ`` (1 MB at 512 × 512) whose
scores are offered, while the tile is still in cache, to bounded per-row heaps of both metrics and of
*both* row sets — so the product is computed once per pair, half of the full square (see topk_tiles.py).
A heap is only touched when a score beats that row's worst kept one, which after the first tiles is rare.

Each row keeps ``kk = k + 8`` float32 winners; those are re-scored in float64 and sorted, ties by position,
so float32 rounding can't reorder neighbours whose scores differ by more than ~1e-7 and the result doesn't
depend on the order tiles ran in. Euclidean ranks by ``a·b − ‖a‖²/2 − ‖b‖²/2`` (= −‖a−b‖²/2) from the same
product; cosine by ``a·b / (‖a‖‖b‖)``.

Block pairs run on ``n_jobs`` threads with BLAS limited to one thread each (numpy, BLAS and the compiled
selection release the GIL); a pair holds the locks of its two blocks, taken in order, while it feeds heaps.
Memory: the heaps (n × kk × 8 bytes per metric) and one tile per thread, which does not grow with n.
"""

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from . import exact_topk, merging, topk_tiles

METRICS = ("cosine", "euclidean")
METRIC_NUMBERS = {"cosine": topk_tiles.COSINE, "euclidean": topk_tiles.EUCLIDEAN}
# Extra float32 candidates re-scored in float64 before the final cut.
MARGIN = 8
DEFAULT_BLOCK_ROWS = 512
# Beyond 2·k, extra candidates so a track with many releases among its neighbours still gets k distinct songs.
SONG_MARGIN = 20
RESCORE_ROWS = 4096

# ``progress(done, total)``.
Progress = Callable[[int, int], object]


@dataclass
class Neighbors:
    """Row positions (int32, n × k) of each row's nearest other rows, best first, and their scores.

    Scores are cosine similarities (descending) or euclidean distances (ascending).
    """

    metric: str
    indices: np.ndarray
    scores: np.ndarray
    keys: np.ndarray | None = None


def top_k_neighbors(matrix: np.ndarray, k: int, metric: str = "cosine", block_rows: int = DEFAULT_BLOCK_ROWS, *,
                    n_jobs: int | None = None, progress: Progress | None = None) -> Neighbors:
    """Exact ``k`` nearest neighbours of every row of ``matrix`` among the other rows, by one metric.

    ``progress(done, total)`` is called from the calling thread as blocks finish.
    ``k`` is capped at ``n - 1``. Returns a Neighbors.
    """
    return all_top_k(matrix, k, (metric,), block_rows, n_jobs=n_jobs, progress=progress)[metric]


def all_top_k(matrix: np.ndarray, k: int, metrics: Sequence[str] = METRICS, block_rows: int = DEFAULT_BLOCK_ROWS, *,
              n_jobs: int | None = None, progress: Progress | None = None) -> dict[str, Neighbors]:
    """Like top_k_neighbors for several metrics at once, sharing one matrix product per block pair.

    Returns {metric: Neighbors}.
    """
    metrics = checked_metrics(metrics)
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    n = matrix.shape[0]
    k = max(0, min(int(k), n - 1))
    if k == 0:
        return {metric: Neighbors(metric, np.empty((n, 0), np.int32), np.empty((n, 0), np.float32))
                for metric in metrics}
    space = TileSpace(matrix, min(k + MARGIN, n - 1), block_rows)
    # Progress in rows (the share of block pairs done), like the callers expect.
    space.offer_all_pairs(metrics, n_jobs, progress and (lambda done, total: progress(n * done // total, n)))
    return space.exact_best(metrics, k, n_jobs=n_jobs)


def checked_metrics(metrics: Iterable[str]) -> tuple[str, ...]:
    metrics = tuple(metrics)
    unknown = [metric for metric in metrics if metric not in METRICS]
    if unknown or not metrics:
        raise ValueError(f"unknown metric {unknown[0] if unknown else None!r}; expected one of {', '.join(METRICS)}")
    return tuple(metric for metric in METRICS if metric in metrics)


def worker_count(n_jobs: int | None) -> int:
    return max(1, min(n_jobs or os.cpu_count() or 1, 8))


class TileSpace:
    """One matrix, its norms and the candidate heaps of every row; the unit the kernels feed.

    Used whole by a full build (``offer_all_pairs``) and partly by incremental updates and shards
    (``offer_queries``: some rows against every column).
    """

    def __init__(self, matrix: np.ndarray, kk: int, tile: int = DEFAULT_BLOCK_ROWS) -> None:
        self.matrix = matrix
        self.n = n = matrix.shape[0]
        self.kk = kk
        self.tile = max(1, min(int(tile), n))
        self.norms = topk_tiles.row_norms(matrix)
        squared = self.norms ** 2
        self.inverse_norms = np.divide(1.0, self.norms, out=np.zeros_like(self.norms),
                                       where=self.norms > 0).astype(np.float32)
        self.half_squared = (squared / 2).astype(np.float32)
        self.scores = np.full((2, n, kk), -np.inf, dtype=np.float32)
        self.items = np.full((2, n, kk), -1, dtype=np.int32)
        self.sizes = np.zeros((2, n), dtype=np.int32)
        self.floor = np.full((2, n), -np.inf, dtype=np.float32)
        self.no_queries = np.zeros(n, dtype=np.bool_)
        self._local = threading.local()

    def _buffer(self, rows: int, columns: int) -> np.ndarray:
        if not hasattr(self._local, "buffer"):
            self._local.buffer = np.empty(self.tile * self.tile, dtype=np.float32)
        return self._local.buffer[:rows * columns].reshape(rows, columns)

    def offer(self, metrics: Sequence[str], rows: np.ndarray, column_start: int, column_stop: int, *,
              diagonal: bool = False, column_side: bool = True, query_mask: np.ndarray | None = None) -> None:
        """Compute one product tile and feed it to the heaps (see topk_tiles.select_tile)."""
        product = self._buffer(len(rows), column_stop - column_start)
        if diagonal or (len(rows) and rows[-1] - rows[0] == len(rows) - 1):
            np.matmul(self.matrix[rows[0]:rows[-1] + 1], self.matrix[column_start:column_stop].T, out=product)
        else:
            np.matmul(self.matrix[rows], self.matrix[column_start:column_stop].T, out=product)
        topk_tiles.select_tile(product, rows, column_start, self.inverse_norms, self.half_squared, self.scores,
                               self.items, self.sizes, self.floor, "cosine" in metrics, "euclidean" in metrics,
                               diagonal, column_side, self.no_queries if query_mask is None else query_mask)

    def offer_all_pairs(self, metrics: Sequence[str], n_jobs: int | None = None,
                        progress: Progress | None = None) -> None:
        """Every block pair (i ≤ j) once: the full self-join."""
        blocks = -(-self.n // self.tile)
        work = [((i, j), (i, j)) for i, j in _pair_order(blocks)]
        positions = [np.arange(b * self.tile, min(self.n, (b + 1) * self.tile), dtype=np.int64)
                     for b in range(blocks)]

        def run(pair: tuple[int, int]) -> None:
            i, j = pair
            self.offer(metrics, positions[i], int(positions[j][0]), int(positions[j][-1]) + 1, diagonal=i == j)

        _run_locked(work, run, worker_count(n_jobs), progress)

    def offer_queries(self, metrics: Sequence[str], queries: Sequence[int] | np.ndarray, *, column_side: bool,
                      n_jobs: int | None = None, progress: Progress | None = None) -> None:
        """Rows ``queries`` (positions) against every column; with ``column_side`` the other rows learn
        of the queries too (queries never receive the column-side offer: their own rows cover it)."""
        queries = np.asarray(queries, dtype=np.int64)
        if not len(queries):
            return
        mask = np.zeros(self.n, dtype=np.bool_)
        mask[queries] = True
        chunks = [queries[start:start + self.tile] for start in range(0, len(queries), self.tile)]
        tiles = [(start, min(self.n, start + self.tile)) for start in range(0, self.n, self.tile)]
        # Column-side offers write the column tile's heaps; row-side ones the chunk's.
        work: list[tuple[tuple[tuple[int, int], ...], tuple[int, int]]] = [
            (((0, q), (1, t)) if column_side else ((0, q),), (q, t))
            for t in range(len(tiles)) for q in range(len(chunks))]
        work.sort(key=lambda item: (item[1][1] + item[1][0]) % len(tiles))

        def run(pair: tuple[int, int]) -> None:
            q, t = pair
            self.offer(metrics, chunks[q], *tiles[t], column_side=column_side, query_mask=mask)

        _run_locked(work, run, worker_count(n_jobs), progress)

    def seed(self, metric: str, rows: Sequence[int] | np.ndarray, candidates: np.ndarray) -> None:
        """Put known candidates (positions, −1 = none) into the heaps of ``rows`` before offering tiles."""
        number = METRIC_NUMBERS[metric]
        topk_tiles.seed(self.matrix, self.inverse_norms, self.half_squared, self.scores[number], self.items[number],
                        self.sizes[number], self.floor[number], np.asarray(rows, dtype=np.int64),
                        np.ascontiguousarray(candidates, dtype=np.int64), number)

    def best(self, metrics: Sequence[str], k: int, rows: Sequence[int] | np.ndarray | None = None,
             n_jobs: int | None = None, *, with_keys: bool = False) -> dict[str, Neighbors]:
        """{metric: Neighbors} of ``rows`` (default all): the exact best k of each row's candidates.

        ``with_keys``: each Neighbors also gets ``keys``, the float64 sort keys (see topk_tiles._exact).
        """
        positions = np.arange(self.n, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        results = {}
        for metric in metrics:
            number = METRIC_NUMBERS[metric]
            indices = np.empty((len(positions), k), dtype=np.int32)
            scores = np.empty((len(positions), k), dtype=np.float32)
            keys = np.empty((len(positions), k if with_keys else 0), dtype=np.float64)
            chunks = [(start, min(len(positions), start + RESCORE_ROWS))
                      for start in range(0, len(positions), RESCORE_ROWS)]

            def run(chunk: tuple[int, int], *, number: int = number, indices: np.ndarray = indices,
                    scores: np.ndarray = scores, keys: np.ndarray = keys) -> None:
                start, stop = chunk
                chunk_keys = keys[start:stop] if with_keys else np.empty((stop - start, k), dtype=np.float64)
                topk_tiles.rescore(self.matrix, self.norms, positions[start:stop], self.items[number],
                                   self.sizes[number], number, k, indices[start:stop], scores[start:stop],
                                   chunk_keys)

            with ThreadPoolExecutor(max_workers=worker_count(n_jobs)) as pool:
                list(pool.map(run, chunks))
            results[metric] = Neighbors(metric, indices, scores, keys if with_keys else None)
        return results

    def exact_best(self, metrics: Sequence[str], k: int, rows: Sequence[int] | np.ndarray | None = None,
                   n_jobs: int | None = None) -> dict[str, Neighbors]:
        """Like ``best`` for rows that were offered every column, with the rows whose float32 cut may have
        decided a near-tie recomputed exactly (exact_topk.py), so the result doesn't depend on the path."""
        results = self.best(metrics, k, rows, n_jobs, with_keys=True)
        for result in results.values():
            exact_topk.certify(self, result, rows)
            result.keys = None
        return results

    def forget(self, metric: str, rows: Sequence[int] | np.ndarray) -> None:
        """Empty one metric's heaps of ``rows`` (to compute them again from scratch)."""
        self.sizes[METRIC_NUMBERS[metric], rows] = 0
        self.floor[METRIC_NUMBERS[metric], rows] = -np.inf


def _pair_order(blocks: int) -> list[tuple[int, int]]:
    """Block pairs (i ≤ j) diagonal by diagonal — each row's heap fills from its own block first — with
    neighbouring entries sharing no block, so two threads rarely wait on each other's locks."""
    order: list[tuple[int, int]] = []
    for offset in range(blocks):
        starts = list(range(0, blocks - offset))
        for parity in (0, 1):
            order.extend((i, i + offset) for i in starts if (i // max(1, offset)) % 2 == parity)
    return order


def _run_locked(work: Sequence[tuple[Sequence[Any], Any]], run: Callable[[Any], None], n_jobs: int,
                progress: Progress | None) -> int:
    """Run ``run(payload)`` for each (lock keys, payload) on ``n_jobs`` threads, holding the keys' locks."""
    locks: dict[Any, threading.Lock] = {}
    for keys, _payload in work:
        for key in keys:
            locks.setdefault(key, threading.Lock())
    total, done = len(work), 0

    def task(item: tuple[Sequence[Any], Any]) -> None:
        keys, payload = item
        held = [locks[key] for key in sorted(set(keys))]
        for lock in held:
            lock.acquire()
        try:
            run(payload)
        finally:
            for lock in reversed(held):
                lock.release()

    # One BLAS thread per worker; with a single worker BLAS may use every core itself.
    with threadpool_limits(limits=1 if n_jobs > 1 else None, user_api="blas"):
        with ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="top-k") as pool:
            step = max(1, total // 200)
            for done, _ in enumerate(pool.map(task, work), start=1):
                if progress is not None and (done % step == 0 or done == total):
                    progress(done, total)
    return done


def distinct_songs(neighbors: Neighbors, songs: Sequence[int] | np.ndarray, k: int,
                   rows: Sequence[int] | np.ndarray | None = None) -> Neighbors:
    """Each row's first ``k`` neighbours that are of a song not yet in the list nor the row's own song.

    ``neighbors`` holds more than ``k`` candidates per row (see ``candidates_for``); ``songs`` numbers each
    row's song (releases of one song share a number). Rows left with fewer than ``k`` distinct songs are
    padded with index -1 and score NaN; ``valid_counts`` gives the real length of each. Candidates -1 (the
    padding of a shorter list) are skipped. ``rows``: the positions of ``neighbors``' rows among all tracks, when
    they are not all of them in order (a shard of a distributed build). One compiled pass (merging.first_songs).
    """
    n, kk = neighbors.indices.shape
    k = min(k, kk)
    song_numbers = np.asarray(songs, dtype=np.int64)
    own = song_numbers[:n] if rows is None else song_numbers[np.asarray(rows)]
    indices = np.empty((n, k), dtype=np.int32)
    scores = np.empty((n, k), dtype=np.float32)
    merging.first_songs(indices=neighbors.indices, scores=neighbors.scores, songs=song_numbers, own_songs=own,
                        out=indices, out_scores=scores)
    return Neighbors(neighbors.metric, indices, scores)


def valid_counts(neighbors: Neighbors) -> np.ndarray:
    """Real list length per row (distinct_songs pads short rows with -1)."""
    return np.count_nonzero(neighbors.indices >= 0, axis=1)


def candidates_for(k: int) -> int:
    """How many neighbours to compute so that ``k`` distinct songs remain after ``distinct_songs``."""
    return 2 * k + SONG_MARGIN

"""Approximate neighbour lists for catalogs too large for the exact N² build: an inverted file (IVF).

Optional (``rebuild_index --approximate`` / ``RECOMMENDER_APPROXIMATE``); the exact kernel (index.py) stays the
default. Per metric, faiss k-means on a sample of rows in that metric's space — unit rows for cosine, weighted
rows for euclidean — gives ``nlist`` centroids; each row joins the list of its nearest centroid and is compared
only with the rows of the ``nprobe`` lists whose centroids are nearest to it (about nprobe / nlist of the
catalog instead of all of it). Rows are taken in blocks sorted by their list, so the block's rows that probe
one list are a single BLAS product against it, whose scores feed bounded heaps as in the exact kernel
(topk_tiles.push). The kept candidates are then re-scored in float64 and sorted like the exact kernel's
(by exact key, ties by lower position; ``candidate_keys``): every score is exact and the order among found
neighbours is the exact order; what can differ is membership — a true neighbour in a list that wasn't probed is
missed and the next one moves up.

``measure_recall`` says how much: for a random sample of rows it computes the exact lists (each sampled row
against every row, folded to distinct songs like the stored lists) and counts how many of each stored list's
entries score at least as well as the exact list's last one (so members of a tie group count alike).

Memory: one metric at a time, its heaps (n × width × 8 bytes) become its lists; the probes (n × nprobe int32).
"""

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numba import njit
from threadpoolctl import threadpool_limits

from . import exact_topk, topk_tiles
from .topk import METRIC_NUMBERS, Neighbors, distinct_songs, valid_counts, worker_count

# Rows per k-means list when nlist is left to the build (0): the work per row is nprobe × this × dimensions.
LIST_ROWS = 256
# k-means: training rows per centroid (faiss warns below 39) and iterations.
TRAIN_ROWS_PER_LIST = 64
KMEANS_ITERATIONS = 20
# Rows whose probes are grouped into one pass over the lists they probe (larger: bigger, fewer products).
BLOCK_ROWS = 8192
ASSIGN_ROWS = 65_536
RESCORE_ROWS = 4096
SAMPLE_COLUMNS = 8192

# ``progress(fraction)``, the share of the work done.
FractionProgress = Callable[[float], object]


def list_count(n: int, nlist: int = 0) -> int:
    """The number of k-means lists for n rows: ``nlist`` when given, else about n / LIST_ROWS; at most n."""
    return max(1, min(n, int(nlist) if nlist else round(n / LIST_ROWS)))


def approximate_lists(weighted: np.ndarray, normalized: np.ndarray, songs: np.ndarray, k: int, *, width: int,
                      metrics: Sequence[str], nlist: int = 0, nprobe: int = 32, n_jobs: int | None = None,
                      seed: int = 0, progress: FractionProgress | None = None) -> dict[str, Neighbors]:
    """{metric: Neighbors}: each row's first ``k`` distinct songs (index.distinct_songs) among its ``width``
    best IVF candidates, scores exact. ``weighted``: the euclidean space; ``normalized``: its unit rows (cosine).

    ``progress(fraction)`` is called as rows are done.
    """
    n = weighted.shape[0]
    width = max(0, min(int(width), n - 1))
    norms = topk_tiles.row_norms(weighted)
    results = {}
    for number, metric in enumerate(metrics):
        report = None
        if progress is not None:
            def report(fraction: float, *, number: int = number, progress: FractionProgress = progress) -> None:
                progress((number + fraction) / len(metrics))
        found = ivf_top(weighted, normalized, norms, metric, width=width, nlist=nlist, nprobe=nprobe, n_jobs=n_jobs,
                        seed=seed, progress=report)
        results[metric] = distinct_songs(found, songs, k)
        del found
    return results


def ivf_top(weighted: np.ndarray, normalized: np.ndarray, norms: np.ndarray, metric: str, *, width: int, nlist: int = 0,
            nprobe: int = 32, n_jobs: int | None = None, seed: int = 0,
            progress: FractionProgress | None = None) -> Neighbors:
    """Neighbors of every row: its ``width`` best candidates among the rows of the lists it probes, by exact
    score (cosine similarity descending, euclidean distance ascending), −1/NaN padded."""
    space = normalized if metric == "cosine" else weighted
    space = np.ascontiguousarray(space, dtype=np.float32)
    n = space.shape[0]
    lists = list_count(n, nlist)
    nprobe = max(1, min(int(nprobe), lists))
    workers = worker_count(n_jobs)
    euclidean = metric == "euclidean"
    half = (np.einsum("ij,ij->i", space, space, dtype=np.float64) / 2).astype(np.float32) if euclidean else \
        np.zeros(n, dtype=np.float32)
    probes = _probes(space, lists, nprobe, euclidean, workers=workers, seed=seed)
    primary = probes[:, 0]
    order = np.argsort(primary, kind="stable")
    starts = np.searchsorted(primary[order], np.arange(lists + 1))
    scores = np.full((n, width), -np.inf, dtype=np.float32)
    items = np.full((n, width), -1, dtype=np.int32)
    sizes = np.zeros(n, dtype=np.int32)
    floor = np.full(n, -np.inf, dtype=np.float32)
    blocks = [order[start:start + BLOCK_ROWS] for start in range(0, n, BLOCK_ROWS)] if width else []

    def run(rows: np.ndarray) -> None:
        # The block's (row, list) pairs grouped by list: one product per list against its rows. Lists that are
        # some row's nearest go first, so heaps fill with good candidates and later lists rarely push.
        pairs = probes[rows].ravel()
        by_list = np.argsort(pairs, kind="stable")
        listed = pairs[by_list]
        queries = rows[by_list // nprobe]
        firsts = np.r_[0, np.flatnonzero(np.diff(listed)) + 1]
        lasts = np.r_[firsts[1:], len(listed)]
        nearest = np.minimum.reduceat(by_list % nprobe, firsts)
        for group in np.argsort(nearest, kind="stable").tolist():
            number = listed[firsts[group]]
            members = order[starts[number]:starts[number + 1]]
            if not len(members):
                continue
            asking = queries[firsts[group]:lasts[group]]
            product = space[asking] @ space[members].T
            select(product, asking, asking, members, half[asking], half[members], scores, items, sizes, floor,
                   euclidean)

    _run_threads(run, blocks, workers, progress, share=0.9)
    probes = np.empty((0, nprobe), dtype=np.int32)  # frees the n × nprobe probes before the rescoring allocates
    _rescore_in_place(weighted, norms, metric, items, scores=scores, workers=workers)
    if progress:
        progress(1.0)
    return Neighbors(metric, items, scores)


def _probes(space: np.ndarray, lists: int, nprobe: int, euclidean: bool, *, workers: int, seed: int) -> np.ndarray:
    """int32 n × nprobe: each row's nearest k-means centroids, nearest first (faiss k-means and flat search)."""
    # Only approximate builds load faiss; its loader logs each CPU-specific build it tries at INFO.
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)
    import faiss

    faiss.omp_set_num_threads(workers)
    n, dimensions = space.shape
    training = space
    if n > lists * TRAIN_ROWS_PER_LIST:
        chosen = np.random.default_rng(seed).choice(n, size=lists * TRAIN_ROWS_PER_LIST, replace=False)
        training = space[np.sort(chosen)]
    kmeans = faiss.Kmeans(dimensions, lists, niter=KMEANS_ITERATIONS, seed=seed + 1, spherical=not euclidean,
                          max_points_per_centroid=TRAIN_ROWS_PER_LIST, min_points_per_centroid=1)
    kmeans.train(np.ascontiguousarray(training))
    centroids = faiss.IndexFlatL2(dimensions) if euclidean else faiss.IndexFlatIP(dimensions)
    centroids.add(kmeans.centroids)
    probes = np.empty((n, nprobe), dtype=np.int32)
    for start in range(0, n, ASSIGN_ROWS):
        probes[start:start + ASSIGN_ROWS] = centroids.search(space[start:start + ASSIGN_ROWS], nprobe)[1]
    return probes


@njit(nogil=True, cache=True)
def select(product: np.ndarray, heap_rows: np.ndarray, queries: np.ndarray, columns: np.ndarray,
           half_queries: np.ndarray, half_columns: np.ndarray, scores: np.ndarray, items: np.ndarray, sizes: np.ndarray,
           floor: np.ndarray, euclidean: bool) -> None:
    """Feed a product (queries × columns) to the heaps ``heap_rows`` (one per query), skipping a query's own
    position. Scores: the product (unit rows: cosine) or product − ‖a‖²/2 − ‖b‖²/2 (= −‖a−b‖²/2)."""
    for r in range(product.shape[0]):
        row, query = heap_rows[r], queries[r]
        worst = floor[row]
        for c in range(product.shape[1]):
            column = columns[c]
            if column == query:
                continue
            score = product[r, c]
            if euclidean:
                score = score - half_queries[r] - half_columns[c]
            if score >= worst:
                topk_tiles.push(scores, items, sizes, floor, row, score, column)
                worst = floor[row]


def _rescore_in_place(matrix: np.ndarray, norms: np.ndarray, metric: str, items: np.ndarray, *, scores: np.ndarray,
                      workers: int) -> None:
    """Each row's candidates re-scored in float64 and sorted (ties: lower position), written over the heaps."""
    n = items.shape[0]

    def run(start: int) -> None:
        stop = min(n, start + RESCORE_ROWS)
        items[start:stop], scores[start:stop] = _sorted_exactly(
            matrix, norms, np.arange(start, stop, dtype=np.int64), items[start:stop], metric=metric)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, range(0, n, RESCORE_ROWS)))


def _sorted_exactly(matrix: np.ndarray, norms: np.ndarray, rows: np.ndarray, candidates: np.ndarray, *,
                    metric: str) -> tuple[np.ndarray, np.ndarray]:
    """(int32 positions, float32 scores) of each row's candidates (−1 = none) by exact key, ties by lower
    position, missing ones last as −1/NaN."""
    candidates = np.asarray(candidates)
    keys = candidate_keys(matrix, norms, rows, candidates, METRIC_NUMBERS[metric])
    order = np.lexsort((candidates, keys), axis=1)
    keys = np.take_along_axis(keys, order, axis=1)
    missing = np.isinf(keys)
    indices = np.where(missing, -1, np.take_along_axis(candidates, order, axis=1)).astype(np.int32)
    return indices, np.where(missing, np.nan, exact_topk.scores_of(np.where(missing, 0.0, keys), metric))


@njit(nogil=True, cache=True, fastmath=True)
def candidate_keys(matrix: np.ndarray, norms: np.ndarray, rows: np.ndarray, candidates: np.ndarray,
                   metric: int) -> np.ndarray:
    """Float64 sort keys (−cosine similarity, or squared distance) of each row's candidates; inf where −1.

    Like topk_tiles._exact but summed in any order (vectorised): an approximate list need not match the exact
    kernel's rounding bit for bit, only be scored consistently within itself and its recall sample."""
    keys = np.full(candidates.shape, np.inf, dtype=np.float64)
    for i in range(rows.shape[0]):
        row = rows[i]
        for j in range(candidates.shape[1]):
            other = candidates[i, j]
            if other < 0:
                continue
            total = 0.0
            if metric == topk_tiles.COSINE:
                for d in range(matrix.shape[1]):
                    total += np.float64(matrix[row, d]) * np.float64(matrix[other, d])
                denominator = norms[row] * norms[other]
                keys[i, j] = -(total / denominator) if denominator > 0 else 0.0
            else:
                for d in range(matrix.shape[1]):
                    difference = np.float64(matrix[other, d]) - np.float64(matrix[row, d])
                    total += difference * difference
                keys[i, j] = total
    return keys


def _run_threads(run: Callable[[Any], None], blocks: Sequence[Any], workers: int,
                 progress: FractionProgress | None, *, share: float) -> None:
    """``run(block)`` on ``workers`` threads (BLAS one thread each), reporting ``share`` of progress."""
    with threadpool_limits(limits=1 if workers > 1 else None, user_api="blas"):
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ivf") as pool:
            step = max(1, len(blocks) // 100)
            for done, _ in enumerate(pool.map(run, blocks), start=1):
                if progress and (done % step == 0 or done == len(blocks)):
                    progress(share * done / len(blocks))


def sample_rows(n: int, size: int, seed: int = 0) -> np.ndarray:
    """Sorted positions of ``size`` distinct random rows (all rows when n ≤ size)."""
    if n <= size:
        return np.arange(n, dtype=np.int64)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False)).astype(np.int64)


def exact_sample(weighted: np.ndarray, normalized: np.ndarray, norms: np.ndarray, rows: np.ndarray, *, metric: str,
                 width: int, n_jobs: int | None = None) -> Neighbors:
    """Neighbors of ``rows`` only: their exact ``width`` best among every row (every column offered to
    heaps of the sample alone, candidates re-scored in float64; ties by lower position)."""
    space = np.ascontiguousarray(normalized if metric == "cosine" else weighted, dtype=np.float32)
    n = space.shape[0]
    width = max(0, min(int(width), n - 1))
    kk = min(width + 8, n - 1)
    euclidean = metric == "euclidean"
    half = (np.einsum("ij,ij->i", space, space, dtype=np.float64) / 2).astype(np.float32) if euclidean else \
        np.zeros(n, dtype=np.float32)
    local = np.arange(len(rows), dtype=np.int64)
    scores = np.full((len(rows), kk), -np.inf, dtype=np.float32)
    items = np.full((len(rows), kk), -1, dtype=np.int32)
    sizes = np.zeros(len(rows), dtype=np.int32)
    floor = np.full(len(rows), -np.inf, dtype=np.float32)
    chunks = [(start, min(len(rows), start + 512)) for start in range(0, len(rows), 512)]

    def run(chunk: tuple[int, int]) -> None:
        start, stop = chunk
        for column in range(0, n, SAMPLE_COLUMNS):
            columns = np.arange(column, min(n, column + SAMPLE_COLUMNS), dtype=np.int64)
            product = space[rows[start:stop]] @ space[column:column + SAMPLE_COLUMNS].T
            select(product, local[start:stop], rows[start:stop], columns, half[rows[start:stop]], half[columns],
                   scores, items, sizes, floor, euclidean)

    _run_threads(run, chunks, worker_count(n_jobs), None, share=1.0)
    indices, found = _sorted_exactly(weighted, norms, rows, items, metric=metric)
    return Neighbors(metric, np.ascontiguousarray(indices[:, :width]), np.ascontiguousarray(found[:, :width]))


def measure_recall(weighted: np.ndarray, normalized: np.ndarray, songs: np.ndarray, lists: dict[str, Neighbors], *,
                   k: int, width: int, rows: np.ndarray, n_jobs: int | None = None) -> dict[str, float]:
    """{metric: recall@k} of the folded lists ``lists`` ({metric: Neighbors}, every row) on ``rows``.

    Per row, the share of the exact folded list's entries matched: an entry of the stored list scoring at least
    as well as the exact list's last entry is a match (ties count alike), at most as many as the exact list has.
    """
    norms = topk_tiles.row_norms(weighted)
    recall = {}
    for metric, stored in lists.items():
        sample = exact_sample(weighted, normalized, norms, rows, metric=metric, width=width, n_jobs=n_jobs)
        exact = distinct_songs(sample, songs, k, rows=rows)
        expected = valid_counts(exact)
        last = np.take_along_axis(exact.scores, np.maximum(expected - 1, 0)[:, None], axis=1)[:, 0]
        found = stored.scores[rows]
        with np.errstate(invalid="ignore"):
            good = found >= last[:, None] if metric == "cosine" else found <= last[:, None]
        matched = np.minimum(np.count_nonzero(good & (stored.indices[rows] >= 0), axis=1), expected)
        shares = np.divide(matched, expected, out=np.ones(len(rows)), where=expected > 0)
        recall[metric] = round(float(shares.mean()) if len(rows) else 1.0, 6)
    return recall


"""Compiled inner loops of the exact top-k kernel (numba): bounded per-row heaps fed from cache-sized tiles.

Every row keeps its ``kk`` best candidates so far in a min-heap ordered by (float32 score, then lower position
wins a tie), so the result doesn't depend on the order tiles are visited in. A tile's scores are compared with
each row's current worst kept score while the tile is still in cache; only the rare winner touches a heap.
Both metrics come from one product tile ``P = A_i·A_jᵀ`` of the weighted vectors: cosine is
``P / (‖a‖‖b‖)`` and euclidean ranks by ``P − ‖a‖²/2 − ‖b‖²/2`` (= −‖a−b‖²/2), both symmetric in a and b, so
one tile serves the rows of block i *and* of block j.

Heaps are arrays: ``scores[n, kk]`` float32, ``items[n, kk]`` int32 positions, ``sizes[n]``; ``floor[n]`` is
the worst kept score of a full heap (−inf until full), the cheap first test.
"""

import numpy as np
from numba import njit

COSINE, EUCLIDEAN = 0, 1


@njit(nogil=True, cache=True, inline="always")
def _worse(score_a: float, item_a: int, score_b: float, item_b: int) -> bool:
    return score_a < score_b or (score_a == score_b and item_a > item_b)


@njit(nogil=True, cache=True)
def push(scores: np.ndarray, items: np.ndarray, sizes: np.ndarray, floor: np.ndarray, row: int, score: float,
         item: int) -> None:
    """Offer (score, item) to the heap of ``row``; keeps the kk best."""
    kk = scores.shape[1]
    size = sizes[row]
    if size < kk:
        # Sift up from the end.
        position = size
        sizes[row] = size + 1
        while position > 0:
            parent = (position - 1) // 2
            if _worse(score, item, scores[row, parent], items[row, parent]):
                scores[row, position] = scores[row, parent]
                items[row, position] = items[row, parent]
                position = parent
            else:
                break
        scores[row, position] = score
        items[row, position] = item
        if size + 1 == kk:
            floor[row] = scores[row, 0]
        return
    if _worse(score, item, scores[row, 0], items[row, 0]) or (score == scores[row, 0] and item == items[row, 0]):
        return
    # Replace the root (the worst kept) and sift down.
    position = 0
    while True:
        child = 2 * position + 1
        if child >= kk:
            break
        if child + 1 < kk and _worse(scores[row, child + 1], items[row, child + 1], scores[row, child],
                                     items[row, child]):
            child += 1
        if _worse(scores[row, child], items[row, child], score, item):
            scores[row, position] = scores[row, child]
            items[row, position] = items[row, child]
            position = child
        else:
            break
    scores[row, position] = score
    items[row, position] = item
    floor[row] = scores[row, 0]


@njit(nogil=True, cache=True)
def select_tile(product: np.ndarray, rows: np.ndarray, column_start: int, inverse_norms: np.ndarray,
                half_squared: np.ndarray, heaps_scores: np.ndarray, heaps_items: np.ndarray, heaps_sizes: np.ndarray,
                heaps_floor: np.ndarray, use_cosine: bool, use_euclidean: bool, diagonal: bool, column_side: bool,
                query_mask: np.ndarray) -> None:
    """Feed one product tile (rows × columns) to the heaps of its rows and, when ``column_side``, its columns.

    ``rows``: global positions of the tile's rows; columns are ``column_start + c``. ``diagonal``: the tile is
    block i against itself — only c > r is read (both sides), so each pair is offered once per side. Otherwise
    a column equal to its row (a track against itself) is skipped. Columns with ``query_mask`` set never get
    the column-side offer (their own rows are processed as queries). Heaps are indexed [metric][position].
    """
    n_rows, n_columns = product.shape
    cos_scores, euc_scores = heaps_scores[COSINE], heaps_scores[EUCLIDEAN]
    cos_items, euc_items = heaps_items[COSINE], heaps_items[EUCLIDEAN]
    cos_sizes, euc_sizes = heaps_sizes[COSINE], heaps_sizes[EUCLIDEAN]
    cos_floor, euc_floor = heaps_floor[COSINE], heaps_floor[EUCLIDEAN]
    for r in range(n_rows):
        row = rows[r]
        inverse_row, half_row = inverse_norms[row], half_squared[row]
        first = r + 1 if diagonal else 0
        for c in range(first, n_columns):
            column = column_start + c
            if column == row:
                continue
            value = product[r, c]
            back = column_side and not query_mask[column]
            if use_cosine:
                score = value * inverse_row * inverse_norms[column]
                if score >= cos_floor[row]:
                    push(cos_scores, cos_items, cos_sizes, cos_floor, row, score, column)
                if back and score >= cos_floor[column]:
                    push(cos_scores, cos_items, cos_sizes, cos_floor, column, score, row)
            if use_euclidean:
                score = value - half_row - half_squared[column]
                if score >= euc_floor[row]:
                    push(euc_scores, euc_items, euc_sizes, euc_floor, row, score, column)
                if back and score >= euc_floor[column]:
                    push(euc_scores, euc_items, euc_sizes, euc_floor, column, score, row)


@njit(nogil=True, cache=True)
def row_norms(matrix: np.ndarray) -> np.ndarray:
    """Float64 norms of float32 rows, summed in the same order as the exact scores below."""
    norms = np.empty(matrix.shape[0], dtype=np.float64)
    for row in range(matrix.shape[0]):
        total = 0.0
        for d in range(matrix.shape[1]):
            total += np.float64(matrix[row, d]) * np.float64(matrix[row, d])
        norms[row] = np.sqrt(total)
    return norms


@njit(nogil=True, cache=True, inline="always")
def _exact(first: np.ndarray, row: int, norm_row: float, second: np.ndarray, other: int, norm_other: float,
           metric: int) -> tuple[float, float]:
    """(sort key, score) of a pair in float64: (−similarity, similarity) or (squared distance, distance).

    The difference form (not ‖a‖² + ‖b‖² − 2a·b) keeps duplicate tracks at exactly 0.
    """
    total = 0.0
    if metric == COSINE:
        for d in range(first.shape[1]):
            total += np.float64(first[row, d]) * np.float64(second[other, d])
        denominator = norm_row * norm_other
        value = total / denominator if denominator > 0 else 0.0
        return -value, value
    for d in range(first.shape[1]):
        difference = np.float64(second[other, d]) - np.float64(first[row, d])
        total += difference * difference
    return total, np.sqrt(total)


@njit(nogil=True, cache=True)
def pair_keys(first: np.ndarray, first_norms: np.ndarray, rows: np.ndarray, second: np.ndarray,
              second_norms: np.ndarray, others: np.ndarray, metric: int) -> np.ndarray:
    """Exact sort keys of pairs (first[rows[i]], second[others[i]]); NaN where others[i] < 0."""
    keys = np.full(rows.shape[0], np.nan, dtype=np.float64)
    for i in range(rows.shape[0]):
        if others[i] >= 0:
            keys[i] = _exact(first, rows[i], first_norms[rows[i]], second, others[i], second_norms[others[i]],
                             metric)[0]
    return keys


@njit(nogil=True, cache=True)
def rescore(matrix: np.ndarray, norms: np.ndarray, rows: np.ndarray, candidates: np.ndarray, sizes: np.ndarray,
            metric: int, k: int, out_items: np.ndarray, out_scores: np.ndarray, out_keys: np.ndarray) -> None:
    """Exact float64 scores of each row's candidates; the best ``k`` (ties: lower position) into out_*.

    Cosine similarities descend, euclidean distances ascend; ``out_keys`` gets the sort keys. Rows with
    fewer candidates are padded with −1 (and NaN).
    """
    kk = candidates.shape[1]
    keys = np.empty(kk, dtype=np.float64)
    values = np.empty(kk, dtype=np.float64)
    order = np.empty(kk, dtype=np.int64)
    for index in range(rows.shape[0]):
        row = rows[index]
        size = sizes[row]
        for j in range(size):
            keys[j], values[j] = _exact(matrix, row, norms[row], matrix, candidates[row, j],
                                        norms[candidates[row, j]], metric)
            order[j] = j
        # Insertion sort by (key, position): kk is small.
        for j in range(1, size):
            current = order[j]
            position = j
            while position > 0 and (keys[order[position - 1]] > keys[current] or (
                    keys[order[position - 1]] == keys[current]
                    and candidates[row, order[position - 1]] > candidates[row, current])):
                order[position] = order[position - 1]
                position -= 1
            order[position] = current
        for j in range(k):
            if j < size:
                out_items[index, j] = candidates[row, order[j]]
                out_scores[index, j] = values[order[j]]
                out_keys[index, j] = keys[order[j]]
            else:
                out_items[index, j] = -1
                out_scores[index, j] = np.nan
                out_keys[index, j] = np.nan


@njit(nogil=True, cache=True)
def seed(matrix: np.ndarray, inverse_norms: np.ndarray, half_squared: np.ndarray, scores: np.ndarray, items: np.ndarray,
         sizes: np.ndarray, floor: np.ndarray, rows: np.ndarray, candidates: np.ndarray, metric: int) -> None:
    """Offer known candidates (positions, −1 = none) of ``rows`` to one metric's heaps before any tile."""
    for index in range(rows.shape[0]):
        row = rows[index]
        for j in range(candidates.shape[1]):
            other = candidates[index, j]
            if other < 0 or other == row:
                continue
            total = np.float32(0.0)
            for d in range(matrix.shape[1]):
                total += matrix[row, d] * matrix[other, d]
            if metric == COSINE:
                score = total * inverse_norms[row] * inverse_norms[other]
            else:
                score = total - half_squared[row] - half_squared[other]
            push(scores, items, sizes, floor, row, score, other)

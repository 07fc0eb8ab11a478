"""Compiled loops of incremental updates (numba): new rows scanned against every row, old lists merged.

``scan_tile`` reads one product tile of new rows × all rows once and feeds both directions: each new row's
candidate heap (kept in compact arrays, one row per new track), and, for every old row, the new tracks whose
float32 score could beat the last entry of that row's old list (a threshold per row and metric, already
lowered by the float32 error bound). ``merge_rows`` inserts those new tracks, by exact float64 key, into each
old row's surviving list; the old entries' keys are computed only where a binary search needs them.
"""

import numpy as np
from numba import njit

from . import topk_tiles


@njit(nogil=True, cache=True)
def scan_tile(product, queries, query_offset, column_start, inverse_norms, half_squared, heap_scores, heap_items,
              heap_sizes, heap_floor, thresholds, pair_queries, pair_columns, pair_counts):
    """Offer tile ``product`` (rows ``queries`` × columns from ``column_start``) to the compact heaps (row
    ``query_offset + r`` for query r; [metric][row]) and record (query, column) pairs whose score reaches the
    column's threshold ([metric][column]; +inf for a column that takes no new candidates). Pairs beyond the
    buffers' capacity are counted but not stored (the caller scans again with bigger buffers)."""
    n_rows, n_columns = product.shape
    capacity = pair_queries.shape[1]
    for r in range(n_rows):
        row = queries[r]
        q = query_offset + r
        inverse_row, half_row = inverse_norms[row], half_squared[row]
        for c in range(n_columns):
            column = column_start + c
            if column == row:
                continue
            value = product[r, c]
            for metric in range(2):
                if metric == topk_tiles.COSINE:
                    score = value * inverse_row * inverse_norms[column]
                else:
                    score = value - half_row - half_squared[column]
                if score >= heap_floor[metric, q]:
                    topk_tiles.push(heap_scores[metric], heap_items[metric], heap_sizes[metric], heap_floor[metric],
                                    q, score, column)
                if score >= thresholds[metric, column]:
                    count = pair_counts[metric]
                    if count < capacity:
                        pair_queries[metric, count] = row
                        pair_columns[metric, count] = column
                    pair_counts[metric] = count + 1


@njit(nogil=True, cache=True)
def merge_rows(matrix, norms, metric, rows, old_lists, old_scores, old_rows, new_positions, pointers, candidates,
               candidate_keys, candidate_scores, out, out_scores):
    """For each ``rows[i]``: its old list (track ids ``old_lists[old_rows[i]]`` in exact order, scores beside;
    ``new_positions`` maps a track id to its new position, −1 when taken out, and its last slot answers −1)
    merged with its new candidates ``candidates[pointers[i]:pointers[i + 1]]`` (sorted by key, then position,
    each ranking ahead of the old list's last entry), cut to ``out``'s width; −1/NaN pad."""
    width = out.shape[1]
    kept = np.empty(old_lists.shape[1], dtype=np.int64)
    kept_scores = np.empty(old_lists.shape[1], dtype=np.float32)
    cache = np.empty(old_lists.shape[1], dtype=np.float64)
    for i in range(rows.shape[0]):
        row, old = rows[i], old_rows[i]
        m = 0
        for j in range(old_lists.shape[1]):
            position = new_positions[old_lists[old, j]]
            if position >= 0:
                kept[m] = position
                kept_scores[m] = old_scores[old, j]
                cache[m] = np.nan
                m += 1
        written, start = 0, 0
        for c in range(pointers[i], pointers[i + 1]):
            if written >= width:
                break
            key, item = candidate_keys[c], candidates[c]
            low, high = start, m
            while low < high:  # the first old entry ranking behind the candidate
                middle = (low + high) // 2
                if np.isnan(cache[middle]):
                    cache[middle] = topk_tiles._exact(matrix, row, norms[row], matrix, kept[middle],
                                                      norms[kept[middle]], metric)[0]
                if cache[middle] < key or (cache[middle] == key and kept[middle] < item):
                    low = middle + 1
                else:
                    high = middle
            for t in range(start, low):
                if written < width:
                    out[i, written], out_scores[i, written] = kept[t], kept_scores[t]
                    written += 1
            if written < width:
                out[i, written], out_scores[i, written] = item, candidate_scores[c]
                written += 1
            start = low
        for t in range(start, m):
            if written >= width:
                break
            out[i, written], out_scores[i, written] = kept[t], kept_scores[t]
            written += 1
        for t in range(written, width):
            out[i, t], out_scores[i, t] = -1, np.nan


@njit(nogil=True, cache=True)
def first_songs(indices, scores, songs, own_songs, out, out_scores):
    """Each row's first ``out.shape[1]`` entries of a song not yet listed nor the row's own (``own_songs[i]``),
    skipping −1; −1/NaN pad. The same lists as index.distinct_songs, in one pass without sorting."""
    k = out.shape[1]
    listed = np.full(songs.max() + 1 if songs.shape[0] else 1, -1, dtype=np.int64)
    for i in range(indices.shape[0]):
        listed[own_songs[i]] = i
        written = 0
        for j in range(indices.shape[1]):
            if written >= k:
                break
            item = indices[i, j]
            if item < 0 or listed[songs[item]] == i:
                continue
            listed[songs[item]] = i
            out[i, written], out_scores[i, written] = item, scores[i, j]
            written += 1
        for j in range(written, k):
            out[i, j], out_scores[i, j] = -1, np.nan

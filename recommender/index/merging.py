"""Compiled loops of incremental updates (numba): new rows scanned against every row, old lists merged.

``scan_tile`` reads one product tile of new rows × all rows once and feeds both directions: each new row's
candidate heap (kept in compact arrays, one row per new track), and, for every old row, the new tracks whose
float32 score could beat the last entry of that row's old list (a threshold per row and metric, already
lowered by the float32 error bound). ``merge_lists`` inserts those new tracks, by exact float64 key, into each
old row's surviving list; an old entry's exact key is computed only when its stored float32 score ties a
candidate's.
"""

import numpy as np
from numba import njit, uintp

from . import topk_tiles

# Columns tested branch-free at a time before any is looked at one by one.
SCAN_RUN = 32


@njit(nogil=True, cache=True)
def _scan_tile(product: np.ndarray, queries: np.ndarray, query_offset: int, column_start: int,
               inverse_norms: np.ndarray, half_squared: np.ndarray, heap_scores: np.ndarray, heap_items: np.ndarray,
               heap_sizes: np.ndarray, heap_floor: np.ndarray, thresholds: np.ndarray, pair_queries: np.ndarray,
               pair_columns: np.ndarray, pair_counts: np.ndarray) -> None:
    """Offer tile ``product`` (rows ``queries`` × columns from ``column_start``) to the compact heaps (row
    ``query_offset + r`` for query r; [metric][row]) and record (query, column) pairs whose score reaches the
    column's threshold ([metric][column]; +inf for a column that takes no new candidates). Pairs beyond the
    buffers' capacity are counted but not stored (the caller scans again with bigger buffers).

    Runs of ``SCAN_RUN`` columns are first tested branch-free (vectorised) against the heap floors as they were
    at the run's start, which only ever lie below the current ones; only a run with a hit is walked entry by
    entry."""
    n_rows, n_columns = product.shape
    # Views of this tile's columns, indexed by unsigned run positions: numba then drops its negative-index
    # checks, and the run test compiles to contiguous vector loads instead of gathers (about 4× faster).
    column_stop = column_start + n_columns
    cosine_thresholds, euclidean_thresholds = (thresholds[0, column_start:column_stop],
                                               thresholds[1, column_start:column_stop])
    tile_inverse_norms = inverse_norms[column_start:column_stop]
    tile_half_squared = half_squared[column_start:column_stop]
    flags = np.empty(SCAN_RUN, dtype=np.bool_)
    capacity = pair_queries.shape[1]
    for r in range(n_rows):
        row = queries[r]
        q = query_offset + r
        inverse_row, half_row = inverse_norms[row], half_squared[row]
        values = product[r]
        for run_start in range(0, n_columns, SCAN_RUN):
            run_stop = min(run_start + SCAN_RUN, n_columns)
            cosine_floor, euclidean_floor = heap_floor[0, q], heap_floor[1, q]
            hit = False
            for c in range(uintp(run_start), uintp(run_stop)):
                value = values[c]
                cosine = value * inverse_row * tile_inverse_norms[c]
                euclidean = value - half_row - tile_half_squared[c]
                flag = ((cosine >= cosine_floor) | (cosine >= cosine_thresholds[c])
                        | (euclidean >= euclidean_floor) | (euclidean >= euclidean_thresholds[c]))
                flags[c - run_start] = flag
                hit |= flag
            if not hit:
                continue
            # Only the flagged entries, in column order, scored exactly as the vector test did.
            for c in range(run_start, run_stop):
                column = column_start + c
                if not flags[c - run_start] or column == row:
                    continue
                value = values[c]
                for metric in range(2):
                    if metric == topk_tiles.COSINE:
                        score = value * inverse_row * inverse_norms[column]
                    else:
                        score = value - half_row - half_squared[column]
                    if score >= heap_floor[metric, q]:
                        topk_tiles.push(heap_scores[metric], heap_items[metric], heap_sizes[metric],
                                        heap_floor[metric], q, score, column)
                    if score >= thresholds[metric, column]:
                        count = pair_counts[metric]
                        if count < capacity:
                            pair_queries[metric, count] = row
                            pair_columns[metric, count] = column
                        pair_counts[metric] = count + 1


def scan_tile(*, product: np.ndarray, queries: np.ndarray, query_offset: int, column_start: int,
              inverse_norms: np.ndarray, half_squared: np.ndarray, heap_scores: np.ndarray, heap_items: np.ndarray,
              heap_sizes: np.ndarray, heap_floor: np.ndarray, thresholds: np.ndarray, pair_queries: np.ndarray,
              pair_columns: np.ndarray, pair_counts: np.ndarray) -> None:
    """``_scan_tile`` with keyword arguments (numba compiles no keyword-only parameters)."""
    _scan_tile(product, queries, query_offset, column_start, inverse_norms, half_squared, heap_scores,
               heap_items, heap_sizes, heap_floor, thresholds, pair_queries, pair_columns, pair_counts)


@njit(nogil=True, cache=True)
def _boundaries(matrix: np.ndarray, norms: np.ndarray, rows: np.ndarray, lists: np.ndarray, positions: np.ndarray,
                metric: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Per old row ``rows[i]`` of the track-id ``lists``: the exact key (float64) and track id of its list's last
    entry; key NaN when the list held every other of the ``count`` tracks, id −1 when it is empty.
    ``positions`` maps a track id to its row of ``matrix``."""
    keys = np.full(rows.shape[0], np.nan, dtype=np.float64)
    ids = np.full(rows.shape[0], -1, dtype=np.int64)
    for i in range(rows.shape[0]):
        row = rows[i]
        length = 0
        while length < lists.shape[1] and lists[row, length] >= 0:
            length += 1
        if length == 0:
            continue
        ids[i] = lists[row, length - 1]
        if length < count - 1:
            other = positions[ids[i]]
            keys[i] = topk_tiles._exact(matrix, row, norms[row], matrix, other, norms[other], metric)[0]
    return keys, ids


def boundaries(*, matrix: np.ndarray, norms: np.ndarray, rows: np.ndarray, lists: np.ndarray, positions: np.ndarray,
               metric: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``_boundaries`` with keyword arguments (numba compiles no keyword-only parameters)."""
    return _boundaries(matrix, norms, rows, lists, positions, metric, count)


@njit(nogil=True, cache=True)
def _merge_lists(matrix: np.ndarray, norms: np.ndarray, metric: int, rows: np.ndarray, old_rows: np.ndarray,
                 old_lists: np.ndarray, old_scores: np.ndarray, new_positions: np.ndarray, track_ids: np.ndarray,
                 boundary_keys: np.ndarray, boundary_ids: np.ndarray, pointers: np.ndarray, candidates: np.ndarray,
                 out: np.ndarray, out_scores: np.ndarray, lengths: np.ndarray) -> None:
    """For each ``rows[i]`` (new position; ``old_rows[i]`` its old one): its old list (track ids in
    ``old_lists``, exact order, float32 scores beside; ``new_positions`` maps a track id to its new position, −1
    when taken out, its last slot answering the −1 padding) merged with the new tracks
    ``candidates[pointers[i]:pointers[i + 1]]`` (new positions) that rank ahead of the old list's last entry
    (``boundary_keys[i]``, ties by track id against ``boundary_ids[i]``; NaN: every candidate), by exact key,
    ties by lower position; cut to ``out``'s width, −1/NaN padded, written to row ``rows[i]`` of ``out`` and
    ``out_scores``; ``lengths[rows[i]]`` gets the entries written.

    A candidate and an old entry are compared by their float32 scores, which round the exact scores
    monotonically; only equal scores need the old entry's exact key."""
    width, old_width = out.shape[1], old_lists.shape[1]
    most = 0
    for i in range(rows.shape[0]):
        most = max(most, pointers[i + 1] - pointers[i])
    positions = np.empty(most, dtype=np.int64)
    keys = np.empty(most, dtype=np.float64)
    scores = np.empty(most, dtype=np.float32)
    by_position = np.empty(most, dtype=np.int64)
    for i in range(rows.shape[0]):
        row, old = rows[i], old_rows[i]
        boundary_key, boundary_id = boundary_keys[i], boundary_ids[i]
        m = 0
        for c in range(pointers[i], pointers[i + 1]):
            other = candidates[c]
            key, value = topk_tiles._exact(matrix, row, norms[row], matrix, other, norms[other], metric)
            if (np.isnan(boundary_key) or key < boundary_key
                    or (key == boundary_key and track_ids[other] <= boundary_id)):
                positions[m], keys[m], scores[m] = other, key, np.float32(value)
                m += 1
        _sort_by_key_then_position(positions, keys, scores, m, by_position)
        written, j, c = 0, 0, 0
        while written < width:
            while j < old_width and old_lists[old, j] >= 0 and new_positions[old_lists[old, j]] < 0:
                j += 1  # taken out
            old_left = j < old_width and old_lists[old, j] >= 0
            if not old_left and c >= m:
                break
            take_candidate = not old_left
            if old_left and c < m:
                position, score = new_positions[old_lists[old, j]], old_scores[old, j]
                if scores[c] != score:
                    take_candidate = scores[c] > score if metric == topk_tiles.COSINE else scores[c] < score
                else:
                    key = topk_tiles._exact(matrix, row, norms[row], matrix, position, norms[position], metric)[0]
                    take_candidate = keys[c] < key or (keys[c] == key and positions[c] < position)
            if take_candidate:
                out[row, written], out_scores[row, written] = positions[c], scores[c]
                c += 1
            else:
                out[row, written], out_scores[row, written] = new_positions[old_lists[old, j]], old_scores[old, j]
                j += 1
            written += 1
        lengths[row] = written
        for t in range(written, width):
            out[row, t], out_scores[row, t] = -1, np.nan


def merge_lists(*, matrix: np.ndarray, norms: np.ndarray, metric: int, rows: np.ndarray, old_rows: np.ndarray,
                old_lists: np.ndarray, old_scores: np.ndarray, new_positions: np.ndarray, track_ids: np.ndarray,
                boundary_keys: np.ndarray, boundary_ids: np.ndarray, pointers: np.ndarray, candidates: np.ndarray,
                out: np.ndarray, out_scores: np.ndarray, lengths: np.ndarray) -> None:
    """``_merge_lists`` with keyword arguments (numba compiles no keyword-only parameters)."""
    _merge_lists(matrix, norms, metric, rows, old_rows, old_lists, old_scores, new_positions, track_ids,
                 boundary_keys, boundary_ids, pointers, candidates, out, out_scores, lengths)


@njit(nogil=True, cache=True)
def _sort_by_key_then_position(positions: np.ndarray, keys: np.ndarray, scores: np.ndarray, m: int,
                               order: np.ndarray) -> None:
    """Sort the first ``m`` entries of the three arrays in place by (key, position)."""
    if m < 2:
        return
    if m <= 16:
        for j in range(1, m):
            position, key, score = positions[j], keys[j], scores[j]
            t = j
            while t > 0 and (keys[t - 1] > key or (keys[t - 1] == key and positions[t - 1] > position)):
                positions[t], keys[t], scores[t] = positions[t - 1], keys[t - 1], scores[t - 1]
                t -= 1
            positions[t], keys[t], scores[t] = position, key, score
        return
    first = np.argsort(positions[:m], kind="mergesort")
    second = np.argsort(keys[:m][first], kind="mergesort")  # stable: equal keys keep ascending positions
    for t in range(m):
        order[t] = first[second[t]]
    sorted_positions, sorted_keys, sorted_scores = positions[:m][order[:m]], keys[:m][order[:m]], scores[:m][order[:m]]
    positions[:m], keys[:m], scores[:m] = sorted_positions, sorted_keys, sorted_scores


@njit(nogil=True, cache=True)
def _first_songs(indices: np.ndarray, scores: np.ndarray, songs: np.ndarray, own_songs: np.ndarray, out: np.ndarray,
                 out_scores: np.ndarray) -> None:
    """Each row's first ``out.shape[1]`` entries of a song not yet listed nor the row's own (``own_songs[i]``),
    skipping −1; −1/NaN pad, in one pass without sorting (index.distinct_songs calls it)."""
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


def first_songs(*, indices: np.ndarray, scores: np.ndarray, songs: np.ndarray, own_songs: np.ndarray, out: np.ndarray,
                out_scores: np.ndarray) -> None:
    """``_first_songs`` with keyword arguments (numba compiles no keyword-only parameters)."""
    _first_songs(indices, scores, songs, own_songs, out, out_scores)

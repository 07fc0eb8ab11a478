"""Turning a score per track position into a ranked list of visible tracks.

Baselines and multi-seed queries score every track of a version in memory; only the best few are then
checked against the database, because a track hidden (or deleted) after the build must never be shown.
"""

import numpy as np

from catalog.models import Track


def visible_track_ids(track_ids):
    """The subset of ``track_ids`` that still exist and are not hidden (one query)."""
    if not len(track_ids):
        return set()
    return set(Track.objects.visible().filter(pk__in=[int(i) for i in track_ids]).values_list("pk", flat=True))


def ranked_positions(key, count):
    """Positions of the ``count`` largest finite keys, best first, ties by position (i.e. by track id)."""
    finite = np.flatnonzero(np.isfinite(key))
    count = min(count, len(finite))
    if count == 0:
        return np.empty(0, dtype=np.int64)
    values = key[finite]
    if count < len(finite):
        chosen = np.argpartition(-values, count - 1)[:count]
        # argpartition cuts ties at the boundary arbitrarily; take every tie so the tie-break below decides.
        cutoff = values[chosen].min()
        chosen = np.flatnonzero(values >= cutoff)
    else:
        chosen = np.arange(len(finite))
    order = np.lexsort((finite[chosen], -values[chosen]))
    return finite[chosen][order][:count]


def best_visible(key, track_ids, count):
    """(positions, track ids) of the ``count`` best-keyed visible tracks; -inf keys are never picked."""
    want = max(2 * count + 16, 64)
    while True:
        positions = ranked_positions(key, want)
        ids = track_ids[positions]
        visible = visible_track_ids(ids)
        keep = np.fromiter((int(i) in visible for i in ids), dtype=bool, count=len(ids))
        if keep.sum() >= count or len(positions) < want:
            positions = positions[keep][:count]
            return positions, track_ids[positions]
        want *= 4

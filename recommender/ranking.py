"""Turning a score per track position into a ranked list of visible tracks.

Baselines and multi-seed queries score every track of a version in memory; only the best few are then
checked against the database, because a track hidden (or deleted) after the build must never be shown.
"""

import numpy as np

from catalog.models import Track
from catalog.songs import first_of_each_song


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


def best_visible(key, track_ids, count, songs=None, skip_songs=()):
    """(positions, track ids) of the ``count`` best-keyed visible tracks; -inf keys are never picked.

    With ``songs`` (a song number per position) only the best release of each song is kept and the songs in
    ``skip_songs`` (the seeds' own) are left out.
    """
    want = max(2 * count + 16, 64)
    while True:
        positions = ranked_positions(key, want)
        ids = track_ids[positions]
        visible = visible_track_ids(ids)
        keep = np.fromiter((int(i) in visible for i in ids), dtype=bool, count=len(ids))
        kept = positions[keep]
        if songs is not None:
            kept = np.asarray(first_of_each_song(kept.tolist(), lambda p: int(songs[p]),
                                                 skip_songs={int(s) for s in skip_songs}), dtype=np.int64)
        if len(kept) >= count or len(positions) < want:
            kept = kept[:count]
            return kept, track_ids[kept]
        want *= 4

"""Turning a score per track position into a ranked list of visible tracks.

Baselines and multi-seed queries score every track of a version in memory; only the best few are then
checked against the database, because a track hidden (or deleted) after the build must never be shown.
"""

import numpy as np

from catalog.models import Track
from catalog.refs import track_refs
from catalog.songs import first_of_each_song
from songrec.lib.sql import fetch_rows, one_of


def visible_track_ids(track_ids):
    """The subset of ``track_ids`` that still exist and are not hidden (``Track.objects.visible()``), in one
    query with the same text for any number of ids (songrec.lib.sql: every list a system serves is checked)."""
    if not len(track_ids):
        return set()
    condition, params = one_of("id", [int(i) for i in track_ids])
    return {row[0] for row in fetch_rows(f"SELECT id FROM {Track._meta.db_table} WHERE {condition} AND NOT hidden",
                                         params)}


# ranked_positions looks at blocks of this many keys first; arrays shorter than a few blocks go straight on.
BLOCK = 256


def ranked_positions(key, count):
    """Positions of the ``count`` largest finite keys, best first, ties by position (i.e. by track id).

    Keys are -inf (never picked) or finite; NaN is treated as -inf.
    """
    count = min(count, len(key))
    if count == 0:
        return np.empty(0, dtype=np.int64)
    candidates = _candidates(key, count)
    chosen = candidates[np.argpartition(-key[candidates], count - 1)[:count]]
    # argpartition cuts ties at the boundary arbitrarily; take every tie so the tie-break below decides. When
    # fewer than ``count`` keys are finite, the cutoff is -inf and every finite key is taken.
    cutoff = key[chosen].min()
    chosen = np.flatnonzero(key >= cutoff) if np.isfinite(cutoff) else np.flatnonzero(np.isfinite(key))
    order = np.lexsort((chosen, -key[chosen]))
    return chosen[order][:count]


def _candidates(key, count):
    """Positions that hold the ``count`` largest keys (and more): all of them, or, for a long array, those keyed
    at least the ``count``-th largest of the blocks' maxima. At least ``count`` keys (one per such block) reach
    that bound, so the ``count``-th largest key does too. Partitioning ~90k keys took 1.1 ms of a multi-seed
    request; the blocks' maxima and one comparison take ~0.2 ms and leave a few thousand (issue 14)."""
    blocks = -(-len(key) // BLOCK)
    if blocks < 4 * count:
        return np.arange(len(key))
    padded = np.full(blocks * BLOCK, -np.inf)
    padded[:len(key)] = key
    maxima = np.fmax.reduce(padded.reshape(blocks, BLOCK), axis=1)  # NaN only where a block is all NaN
    maxima[np.isnan(maxima)] = -np.inf
    bound = np.partition(maxima, blocks - count)[blocks - count]
    if not np.isfinite(bound):
        return np.arange(len(key))
    return np.flatnonzero(key >= bound)


def best_visible(key, track_ids, count, songs=None, *, skip_songs=(), refs=None, read_refs=track_refs):
    """(positions, track ids) of the ``count`` best-keyed visible tracks; -inf keys are never picked.

    With ``songs`` (a song number per position, as the version's build folded them) only the best release of each
    song is kept and the songs in ``skip_songs`` (the seeds' own) are left out. With ``refs`` (a dict), the
    visibility check reads the candidates as TrackRefs and adds them to it, for a caller that shows the tracks:
    one query instead of two; songs are then the catalog's current ones (``TrackRef.song``, so a song merged
    since the build counts once) and ``skip_songs`` must be given the same way. ``read_refs(track ids)`` reads
    them: ``track_refs``, or a reader of richer TrackRef subclasses (one that leaves hidden tracks out will do).
    """
    want = max(2 * count + 16, 64)
    while True:
        positions = ranked_positions(key, want)
        ids = track_ids[positions]
        if refs is None:
            visible = visible_track_ids(ids)
            song = None if songs is None else (lambda p: int(songs[p]))
            skip = {int(s) for s in skip_songs}
        else:
            found = read_refs(ids.tolist())
            refs.update(found)
            visible = {track_id for track_id, ref in found.items() if not ref.hidden}
            song = None if songs is None else (lambda p, found=found: found[int(track_ids[p])].song)
            skip = set(skip_songs)
        keep = np.fromiter((int(i) in visible for i in ids), dtype=bool, count=len(ids))
        kept = positions[keep]
        if song is not None:
            kept = np.asarray(first_of_each_song(kept.tolist(), song, skip_songs=skip), dtype=np.int64)
        if len(kept) >= count or len(positions) < want:
            kept = kept[:count]
            return kept, track_ids[kept]
        want *= 4

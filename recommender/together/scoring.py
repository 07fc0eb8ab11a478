"""The together model's scores laid over an index version: one value per track position, 0–1 (0 where unknown).

``neighbour_scores`` is a seed's item-item row (tracks people put with it), ``folded_scores`` a new row folded in
(a listener's signals, a playlist's seeds). Both divide by their best value, so a blend with content's cosine
weighs like against like; both are None when nothing asked about has co-occurrence, and the callers then serve
content alone.
"""

import numpy as np

from recommender import storage


def neighbour_scores(data, version_id, track_id):
    """The seed's together similarities per position of ``version_id`` (each / the best), or None."""
    ids, similarities = data.neighbours(track_id)
    if not len(ids):
        return None
    index = storage.version_data(version_id)
    positions = index.positions(ids)
    present = (positions >= 0) & (similarities > 0)
    if not present.any():
        return None
    scores = np.zeros(len(index), dtype=np.float64)
    scores[positions[present]] = similarities[present] / float(similarities[present].max())
    return scores


def folded_scores(data, version_id, weights):
    """Scores per position for a row folded in from {track id: weight} (each / the best, negatives as 0), or
    None when none of the tracks is in the model."""
    raw = data.fold_in(weights) if weights else None
    if raw is None:
        return None
    positions = data.index_positions(version_id)
    scores = np.zeros(len(storage.version_data(version_id)), dtype=np.float64)
    present = positions >= 0
    top = float(raw[present].max()) if present.any() else 0.0
    if top <= 0:
        return None
    scores[positions[present]] = np.maximum(raw[present], 0.0) / top
    return scores


def blended(content, together, share):
    """(1 − share) × content + share × together (a new array); content alone when together is None. At share 1
    the tracks with no together score follow the others in content's order (not in an arbitrary one)."""
    if together is None or share <= 0:
        return np.array(content, dtype=np.float64)
    if share >= 1:
        return np.where(together > 0, together, np.minimum(content, 1.0) - 2.0)
    return (1.0 - share) * content + share * together

"""The together model's scores laid over an index version: one value per track position, 0–1 (0 where unknown).

``neighbour_scores`` is a seed's item-item row (tracks people put with it), ``folded_scores`` a new row folded in
(a listener's signals, a playlist's seeds). Each adds the artist level in the model's ``artist_weight`` share
(the artists of the tracks asked about and the artists people put with them: files.ModelData.artist_scores). Both
divide by their best value, so a blend with content's cosine weighs like against like; both are None when nothing
asked about has co-occurrence (no track and no artist in any training row), and the callers then serve content
alone.
"""

import numpy as np

from recommender import storage


def neighbour_scores(data, version_id, track_id):
    """The seed's together similarities per position of ``version_id`` (each / the best), or None."""
    ids, similarities = data.neighbours(track_id)
    scores = None
    if len(ids):
        index = storage.version_data(version_id)
        positions = index.positions(ids)
        present = (positions >= 0) & (similarities > 0)
        if present.any():
            scores = np.zeros(len(index), dtype=np.float64)
            scores[positions[present]] = similarities[present] / float(similarities[present].max())
    return _with_artists(data, version_id, scores, {int(track_id): 1.0})


def folded_scores(data, version_id, weights):
    """Scores per position for a row folded in from {track id: weight} (each / the best, negatives as 0), or
    None when none of the tracks is in the model."""
    raw = data.fold_in(weights) if weights else None
    scores = None
    if raw is not None:
        positions = data.index_positions(version_id)
        present = positions >= 0
        top = float(raw[present].max()) if present.any() else 0.0
        if top > 0:
            scores = np.zeros(len(storage.version_data(version_id)), dtype=np.float64)
            scores[positions[present]] = np.maximum(raw[present], 0.0) / top
    return _with_artists(data, version_id, scores, weights)


def _with_artists(data, version_id, tracks, weights):
    """(1 − w) × the tracks' scores + w × the artists' (w the model's ``artist_weight``), divided by the best;
    either side alone when the other has nothing; None when neither has."""
    share = float(data.params.artist_weight)
    artists = data.artist_scores(version_id, weights) if share > 0 and weights else None
    if artists is None:
        return tracks
    if tracks is None:
        return artists
    combined = (1.0 - share) * tracks + share * artists
    top = float(combined.max())
    return combined / top if top > 0 else None


def blended(content, together, share):
    """(1 − share) × content + share × together (a new array); content alone when together is None. At share 1
    the tracks with no together score follow the others in content's order (not in an arbitrary one)."""
    if together is None or share <= 0:
        return np.array(content, dtype=np.float64)
    if share >= 1:
        return np.where(together > 0, together, np.minimum(content, 1.0) - 2.0)
    return (1.0 - share) * content + share * together

"""Multi-seed recommendations: Spotify's (deprecated) /recommendations endpoint, self-hosted.

Up to 100 seed tracks (a whole playlist; Spotify's rule of 5 holds only on its compatible endpoint) are blended
by the chosen system: ``cosine`` ranks by the mean cosine similarity to the seeds (the dot product with the mean
of their unit vectors), ``euclidean`` by the mean euclidean distance to them, ``together`` by the seeds folded
into the together model as one new playlist (implicit's recalculate_user, no retraining), ``blend`` by cosine and
that in the model's ``seeds_blend`` share, the baselines as in baselines.py. Seeds to avoid are never returned,
and push their neighbourhood down: ``AVOID_WEIGHT`` times the cosine similarity to them (and times their own
folded-in scores for ``together`` and ``blend``) is taken off the key.

``min_<attribute>``/``max_<attribute>`` are hard filters on the raw values; ``target_<attribute>`` re-ranks:
each standard deviation a track lies from a target costs ``RECOMMENDER_TARGET_WEIGHT`` (0.1) of ranking key
(cosine similarity, minus distance, or the baseline key). Seeds and hidden tracks are never returned.
"""

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from catalog.refs import track_refs, visible_refs_by_spotify_id
from catalog.songs import song_keys

from . import storage
from .baselines import popularity_key, random_key
from .errors import UnknownTrack
from .index.features import ATTRIBUTES
from .ranking import best_visible
from .selectors import Recommendation, resolve_version
from .together.active import active_data
from .together.scoring import blended, folded_scores

MAX_SEEDS = 100
AVOID_WEIGHT = 0.5
# A track missing an attribute that has a target is ranked as if it were this many deviations away.
MISSING_PENALTY = 10.0


@dataclass
class Constraints:
    minimums: dict = field(default_factory=dict)
    maximums: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)

    def __bool__(self):
        return bool(self.minimums or self.maximums or self.targets)


@dataclass
class SeedRecommendations:
    version: object
    recommendations: list
    cosine_scores: dict  # track id → mean cosine similarity to the seeds
    target_penalties: dict  # track id → deviations from the targets (empty without targets)
    pool_size: int  # tracks in the version, seeds excluded
    filtered_size: int  # of those, passing the min_/max_ filters (hidden ones still counted)


def recommend_for_seeds(system, seed_track_ids, limit, constraints=None, *, version=None, refs=None, seed_songs=None,
                        read_refs=track_refs, avoid_track_ids=(), exclude_track_ids=()):
    """Blend up to MAX_SEEDS seeds (track pks) into ``limit`` Recommendations; see the module docstring.

    ``exclude_track_ids`` (any number: a playlist's own tracks, an avoided artist's) are never returned, nor are
    other releases of their songs; unlike the avoided ones they do not move the ranking.

    Raises NoActiveIndex, UnknownTrack (a seed not in the version), IndexFilesMissing, ValueError. With ``refs``
    (a dict), the recommended tracks' TrackRefs (as ``read_refs`` reads them) are added to it (see
    ranking.best_visible) and songs are folded as the catalog has them now; ``seed_songs`` are then the seeds'
    songs, and the excluded tracks' too (both read when not given).
    """
    seed_ids = list(dict.fromkeys(int(i) for i in seed_track_ids))
    if not 1 <= len(seed_ids) <= MAX_SEEDS:
        raise ValueError(f"between 1 and {MAX_SEEDS} seed tracks are needed")
    constraints = constraints or Constraints()
    version = resolve_version(version)
    data = storage.version_data(version.pk)
    seeds = data.positions(seed_ids)
    for seed_id, position in zip(seed_ids, seeds, strict=True):
        if position < 0:
            raise UnknownTrack(seed_id, version.pk)
    avoid_ids = [int(i) for i in dict.fromkeys(avoid_track_ids) if int(i) not in set(seed_ids)]
    if len(avoid_ids) > MAX_SEEDS:
        raise ValueError(f"at most {MAX_SEEDS} tracks to avoid")
    avoided = data.positions(avoid_ids)
    avoided = avoided[avoided >= 0]
    cosines = _mean_cosines(data, seeds)
    content = cosines.astype(np.float64)
    if len(avoided):
        content -= AVOID_WEIGHT * _mean_cosines(data, avoided)
    if system == "cosine":
        key, scores = content, cosines
    elif system in ("together", "blend"):
        key = _with_together(system, data, version_id=version.pk, content=content, seed_ids=seed_ids,
                             avoid_ids=avoid_ids)
        scores = key
    elif system == "euclidean":
        distances = _mean_distances(data, seeds)
        key, scores = -distances, distances
    elif system == "random":
        key, scores = random_key(data, seed_ids)
    elif system == "popularity":
        key, scores = popularity_key(data, seeds)
    else:
        raise ValueError(f"unknown system {system!r}")
    key = np.array(key, dtype=np.float64)  # a copy: the baselines' keys may be the version's own arrays
    key[seeds] = -np.inf
    key[avoided] = -np.inf
    excluded = data.positions(list(exclude_track_ids)) if len(exclude_track_ids) else np.empty(0, dtype=np.int64)
    excluded = excluded[excluded >= 0]
    key[excluded] = -np.inf
    if constraints.minimums or constraints.maximums:
        passing = _passing_filters(data, constraints)
        filtered_size = int(np.count_nonzero(passing)) - int(np.count_nonzero(passing[seeds]))
        key[~passing] = -np.inf
    else:  # every track passes: skip three passes over the version (issue 14)
        filtered_size = len(data) - len(seeds)
    penalties = _target_penalties(data, constraints.targets)
    if penalties is not None:
        key -= settings.RECOMMENDER_TARGET_WEIGHT * penalties
    if refs is None:
        skip_songs = np.concatenate([data.songs[seeds], data.songs[avoided], data.songs[excluded]])
    else:
        skip_songs = set(song_keys(seed_ids).values()) if seed_songs is None else set(seed_songs)
        skip_songs |= set(song_keys(avoid_ids).values()) if avoid_ids else set()
        if seed_songs is None and len(exclude_track_ids):
            skip_songs |= set(song_keys(exclude_track_ids).values())
    positions, track_ids = best_visible(key, data.track_ids, int(limit), data.songs, skip_songs=skip_songs, refs=refs,
                                        read_refs=read_refs)
    ids = [int(i) for i in track_ids]
    return SeedRecommendations(
        version=version,
        recommendations=[Recommendation(track_id, float(scores[p]), rank)
                         for rank, (p, track_id) in enumerate(zip(positions, ids, strict=True), start=1)],
        cosine_scores={track_id: round(float(cosines[p]), 6) for p, track_id in zip(positions, ids, strict=True)},
        target_penalties={} if penalties is None else
        {track_id: round(float(penalties[p]), 4) for p, track_id in zip(positions, ids, strict=True)},
        pool_size=len(data) - len(seed_ids),
        filtered_size=filtered_size,
    )


def _mean_cosines(data, positions):
    query = np.asarray(data.normalized[positions], dtype=np.float64).mean(axis=0).astype(np.float32)
    return data.normalized_split.dot(query)


def _with_together(system, data, *, version_id, content, seed_ids, avoid_ids):
    """The key of ``together`` / ``blend``: the seeds folded into the together model (minus the avoided ones'),
    over content; content alone when no seed has co-occurrence. ``together`` ranks every track the fold-in
    scores above the content fallback."""
    model, model_data = active_data()
    folded = None if model is None else folded_scores(model_data, version_id, dict.fromkeys(seed_ids, 1.0))
    if folded is None:
        return content
    if avoid_ids:
        pushed = folded_scores(model_data, version_id, dict.fromkeys(avoid_ids, 1.0))
        if pushed is not None:
            folded = folded - AVOID_WEIGHT * pushed
    if system == "together":
        return np.where(folded > 0, 1.0 + folded, np.minimum(content, 1.0))
    return blended(content, folded, model.seeds_blend)


def seed_tracks(spotify_ids):
    """The visible tracks (TrackRefs) for ``spotify_ids`` in the order asked, and the ids unknown or hidden."""
    found = {ref.spotify_id: ref for ref in visible_refs_by_spotify_id(spotify_ids).values()}
    return [found[i] for i in spotify_ids if i in found], [i for i in spotify_ids if i not in found]


def blended_recommendations(system, seeds, limit, constraints=None, *, version=None, read_refs=track_refs,
                            avoid=()):
    """What the recommend page and the recommendations API show: ``recommend_for_seeds`` for seed tracks and
    (Recommendation, TrackRef) pairs for the recommended tracks that still exist, read by ``read_refs``. Raises
    like it.
    """
    tracks = {}
    result = recommend_for_seeds(system, [seed.pk for seed in seeds], limit, constraints, version=version, refs=tracks,
                                 seed_songs=[seed.song for seed in seeds], read_refs=read_refs,
                                 avoid_track_ids=[track.pk for track in avoid])
    return result, [(item, tracks[item.track_id]) for item in result.recommendations if item.track_id in tracks]


def _mean_distances(data, seeds):
    seed_vectors = np.asarray(data.weighted[seeds], dtype=np.float32)
    products = np.asarray(data.weighted_split.dot(seed_vectors.T), dtype=np.float64)
    squared = data.squared_norms[:, None] + np.einsum("sd,sd->s", seed_vectors, seed_vectors)[None, :] - 2 * products
    return np.sqrt(np.maximum(squared, 0.0)).mean(axis=1)


def _passing_filters(data, constraints):
    passing = np.ones(len(data), dtype=bool)
    for name, low in constraints.minimums.items():
        passing &= data.attributes[:, ATTRIBUTES.index(name)] >= low  # NaN compares False: missing fails
    for name, high in constraints.maximums.items():
        passing &= data.attributes[:, ATTRIBUTES.index(name)] <= high
    return passing


def _target_penalties(data, targets):
    if not targets:
        return None
    total = np.zeros(len(data), dtype=np.float64)
    for name, target in targets.items():
        column = ATTRIBUTES.index(name)
        away = np.abs(np.asarray(data.attributes[:, column], dtype=np.float64) - target)
        total += np.nan_to_num(away / data.attribute_spread[column], nan=MISSING_PENALTY)
    return total

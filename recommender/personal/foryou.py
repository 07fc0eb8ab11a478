"""Reads: a listener's "For you" list — content-based from their taste, blended with the collaborative model.

``recommend_from`` is the pure core (Interactions in, ranked positions out) that the offline evaluation and
the benchmark call with a training split; ``for_you`` loads a listener's signals and adds TrackRefs and reasons.
Never returned: the listener's liked, disliked, played or picked tracks, hidden tracks, or a second id of a
song already in the list.
"""

from dataclasses import dataclass

import numpy as np

from catalog.refs import TrackRef, track_refs
from catalog.songs import first_of_each_song
from recommender import storage
from recommender.models import IndexVersion
from recommender.selectors import resolve_version
from recommender.together.active import active_data
from recommender.together.models import TogetherModel
from recommender.together.scoring import folded_scores
from recommender.visible_rows import visible_rows
from songrec.lib.blas import one_blas_thread

from . import collaborative, freshness
from .catalog_vectors import catalog_vectors
from .interactions import Reason, load_interactions
from .models import PersonalModel
from .taste import find_tastes, interleave

MAX_LIMIT = 100
# How far a disliked track's neighbourhood is pushed down: this times its cosine similarity.
DISLIKE_PENALTY = 0.3
MAX_DISLIKES_USED = 100
POPULAR_REASON = Reason("popular", "popular on songrec")


@dataclass
class Ranked:
    track_id: int
    score: float
    taste: int  # index into tastes, -1 for the popularity fallback
    reason: Reason


@dataclass
class PersonalItem:
    track: TrackRef
    rank: int
    score: float
    reason: Reason


@dataclass
class PersonalList:
    method: str  # "hybrid", "content", "popular" (no signals yet)
    items: list[PersonalItem]
    tastes: int
    version: IndexVersion
    model: PersonalModel | None  # the one used
    together: TogetherModel | None = None  # the together model the listener was folded into


def recommend_from(interactions, limit, version, collaborative_scores=None, *, blend_weight=0.0, allowed_ids=None):
    """Ranked items for ``interactions`` from the version's vectors, optionally blended with collaborative scores.

    ``collaborative_scores`` is one value per index position (0–1, 0 where unknown) and ``blend_weight`` its
    share. ``allowed_ids(track_ids)`` returns the subset that may be shown (visible); None allows all (offline
    evaluation). One release per song, none of a song the listener already has. Returns (Ranked list, tastes).
    """
    data = storage.version_data(version.pk)
    ids = np.fromiter(interactions.positives, dtype=np.int64, count=len(interactions.positives))
    positions = data.positions(ids)
    present = positions >= 0
    if not present.any():
        return [], 0
    positions, ids = positions[present], ids[present]
    weights = np.fromiter((interactions.positives[int(i)] for i in ids), dtype=np.float64, count=len(ids))
    vectors = np.asarray(data.normalized[positions])
    tastes = find_tastes(vectors, np.maximum(weights, 1e-6), positions)
    excluded = data.positions(list(interactions.excluded))
    excluded = excluded[excluded >= 0]
    want = 3 * limit + 20
    keys = taste_keys(data, tastes, collaborative_scores, blend_weight, excluded=excluded)
    negatives = data.positions(list(interactions.negatives)[:MAX_DISLIKES_USED])
    disliked = np.asarray(data.normalized[negatives[negatives >= 0]])
    ranked_lists = []
    for number in range(len(tastes)):
        top = top_positions(keys[number], 3 * want)
        scores = keys[number][top].astype(np.float64)
        if len(disliked):
            # Only the candidates are compared with the dislikes: a pass over the catalog per dislike is too slow.
            closeness = np.asarray(data.normalized[top]) @ disliked.T
            scores = scores - DISLIKE_PENALTY * np.maximum(closeness.max(axis=1), 0.0)
        order = np.argsort(-scores, kind="stable")[:want]
        ranked_lists.append(list(zip(top[order].tolist(), scores[order].tolist(), strict=True)))
    candidates = {p for ranked in ranked_lists for p, _ in ranked}
    candidate_ids = {p: int(data.track_ids[p]) for p in candidates}
    allowed = set(candidate_ids.values()) if allowed_ids is None else set(allowed_ids(list(candidate_ids.values())))
    chosen = set()

    def take(position):
        track_id = candidate_ids[position]
        if track_id in chosen or track_id not in allowed:
            return False
        chosen.add(track_id)
        return True

    # Interleave more than needed: dropping second releases of a song below must still leave ``limit``.
    picked = interleave(ranked_lists, [taste.weight for taste in tastes], 2 * limit + 10, take)
    picked = first_of_each_song(picked, lambda row: int(data.songs[row[0]]), limit=limit,
                                skip_songs={int(song) for song in data.songs[excluded]})
    nearest = _nearest_members(data, picked, tastes, vectors, positions=positions)
    return [Ranked(candidate_ids[position], score, number,
                   interactions.reasons.get(int(data.track_ids[near]), POPULAR_REASON))
            for (position, number, score), near in zip(picked, nearest, strict=True)], len(tastes)


def taste_keys(data, tastes, collaborative_scores, blend_weight, *, excluded):
    """One row per taste of ranking keys over the whole version (float32), excluded positions at -inf.

    All tastes are scored at once against the catalog's vectors (see catalog_vectors): the catalog is read
    once per request, whatever the number of tastes.
    """
    centres = np.stack([taste.centre for taste in tastes]).astype(np.float32)
    keys = catalog_vectors(data.version_id).similarities(centres)  # tastes × tracks, rows contiguous
    if collaborative_scores is not None and blend_weight > 0:
        keys *= np.float32(1.0 - blend_weight)
        keys += np.float32(blend_weight) * np.asarray(collaborative_scores, dtype=np.float32)
    keys[:, excluded] = -np.inf
    return keys


def top_positions(key, count):
    """Positions of the ``count`` largest finite keys, best first, ties by position (argpartition, no full sort)."""
    count = min(count, len(key))
    if count == 0:
        return np.empty(0, dtype=np.int64)
    chosen = np.argpartition(-key, count - 1)[:count] if count < len(key) else np.arange(len(key))
    chosen = chosen[np.isfinite(key[chosen])]
    return chosen[np.lexsort((chosen, -key[chosen]))]


def _nearest_members(data, picked, tastes, vectors, *, positions):
    """For each picked (position, taste, score): the profile track of that taste most like it (the reason)."""
    if not picked:
        return []
    picked_vectors = np.asarray(data.normalized[[position for position, _, _ in picked]])
    rows = {int(position): row for row, position in enumerate(positions.tolist())}
    nearest = []
    for vector, (_, number, _) in zip(picked_vectors, picked, strict=True):
        members = tastes[number].members
        member_rows = [rows[int(member)] for member in members]
        nearest.append(members[int(np.argmax(vectors[member_rows] @ vector))])
    return nearest


def popular_from(version, limit, excluded=(), allowed_ids=None):
    """The most popular tracks of the version (a listener with no signals yet, and the offline baseline)."""
    data = storage.version_data(version.pk)
    order = data.popularity_order[: 3 * limit + len(excluded) + 20]
    positions = [int(p) for p in order if int(data.track_ids[p]) not in excluded]
    ids = [int(data.track_ids[p]) for p in positions]
    allowed = set(ids) if allowed_ids is None else set(allowed_ids(ids))
    skip = {int(data.songs[p]) for p in data.positions(list(excluded)) if p >= 0}
    kept = first_of_each_song([p for p in positions if int(data.track_ids[p]) in allowed],
                              lambda p: int(data.songs[p]), limit=limit, skip_songs=skip)
    return [Ranked(int(data.track_ids[p]), float(data.popularity[p]), -1, POPULAR_REASON) for p in kept]


def for_you(user, limit=20, version=None):
    """The listener's PersonalList: hybrid when the together model has co-occurrence for something they liked,
    played or picked (their signals folded in at request time: no wait for a retrain), or else when the listeners'
    collaborative model knows enough listeners and this one; content-based otherwise, the most popular tracks
    before they have any signal. Raises NoActiveIndex.

    The ranking is cached per listener until their signals, the index version or the model change (freshness);
    names, credits and visibility are read on every request, so a track hidden since is dropped at once.
    """
    version = resolve_version(version)
    model = collaborative.usable_model()
    together, together_data = active_data()
    models_key = f"{model.pk if model else 0}.{together.pk if together else 0}"
    method, ranked, tastes, used_model = freshness.cached_ranking(
        user.pk, version.pk, models_key, limit,
        compute=lambda: _rank(user, limit, version, model, together=(together, together_data)))
    # Names and credits for the chosen items and their reasons' tracks only, in one query: reading them for
    # every candidate cost ~20 ms, the names of every liked and played track ~10 ms (profiled).
    refs = track_refs([item.track_id for item in ranked]
                      + [item.reason.track_id for item in ranked if item.reason.track_id is not None])
    items = [PersonalItem(refs[item.track_id], rank, round(item.score, 6), item.reason.named(refs))
             for rank, item in enumerate(ranked, start=1)
             if item.track_id in refs and not refs[item.track_id].hidden]
    return PersonalList(method, items, tastes, version, model if used_model == "personal" else None,
                        together if used_model == "together" else None)


def _rank(user, limit, version, model, *, together):
    """(method, Ranked list, number of tastes, the model used: "together", "personal" or None), from the database."""
    interactions = load_interactions(user)
    allowed_ids = visible_rows(version.pk).allowed_ids
    with one_blas_thread():
        if not interactions:
            return "popular", popular_from(version, limit, interactions.excluded, allowed_ids), 0, None
        together_model, together_data = together
        scores = None if together_model is None else folded_scores(together_data, version.pk,
                                                                   interactions.positives)
        if scores is not None:
            model, weight, used = together_model, together_model.personal_blend, "together"
        else:
            model, scores = collaborative.scores_for(user.pk, version, model)
            weight, used = (model.blend_weight, "personal") if model is not None else (0.0, None)
        ranked, tastes = recommend_from(interactions, limit, version, scores, blend_weight=weight,
                                        allowed_ids=allowed_ids)
        if not ranked:  # none of their tracks is in the index (yet)
            return "popular", popular_from(version, limit, interactions.excluded, allowed_ids), tastes, None
        return ("hybrid" if used else "content"), ranked, tastes, used

"""Reads: the active index version and recommendations from it.

``recommend`` is the contract other apps use (evaluation freezes its lists); ``similar_items`` (and
``similar_lists``, several systems at once) adds what a page or the API shows beside each track (credits,
cosine score) in as few queries as it can. Human scores come from evaluation, which the recommender does not
import: it registers them as a list annotator (annotations.py).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from catalog.models import CatalogRevision, Track
from catalog.refs import TrackRef, track_refs
from catalog.songs import first_of_each_song, song_of

from . import storage
from .active_version import active_version as _active_version
from .baselines import popularity_key, random_key
from .errors import IndexFilesMissing, NoActiveIndex, UnknownTrack
from .index.build_lock import builder_alive
from .index.progress import STAGE_LABELS
from .models import IndexVersion
from .ranking import best_visible, visible_track_ids
from .systems import PRECOMPUTED, SYSTEMS
from .together.active import active_data
from .together.scoring import blended, neighbour_scores

ON_REQUEST_CONTENT = ("together", "blend")

Neighbour = tuple[int, float]  # (track id, score)
# {metric: (neighbour ids, scores)} as storage reads a seed's stored lists.
StoredLists = Mapping[str, tuple[Sequence[int], Sequence[float]]]


@dataclass(frozen=True)
class Recommendation:
    track_id: int  # catalog Track pk
    score: float  # the system's own score, see systems.SCORE_LABELS
    rank: int  # from 1


def active_version() -> IndexVersion | None:
    """The active IndexVersion, or None before the first build (read once per process until a version
    changes: see active_version.py)."""
    return _active_version()


def _track_id(seed_track: Track | int) -> int:
    """A seed given as a track (anything with a ``pk``) or as its id."""
    pk: Any = getattr(seed_track, "pk", seed_track)
    return int(pk)


def warm_active_index() -> None:
    """Open the active version's files and derive the arrays recommendations use (the filters' order, the vectors
    split for products) now: gunicorn's master does it before forking, so every worker shares them."""
    version = active_version()
    if version is not None:
        data = storage.version_data(version.pk)
        _ = data.popularity_order, data.normalized_split, data.weighted_split


def resolve_version(version: IndexVersion | None = None) -> IndexVersion:
    version = version if version is not None else active_version()
    if version is None:
        raise NoActiveIndex()
    return version


def recommend(system: str, seed_track: Track | int, k: int,
              version: IndexVersion | None = None) -> list[Recommendation]:
    """Up to ``k`` Recommendations for ``seed_track`` (Track or pk) from ``system`` (one of SYSTEMS).

    Uses the active version unless one is given; raises NoActiveIndex / UnknownTrack. Never includes the seed
    or hidden tracks; lists come out shorter than ``k`` only when tracks were hidden since the build or the
    version holds fewer tracks. ``random`` is reproducible per (version, seed).
    """
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}; expected one of {', '.join(SYSTEMS)}")
    if int(k) < 1:
        raise ValueError("k must be at least 1")
    version = resolve_version(version)
    seed_id = _track_id(seed_track)
    if system in PRECOMPUTED:
        return _precomputed(version, system, seed_id, int(k))
    data = storage.version_data(version.pk)
    position = data.position(seed_id)
    if position is None:
        raise UnknownTrack(seed_id, version.pk)
    if system in ON_REQUEST_CONTENT:
        key, scores = together_key(system, data, version.pk, position, seed_id=seed_id)
    else:
        key, scores = random_key(data, [seed_id]) if system == "random" else popularity_key(data, [position])
    key = np.array(key, dtype=np.float64)
    key[position] = -np.inf
    positions, track_ids = best_visible(key, data.track_ids, int(k), data.songs, skip_songs=[data.songs[position]])
    return [Recommendation(int(track_id), float(scores[p]), rank)
            for rank, (p, track_id) in enumerate(zip(positions, track_ids, strict=True), start=1)]


def together_key(system: str, data: Any, version_id: int, position: int, *,
                 seed_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(ranking key, score) per position for ``together`` or ``blend`` (see systems.py): the seed's cosine
    similarities, with the together model's row laid over them; content alone when the seed has no co-occurrence.
    ``together`` ranks every co-occurring track (key 1 + similarity) above the content fallback (key ≤ 1)."""
    cosines = np.asarray(data.normalized_split.dot(np.asarray(data.normalized[position])), dtype=np.float64)
    model, model_data = active_data()
    together = None if model is None else neighbour_scores(model_data, version_id, seed_id)
    if together is None:
        return cosines, cosines
    if system == "together":
        found = together > 0
        return np.where(found, 1.0 + together, cosines), np.where(found, together, cosines)
    key = blended(cosines, together, model.similar_blend)
    return key, key


def _precomputed(version: IndexVersion, system: str, seed_id: int, k: int) -> list[Recommendation]:
    stored = _stored_list(version, system, seed_id)
    visible = visible_track_ids([track_id for track_id, _ in stored])
    kept = [(track_id, score) for track_id, score in stored if track_id in visible and track_id != seed_id][:k]
    if len(kept) < k:
        kept = exact_neighbors(version, system, seed_id, k, stored=kept)
    return [Recommendation(track_id, score, rank) for rank, (track_id, score) in enumerate(kept, start=1)]


def _stored_list(version: IndexVersion, metric: str, seed_id: int) -> list[Neighbour]:
    """The seed's stored neighbours as [(track id, score)], best first (one release per song, never its own)."""
    return _stored_lists(version, [metric], seed_id)[metric]


def _stored_lists(version: IndexVersion, metrics: list[str], seed_id: int,
                  stored: StoredLists | None = None) -> dict[str, list[Neighbour]]:
    """{metric: the seed's stored list, as _stored_list gives it} for several metrics, in one query (none when
    ``stored``, the lists read_neighbor_lists gives, were read already)."""
    if stored is None:
        stored = storage.read_neighbor_lists(version.pk, metrics, seed_id) if metrics else {}
    if len(stored) < len(set(metrics)):
        raise UnknownTrack(seed_id, version.pk)
    return {metric: [(int(track_id), float(score)) for track_id, score in zip(ids, scores, strict=True)]
            for metric, (ids, scores) in stored.items()}


def visible_seed_lists(system: str, spotify_id: str, version: IndexVersion) -> tuple[int, StoredLists] | None:
    """(track id, stored lists) of a visible seed named by its Spotify id, for ``similar_items``'s ``stored``:
    one query instead of a lookup of the id and then of its lists. None when the system has no stored lists or
    the track has none in ``version`` or is hidden: the caller then looks the track up itself (and answers why)."""
    if system not in PRECOMPUTED:
        return None
    found = storage.read_neighbor_lists_of(version.pk, [system], spotify_id)
    if found is None or found[1]:
        return None
    return found[0], found[2]


def exact_neighbors(version: IndexVersion, metric: str, seed_id: int, k: int, *,
                    stored: Iterable[Neighbour] = ()) -> list[Neighbour]:
    """The seed's best ``k`` visible tracks of distinct songs (never its own), computed from the version's vectors.

    For seeds whose stored list comes out shorter than ``k``: the build keeps 2k+20 neighbours, which a song
    released dozens of times (or tracks hidden since) can use up. One product with every row of the version,
    a few milliseconds. Returns ``stored`` unchanged when the version's files are missing.
    """
    try:
        data = storage.version_data(version.pk)
    except IndexFilesMissing:
        return list(stored)
    position = data.position(int(seed_id))
    if position is None:
        return list(stored)
    # Ranked in float32 (one pass over the mmap'd rows, no float64 copy of them), the picks re-scored in float64
    # like the build's lists.
    matrix = data.normalized if metric == "cosine" else data.weighted
    product = np.asarray(matrix @ np.asarray(matrix[position]), dtype=np.float64)
    if metric == "cosine":
        key = product
    else:
        key = product - np.asarray(data.squared_norms, dtype=np.float64) / 2  # −‖a−b‖²/2 up to the seed's own
    key[position] = -np.inf
    positions, _ = best_visible(key, data.track_ids, k, data.songs, skip_songs=[data.songs[position]])
    rows = np.asarray(matrix[positions], dtype=np.float64)
    seed_row = np.asarray(matrix[position], dtype=np.float64)
    scores = rows @ seed_row if metric == "cosine" else np.sqrt(((rows - seed_row) ** 2).sum(axis=1))
    order = np.lexsort((positions, -scores if metric == "cosine" else scores))
    return [(int(data.track_ids[positions[i]]), float(scores[i])) for i in order]


def cosine_similarities(seed_track_id: int, track_ids: Sequence[int],
                        version: IndexVersion | None = None) -> dict[int, float]:
    """{track_id: cosine similarity to the seed} in the version's feature space.

    Tracks not in the version are left out. Raises NoActiveIndex, UnknownTrack, IndexFilesMissing.
    """
    version = resolve_version(version)
    data = storage.version_data(version.pk)
    seed_position = data.position(int(seed_track_id))
    if seed_position is None:
        raise UnknownTrack(int(seed_track_id), version.pk)
    track_ids = [int(i) for i in track_ids]
    positions = data.positions(track_ids)
    present = positions >= 0
    similarities = np.asarray(data.normalized[positions[present]] @ data.normalized[seed_position],
                              dtype=np.float64)
    return {track_id: round(float(value), 6) for track_id, value in
            zip(np.asarray(track_ids)[present].tolist(), similarities, strict=True)}


@dataclass
class SimilarItem:
    track: TrackRef
    rank: int
    score: float
    cosine_score: float | None
    human_score: float | None = None  # filled in by a list annotator (recommender.annotations)
    human_ratings: int = 0


@dataclass
class SimilarList:
    seed: TrackRef
    items: list  # of SimilarItem


def similar_items(system: str, seed_track: Track | int, k: int, version: IndexVersion | None = None, *,
                  stored: StoredLists | None = None) -> SimilarList:
    """``recommend`` plus what pages and the API show: TrackRefs and cosine scores (human scores left empty).

    Raises like ``recommend``; the precomputed systems take 2 queries (list, tracks with credits), 1 with
    ``stored`` (from ``visible_seed_lists``).
    """
    return similar_lists([system], seed_track, k, version, stored=stored)[0]


def similar_lists(systems: Sequence[str], seed_track: Track | int, k: int, version: IndexVersion | None = None, *,
                  stored: StoredLists | None = None) -> list[SimilarList]:
    """``similar_items`` of one seed for several systems, sharing the queries: the precomputed systems' stored
    lists in one (none when ``stored`` has them) and the tracks of every list in one (a track page shows cosine
    and euclidean side by side)."""
    version = resolve_version(version)
    seed_id = _track_id(seed_track)
    lists = _stored_lists(version, [system for system in systems if system in PRECOMPUTED], seed_id, stored)
    candidates = [lists[system] if system in PRECOMPUTED else
                  [(item.track_id, item.score) for item in recommend(system, seed_id, k, version)]
                  for system in systems]
    # Only the head of a stored list is looked up (a few hidden tracks fit in the slack); the rest only when
    # more than that were hidden or deleted since the build.
    head = 2 * k + 8
    refs = track_refs([seed_id] + [track_id for listed in candidates for track_id, _ in listed[:head]])
    return [_similar_list(system, seed_id=seed_id, seed_track=seed_track, k=k, version=version, candidates=listed,
                          refs=refs, head=head)
            for system, listed in zip(systems, candidates, strict=True)]


def _shown(candidates: Sequence[Neighbour], refs: Mapping[int, TrackRef], seed_id: int, k: int) -> list[Neighbour]:
    """The first k candidates that still exist, are visible and are not the seed, one per song as the catalog has
    songs now: the build folded releases as they were then, and a crawl may have merged songs since (ISRC)."""
    seed_song = refs[seed_id].song if seed_id in refs else song_of(seed_id, "")
    listed = [(track_id, score) for track_id, score in candidates
              if track_id != seed_id and track_id in refs and not refs[track_id].hidden]
    return first_of_each_song(listed, lambda item: refs[item[0]].song, limit=k, skip_songs={seed_song})


def _similar_list(system: str, *, seed_id: int, seed_track: Track | int, k: int, version: IndexVersion,
                  candidates: list[Neighbour], refs: dict[int, TrackRef], head: int) -> SimilarList:
    while True:
        # Tracks hidden or deleted since the build drop out here (the lookup above is the visibility check).
        kept = _shown(candidates[:head], refs, seed_id, k)
        if len(kept) == k or head >= len(candidates):
            break
        refs.update(track_refs([track_id for track_id, _ in candidates[head:]]))
        head = len(candidates)
    if system in PRECOMPUTED and len(kept) < k:
        # 2k: songs merged since the build may fold a few of the exact list's k away below.
        kept = exact_neighbors(version, system, seed_id, 2 * k, stored=kept)
        refs = track_refs([seed_id] + [track_id for track_id, _ in kept])
        kept = _shown(kept, refs, seed_id, k)
    ids = [track_id for track_id, _ in kept]
    if system == "cosine":
        cosines = {track_id: round(score, 6) for track_id, score in kept}
    else:
        try:
            cosines = cosine_similarities(seed_id, ids, version)
        except IndexFilesMissing:
            cosines = {}
    items = [SimilarItem(refs[track_id], rank, score, cosines.get(track_id))
             for rank, (track_id, score) in enumerate(kept, start=1)]
    seed = refs.get(seed_id) or TrackRef(seed_id, "", str(seed_track), False)
    return SimilarList(seed, items)


@dataclass
class IndexStatus:
    active: IndexVersion | None
    building: IndexVersion | None  # with a ``stage_label`` attribute
    catalog_revision: int
    up_to_date: bool
    versions: list


@dataclass(frozen=True)
class FirstBuild:
    stage_label: str
    percent: int


def first_build() -> FirstBuild | None:
    """The build that gives the catalog its first index, while no version is active yet (``make run`` serves pages
    while it runs), or None. Once a version is active it costs what ``active_version()`` costs (with Redis, one
    cache read)."""
    if _active_version() is not None:
        return None
    building = IndexVersion.objects.filter(status=IndexVersion.Status.BUILDING).order_by("-id").first()
    if building is None:
        return None
    return FirstBuild(STAGE_LABELS.get(building.stage, building.stage), int(100 * building.progress))


def index_status(versions: int = 20) -> IndexStatus:
    """What the index page and its JSON poll show: active version, running build, recent versions."""
    recent = list(IndexVersion.objects.order_by("-id")[:versions])
    active = next((v for v in recent if v.status == IndexVersion.Status.ACTIVE), None) or active_version()
    building = next((v for v in recent if v.status == IndexVersion.Status.BUILDING), None)
    if building is not None:
        alive = builder_alive()
        if alive is None:  # no advisory locks (SQLite): judge by the heartbeat
            stale_after = timedelta(seconds=settings.RECOMMENDER_REBUILD_STALE_SECONDS)
            alive = building.heartbeat_at >= timezone.now() - stale_after
        # Shown beside the version on the status page and in its JSON, not stored.
        building.stalled = not alive  # type: ignore[attr-defined]
        building.stage_label = (  # type: ignore[attr-defined]
            f"stalled: no sign of life since {building.heartbeat_at:%Y-%m-%d %H:%M} UTC (the next rebuild marks it "
            f"failed and starts at once)" if not alive else STAGE_LABELS.get(building.stage, building.stage))
    revision = CatalogRevision.current()
    return IndexStatus(active, building, revision, active is not None and active.catalog_revision == revision,
                       recent)


def failed_versions(since: datetime, limit: int = 5) -> list[IndexVersion]:
    """The index versions whose build failed since ``since``, newest first."""
    return list(IndexVersion.objects.filter(status=IndexVersion.Status.FAILED, created_at__gte=since)
                .order_by("-pk")[:limit])

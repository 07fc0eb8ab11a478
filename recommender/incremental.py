"""Incremental index updates: the active version plus the catalog's changes, with its fitted pipeline frozen.

Tracks added or whose features or genres changed are transformed by the active version's pipeline and
matched against every track (O(changed·N)); every other track's extended list (extended.py) loses the
tracks that were hidden, removed or changed and is merged with the new candidates; a list whose exact
prefix falls below k is recomputed against every track. The result is a new version, stored and switched in
exactly like a full rebuild, equal to a full rebuild with the same frozen pipeline.

``refresh_index`` is what the nightly task runs: nothing when up to date, a full refit when the parameters
changed, the last fit is older than ``RECOMMENDER_REFIT_DAYS`` or more than ``RECOMMENDER_REFIT_DRIFT`` of
the catalog changed since it, and an incremental update otherwise.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import joblib
import numpy as np
from django.conf import settings
from django.utils import timezone

from catalog.models import CatalogRevision

from . import extended, services, storage, topk_tiles
from .build_lock import BuildLock
from .errors import RebuildError, RebuildInProgress
from .features import FeatureMatrices, TrackTable, load_catalog
from .index import MARGIN, METRIC_NUMBERS, METRICS, Neighbors, TileSpace, distinct_songs, valid_counts
from .models import IndexVersion
from .params import IndexParams
from .progress import ProgressReporter

LINEAGE_FILE = "lineage.json"


class IncrementalUnavailable(RebuildError):
    """The active version can't be updated in place of a rebuild (no version, no extended lists)."""


@dataclass
class CatalogChanges:
    added: np.ndarray  # track ids to transform and match: new to the index, or changed
    removed: np.ndarray  # track ids to take out of every list: gone, hidden, incomplete, or changed
    changed: int  # how many of them are in both (updated in place)

    def __bool__(self):
        return bool(len(self.added) or len(self.removed))


def catalog_changes(data, table):
    """What differs between a version's tracks (VersionData) and the catalog now (TrackTable)."""
    old_positions = data.positions(table.track_ids)
    both = old_positions >= 0
    old_attributes = np.asarray(data.attributes[old_positions[both]], dtype=np.float32)
    new_attributes = table.attributes[both].astype(np.float32)
    same = ((old_attributes == new_attributes) | (np.isnan(old_attributes) & np.isnan(new_attributes))).all(axis=1)
    genre_names = json.loads((data.directory / "genres.json").read_text())
    old_genres = [sorted(genre_names[number] for number in data.genres_of(position))
                  for position in old_positions[both].tolist()]
    new_genres = [sorted(names) for names, present in zip(table.genres, both.tolist(), strict=True) if present]
    same &= np.array([a == b for a, b in zip(old_genres, new_genres, strict=True)], dtype=bool)
    changed = table.track_ids[both][~same]
    added = np.union1d(table.track_ids[~both], changed)
    removed = np.union1d(np.setdiff1d(data.track_ids, table.track_ids, assume_unique=True), changed)
    return CatalogChanges(added.astype(np.int64), removed.astype(np.int64), len(changed))


def lineage(version):
    """{"fitted_version", "fitted_at", "changed_since_fit"} of a version (a full build is its own fit)."""
    path = version.directory / LINEAGE_FILE
    if path.is_file():
        return json.loads(path.read_text())
    return {"fitted_version": version.pk, "fitted_at": version.created_at.isoformat(), "changed_since_fit": 0}


def refresh_index(params=None, *, progress=None):
    """The nightly job: skip, update incrementally or rebuild fully (see the module docstring).

    Returns services.RebuildResult with ``reason`` saying which and why.
    """
    params = (params or IndexParams.from_settings()).validated()
    active = IndexVersion.objects.filter(status=IndexVersion.Status.ACTIVE).first()
    revision = CatalogRevision.current()
    if active is not None and services.is_up_to_date(active, params, revision):
        return services.RebuildResult(
            active, skipped=True, reason=f"index version {active.pk} is up to date with catalog revision {revision}")
    reason = _refit_reason(active, params)
    if reason is None:
        try:
            return update_index(progress=progress)
        except IncrementalUnavailable as error:
            reason = str(error)
    result = services.rebuild_index(params, progress=progress)
    result.reason = f"full rebuild: {reason}"
    return result


def _refit_reason(active, params):
    if active is None:
        return "no active index version"
    try:
        built_with = IndexParams.from_dict(active.params).validated()
    except RebuildError:
        built_with = None
    if built_with != params:
        return "the parameters changed"
    history = lineage(active)
    age = timezone.now() - datetime.fromisoformat(history["fitted_at"])
    if age > timedelta(days=settings.RECOMMENDER_REFIT_DAYS):
        return f"the pipeline was fitted {age.days} days ago"
    if history["changed_since_fit"] > settings.RECOMMENDER_REFIT_DRIFT * max(1, active.n_tracks):
        return f"{history['changed_since_fit']} tracks changed since the pipeline was fitted"
    return None


def update_index(*, activate=True, progress=None):
    """A new version from the active one and the catalog's changes, keeping its pipeline; activated.

    Raises IncrementalUnavailable when there is no active version with extended lists, RebuildInProgress
    while another build runs; any other error marks the new version failed and leaves the active one serving.
    """
    active = IndexVersion.objects.filter(status=IndexVersion.Status.ACTIVE).first()
    if active is None:
        raise IncrementalUnavailable("no active index version to update")
    data = storage.version_data(active.pk)
    lists = extended.read_extended_lists(data.directory)
    if lists is None:
        raise IncrementalUnavailable(f"index version {active.pk} has no extended neighbour lists")
    params = IndexParams.from_dict(active.params).validated()
    lock = BuildLock()
    if not lock.acquire():
        raise RebuildInProgress(IndexVersion.objects.filter(status=IndexVersion.Status.BUILDING).first())
    try:
        services.expire_dead_builds(lock)
        version = services.start_build(params, CatalogRevision.current())
        reporter = ProgressReporter(version, progress)
        try:
            _update(version, active, data, lists, params, reporter)
        except BaseException as error:
            services.fail_build(version, error)
            raise
        if activate:
            version = services.activate_version(version)
        return services.RebuildResult(version, activated=activate, pruned=services.prune_versions(),
                                      reason=f"incremental update of index version {active.pk}")
    finally:
        lock.release()


def _update(version, active, data, lists, params, reporter):
    reporter.stage("loading")
    table = load_catalog()
    if len(table) < 2:
        raise RebuildError("the catalog has fewer than 2 tracks to index")
    changes = catalog_changes(data, table)
    reporter.stage("features")
    pipeline = joblib.load(data.directory / "pipeline.joblib")
    matrices = frozen_matrices(table, pipeline, data, changes.added)
    reporter.stage("neighbours")
    extended_lists = merged_lists(data, lists, table.track_ids, matrices.weighted, changes, params.k, table.songs)
    neighbors, metrics, directory = services.measure_and_write(version, table, matrices, extended_lists, params.k,
                                                               reporter)
    history = lineage(active)
    history["changed_since_fit"] += len(changes.added) + len(changes.removed) - changes.changed
    (directory / LINEAGE_FILE).write_text(json.dumps(history))
    services.store_neighbor_lists(version, table.track_ids, neighbors, reporter)
    version.n_tracks, version.k = len(table), neighbors["cosine"].indices.shape[1]
    version.dimensions, version.metrics = int(matrices.weighted.shape[1]), metrics
    version.message = (f"incremental update of version {active.pk}: {len(changes.added)} tracks added or changed, "
                       f"{len(changes.removed)} taken out; pipeline of version {history['fitted_version']}")
    services.mark_ready(version, params, metrics, reporter, directory)


def frozen_matrices(table, pipeline, data=None, added=None):
    """The vectors of ``table`` under a fitted pipeline; rows not in ``added`` are copied from ``data``
    (a VersionData built with the same pipeline) instead of being transformed again."""
    if data is None or added is None:
        transform = np.ones(len(table), dtype=bool)
    else:
        transform = np.isin(table.track_ids, added) | (data.positions(table.track_ids) < 0)
    stack, normalize = pipeline.named_steps["stack"], pipeline.named_steps["normalize"]
    dimensions = len(stack.get_feature_names_out())
    weighted = np.empty((len(table), dimensions), dtype=np.float32)
    normalized = np.empty_like(weighted)
    if (~transform).any():
        old = data.positions(table.track_ids[~transform])
        weighted[~transform] = data.weighted[old]
        normalized[~transform] = data.normalized[old]
    if transform.any():
        rows = np.flatnonzero(transform)
        subset = TrackTable(table.track_ids[rows], table.attributes[rows], [table.genres[i] for i in rows],
                            table.primary_artists[rows])
        fresh = np.asarray(stack.transform(subset.frame()), dtype=np.float32)
        weighted[rows] = fresh
        normalized[rows] = np.asarray(normalize.transform(fresh), dtype=np.float32)
    return FeatureMatrices(weighted, normalized, pipeline, list(stack.get_feature_names_out()))


def merged_lists(data, lists, track_ids, weighted, changes, k, songs=None):
    """{metric: Neighbors} of width ``lists``' for the new catalog: exact prefixes holding at least k distinct
    songs (``songs`` numbers each track's song, see index.distinct_songs; None: every track its own)."""
    n = len(track_ids)
    width = min(next(iter(lists.values())).shape[1], n - 1)
    need = min(k, n - 1)
    space = TileSpace(weighted, min(width + MARGIN, n - 1))
    old_norms = topk_tiles.row_norms(np.ascontiguousarray(data.weighted))
    new_positions_of_old = _positions(track_ids, data.track_ids)
    new_positions_of_old[np.isin(data.track_ids, changes.removed)] = -1  # changed tracks are re-added
    added = np.flatnonzero(np.isin(track_ids, changes.added))
    kept = np.setdiff1d(np.arange(n), added)
    old_rows = data.positions(track_ids[kept])
    boundaries = {}
    for metric in METRICS:
        old_list = lists[metric][old_rows]
        old_list_positions = _positions(data.track_ids, old_list)
        survivors = np.where(old_list_positions >= 0, new_positions_of_old[np.maximum(old_list_positions, 0)], -1)
        space.seed(metric, kept, survivors)
        boundaries[metric] = _boundaries(data, old_norms, old_rows, old_list_positions, metric)
    space.offer_queries(METRICS, added, column_side=True)
    results = space.best(METRICS, width, with_keys=True)
    for metric, result in results.items():
        boundary_keys, boundary_ids = boundaries[metric]
        ids = np.where(result.indices[kept] >= 0, track_ids[np.maximum(result.indices[kept], 0)], -1)
        keys = result.keys[kept]
        # The boundary entry itself is known (<=); only tracks ranking behind it may be missing.
        exact = (keys < boundary_keys[:, None]) | ((keys == boundary_keys[:, None]) & (ids <= boundary_ids[:, None]))
        exact |= np.isnan(boundary_keys)[:, None]
        exact &= ids >= 0
        # A prefix: everything after the first entry that may have been outranked by an unknown track goes.
        prefix = np.cumprod(exact, axis=1).astype(bool)
        indices, scores = result.indices[kept], result.scores[kept]
        indices[~prefix], scores[~prefix] = -1, np.nan
        short = prefix.sum(axis=1) < need
        if songs is not None:
            # A prefix cut short of the full width must still yield k distinct songs, or a full rebuild (which
            # folds releases over the whole width) could list songs it doesn't know: recompute those rows too.
            distinct = valid_counts(distinct_songs(Neighbors(metric, indices, scores), songs, need, rows=kept))
            short |= (distinct < need) & (prefix.sum(axis=1) < width)
        rows = kept[short]
        result.indices[kept], result.scores[kept] = indices, scores
        if len(rows):
            space.forget(metric, rows)
            space.offer_queries((metric,), rows, column_side=False)
            again = space.best((metric,), width, rows=rows)[metric]
            result.indices[rows], result.scores[rows] = again.indices, again.scores
        results[metric] = Neighbors(metric, result.indices, result.scores)
    return results


def _positions(sorted_ids, ids):
    """Positions of ``ids`` in the ascending array ``sorted_ids`` (−1 where absent or for −1)."""
    ids = np.asarray(ids, dtype=np.int64)
    found = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return np.where((sorted_ids[found] == ids) & (ids >= 0), found, -1)


def _boundaries(data, norms, rows, list_positions, metric):
    """Per row, the exact key and track id of its old list's last entry (NaN when the list held every track)."""
    lengths = (list_positions >= 0).sum(axis=1)
    last = np.where(lengths > 0, list_positions[np.arange(len(rows)), np.maximum(lengths - 1, 0)], -1)
    matrix = np.ascontiguousarray(data.weighted)
    keys = topk_tiles.pair_keys(matrix, norms, rows.astype(np.int64), matrix, norms, last.astype(np.int64),
                                METRIC_NUMBERS[metric])
    keys[lengths >= len(data) - 1] = np.nan
    return keys, np.where(last >= 0, data.track_ids[np.maximum(last, 0)], -1)

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
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from django.conf import settings
from django.utils import timezone
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from catalog.models import CatalogRevision
from recommender import services, storage
from recommender.errors import RebuildError, RebuildInProgress
from recommender.models import IndexVersion
from recommender.services import ProgressCallback, RebuildResult
from recommender.storage import VersionData

from . import exact_topk, extended, merging, topk_tiles
from .build_lock import BuildLock
from .features import FeatureMatrices, TrackTable, estimated_values, load_catalog
from .params import IndexParams
from .progress import ProgressReporter
from .quality import list_quality
from .topk import MARGIN, METRIC_NUMBERS, METRICS, Neighbors, all_top_k, distinct_songs, worker_count

LINEAGE_FILE = "lineage.json"
# New rows per scanned product tile, and columns: a 256 × 4096 float32 tile is 4 MB.
SCAN_QUERIES = 256
SCAN_COLUMNS = 4096


class IncrementalUnavailable(RebuildError):
    """The active version can't be updated in place of a rebuild (no version, no extended lists)."""


@dataclass
class CatalogChanges:
    added: np.ndarray  # track ids to transform and match: new to the index, or changed
    removed: np.ndarray  # track ids to take out of every list: gone, hidden, incomplete, or changed
    changed: int  # how many of them are in both (updated in place)

    def __bool__(self) -> bool:
        return bool(len(self.added) or len(self.removed))


def catalog_changes(data: VersionData, table: TrackTable) -> CatalogChanges:
    """What differs between a version's tracks (VersionData) and the catalog now (TrackTable)."""
    old_positions = data.positions(table.track_ids)
    both = old_positions >= 0
    old_attributes = np.asarray(data.attributes)[old_positions[both]]
    new_attributes = table.attributes[both].astype(np.float32)
    same = ((old_attributes == new_attributes) | (np.isnan(old_attributes) & np.isnan(new_attributes))).all(axis=1)
    genre_names = json.loads((data.directory / "genres.json").read_text())
    same &= _same_genres(data.genre_indptr, data.genre_indices, old_positions[both],
                         [table.genres[row] for row in np.flatnonzero(both).tolist()], genre_names=genre_names)
    changed = table.track_ids[both][~same]
    added = np.union1d(table.track_ids[~both], changed)
    removed = np.union1d(np.setdiff1d(data.track_ids, table.track_ids, assume_unique=True), changed)
    return CatalogChanges(added.astype(np.int64), removed.astype(np.int64), len(changed))


def _same_genres(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray, genres: Sequence[Sequence[str]], *,
                 genre_names: Sequence[str]) -> np.ndarray:
    """Per old row ``rows[i]`` (its genre numbers in CSR ``indptr``/``indices`` into ``genre_names``): whether it
    has the same set of genres as the names ``genres[i]``. Compared as sorted numbers, whole arrays at a time."""
    numbers = {name: number for number, name in enumerate(genre_names)}
    new_counts = np.fromiter((len(names) for names in genres), dtype=np.int64, count=len(genres))
    new_flat = np.fromiter((numbers.get(name, -1) for names in genres for name in names), dtype=np.int64,
                           count=int(new_counts.sum()))
    old_counts = indptr[rows + 1] - indptr[rows]
    old_flat = indices[np.repeat(indptr[rows] - np.cumsum(old_counts) + old_counts, old_counts)
                       + np.arange(int(old_counts.sum()))].astype(np.int64)
    same = new_counts == old_counts
    owners = np.repeat(np.arange(len(rows)), new_counts)[np.repeat(same, new_counts)]
    new_flat, old_flat = new_flat[np.repeat(same, new_counts)], old_flat[np.repeat(same, old_counts)]
    # Owners ascend on both sides: sorting by (owner, number) lines the two sets of each owner up.
    new_flat = new_flat[np.lexsort((new_flat, owners))]
    old_flat = old_flat[np.lexsort((old_flat, owners))]
    same[owners[new_flat != old_flat]] = False
    return same


def lineage(version: IndexVersion) -> dict[str, Any]:
    """{"fitted_version", "fitted_at", "changed_since_fit"} of a version (a full build is its own fit)."""
    path = version.directory / LINEAGE_FILE
    if path.is_file():
        return json.loads(path.read_text())
    return {"fitted_version": version.pk, "fitted_at": version.created_at.isoformat(), "changed_since_fit": 0}


def refresh_index(params: IndexParams | None = None, *, progress: ProgressCallback | None = None) -> RebuildResult:
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


def _refit_reason(active: IndexVersion | None, params: IndexParams) -> str | None:
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


def update_index(*, activate: bool = True, progress: ProgressCallback | None = None) -> RebuildResult:
    """A new version from the active one and the catalog's changes, keeping its pipeline; activated.

    Raises IncrementalUnavailable when there is no active exact version with extended lists (refresh_index then
    rebuilds fully: an approximate version is never updated), RebuildInProgress
    while another build runs; any other error marks the new version failed and leaves the active one serving.
    """
    started = time.perf_counter()
    active = IndexVersion.objects.filter(status=IndexVersion.Status.ACTIVE).first()
    if active is None:
        raise IncrementalUnavailable("no active index version to update")
    params = IndexParams.from_dict(active.params).validated()
    if params.approximate:
        raise IncrementalUnavailable(f"index version {active.pk} is approximate; updates merge into exact lists "
                                     f"only")
    data = storage.version_data(active.pk)
    lists = extended.read_extended_lists(data.directory)
    if lists is None:
        raise IncrementalUnavailable(f"index version {active.pk} has no extended neighbour lists")
    if params.audio_weight > 0 and estimated_values(joblib.load(data.directory / "pipeline.joblib")) is None:
        raise IncrementalUnavailable(f"index version {active.pk}'s pipeline cannot estimate missing features")
    lock = BuildLock()
    if not lock.acquire():
        raise RebuildInProgress(IndexVersion.objects.filter(status=IndexVersion.Status.BUILDING).first())
    try:
        services.expire_dead_builds(lock)
        version = services.start_build(params, CatalogRevision.current())
        reporter = ProgressReporter(version, progress)
        try:
            built = _update(version, active, data, lists, params=params, reporter=reporter)
        except BaseException as error:
            services.fail_build(version, error)
            raise
        if activate:
            version = services.activate_version(version)
        table, normalized, neighbors, directory = built
        _measure_and_log(version, params, table, normalized, neighbors=neighbors, directory=directory,
                         until_activation=time.perf_counter() - started)
        return services.RebuildResult(version, activated=activate, pruned=services.prune_versions(),
                                      reason=f"incremental update of index version {active.pk}")
    finally:
        lock.release()


def _update(version: IndexVersion, active: IndexVersion, data: VersionData,
            lists: dict[str, tuple[np.ndarray, np.ndarray]], *, params: IndexParams,
            reporter: ProgressReporter) -> tuple[TrackTable, np.ndarray, dict[str, Neighbors], Path]:
    """Everything up to a ready version; returns what ``_measure_and_log`` needs afterwards."""
    reporter.stage("loading")
    table = load_catalog()
    if len(table) < 2:
        raise RebuildError("the catalog has fewer than 2 tracks to index")
    changes = catalog_changes(data, table)
    reporter.stage("features")
    pipeline = joblib.load(data.directory / "pipeline.joblib")
    matrices = frozen_matrices(table, pipeline, data, changes.added)
    reporter.stage("neighbours")
    extended_lists, neighbors = merged_lists(data, lists, table.track_ids, matrices.weighted, changes=changes,
                                             k=params.k, songs=table.songs)
    reporter.stage("storing")
    history = lineage(active)
    history["changed_since_fit"] += len(changes.added) + len(changes.removed) - changes.changed
    # PostgreSQL takes the lists in (a writer thread streams them) while the files are written on this side;
    # nothing in the block may query the database.
    with storage.neighbor_lists_streaming(version.pk, table.track_ids, neighbors):
        started = time.perf_counter()
        directory = storage.write_version_files(version.pk, table, matrices)
        extended.write_extended_lists(directory, table.track_ids, extended_lists)
        (directory / LINEAGE_FILE).write_text(json.dumps(history))
        reporter.seconds["files_while_storing"] = round(time.perf_counter() - started, 3)
    version.n_tracks, version.k = len(table), neighbors["cosine"].indices.shape[1]
    version.dimensions = int(matrices.weighted.shape[1])
    version.message = (f"incremental update of version {active.pk}: {len(changes.added)} tracks added or changed, "
                       f"{len(changes.removed)} taken out; pipeline of version {history['fitted_version']}")
    # Quality and the MLflow run come after the switch: they describe the version, they don't gate serving it.
    services.mark_ready(version, params, {}, reporter=reporter, directory=directory, log=False)
    return table, matrices.normalized, neighbors, directory


def _measure_and_log(version: IndexVersion, params: IndexParams, table: TrackTable, normalized: np.ndarray, *,
                     neighbors: dict[str, Neighbors], directory: Path, until_activation: float) -> None:
    """The quality metrics and MLflow run of a version already serving; their seconds join its timings, with
    the seconds from the start of the update to the switch (``until_activation``)."""
    timings = dict(version.timings)
    timings["until_activation"] = round(until_activation, 3)
    started = time.perf_counter()
    version.metrics = {metric: list_quality(result, table, normalized) for metric, result in neighbors.items()}
    timings["quality_after_activation"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    services.record_in_mlflow(version, params, version.metrics, timings=timings, directory=directory)
    timings["mlflow_after_activation"] = round(time.perf_counter() - started, 3)
    version.timings = timings
    IndexVersion.objects.filter(pk=version.pk).update(metrics=version.metrics, timings=timings,
                                                      mlflow_run_id=version.mlflow_run_id, message=version.message)


def frozen_rebuild(table: TrackTable, pipeline: Pipeline, k: int) -> dict[str, Neighbors]:
    """{metric: Neighbors}: what a full rebuild of ``table`` lists with a fitted ``pipeline`` (each track's first
    k distinct songs from the exact extended lists): the reference an update must equal."""
    weighted = frozen_matrices(table, pipeline).weighted
    full = all_top_k(weighted, extended.extended_width(k), METRICS)
    return {metric: distinct_songs(result, table.songs, k) for metric, result in full.items()}


def frozen_matrices(table: TrackTable, pipeline: Pipeline, data: VersionData | None = None,
                    added: np.ndarray | None = None) -> FeatureMatrices:
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
    if data is not None and (~transform).any():
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


def merged_lists(data: VersionData, lists: dict[str, tuple[np.ndarray, np.ndarray]], track_ids: np.ndarray,
                 weighted: np.ndarray, *, changes: CatalogChanges, k: int,
                 songs: np.ndarray | None = None) -> tuple[dict[str, Neighbors], dict[str, Neighbors]]:
    """The new catalog's lists from the old version's: ({metric: Neighbors} extended lists, the exact prefixes
    kept in the version's files; {metric: Neighbors} each track's first k distinct songs).

    ``lists``: the old version's {metric: (track ids, scores)} (extended.read_extended_lists). ``songs`` numbers
    each track's song (see index.distinct_songs; None: every track its own). New and changed tracks are scanned
    against every track in one pass that also finds, for each old list, the new tracks ranking ahead of its
    last entry; those are merged in by exact key. Lists left too short are recomputed against every track.
    """
    n = len(track_ids)
    width = min(extended.extended_width(k), n - 1)
    songs = np.arange(n, dtype=np.int64) if songs is None else np.asarray(songs, dtype=np.int64)
    matrix = np.ascontiguousarray(weighted, dtype=np.float32)
    norms = topk_tiles.row_norms(matrix)
    is_added = np.isin(track_ids, changes.added)
    added, kept = np.flatnonzero(is_added), np.flatnonzero(~is_added)
    old_rows = data.positions(track_ids[kept])
    old_matrix = np.asarray(data.weighted)
    old_norms = topk_tiles.row_norms(old_matrix)
    # Positions by track id (the last slot answers the −1 padding): new ones, −1 for tracks taken out or changed.
    top = int(max(track_ids.max(initial=0), data.track_ids.max(initial=0))) + 1
    new_positions = np.full(top + 1, -1, dtype=np.int64)
    new_positions[track_ids] = np.arange(n)
    new_positions[changes.removed] = -1
    old_positions = np.full(top + 1, -1, dtype=np.int64)
    old_positions[data.track_ids] = np.arange(len(data))
    boundaries = {}
    thresholds = np.full((len(METRICS), n), np.inf, dtype=np.float32)
    for metric in METRICS:
        keys, _ids = boundaries[metric] = merging.boundaries(
            matrix=old_matrix, norms=old_norms, rows=old_rows, lists=np.asarray(lists[metric][0]),
            positions=old_positions, metric=METRIC_NUMBERS[metric], count=len(data))
        # A new track can only enter an old list by ranking ahead of its last entry: in float32, allow the error.
        lowest = exact_topk.similarities(keys, metric) - exact_topk.score_errors(norms, metric, matrix.shape[1])[kept]
        thresholds[METRIC_NUMBERS[metric], kept] = np.nextafter(
            np.where(np.isnan(keys), -np.inf, lowest).astype(np.float32), np.float32(-np.inf))
    heaps, pairs = _scan(matrix, norms, added, thresholds, kk=min(width + MARGIN, n - 1))
    extended_lists, folded = {}, {}
    for metric in METRICS:
        number = METRIC_NUMBERS[metric]
        out = np.empty((n, width), dtype=np.int32)  # every row is written below
        out_scores = np.empty((n, width), dtype=np.float32)
        lengths = np.empty(n, dtype=np.int64)
        out[added], out_scores[added] = _best_of_heaps(matrix, norms, added, heaps, metric=metric, width=width)
        lengths[added] = (out[added] >= 0).sum(axis=1)
        queries, columns = pairs[number]
        order = np.argsort(columns, kind="stable")
        pointers = np.searchsorted(np.searchsorted(kept, columns[order]), np.arange(len(kept) + 1))
        _merge_in_halves(matrix, norms, number, kept, old_rows=old_rows, old_lists=lists[metric],
                         new_positions=new_positions, track_ids=track_ids, boundaries=boundaries[metric],
                         pointers=pointers, candidates=queries[order], outputs=(out, out_scores, lengths))
        first = distinct_songs(Neighbors(metric, out, out_scores), songs, k)
        # A prefix cut short of the full width must still yield k distinct songs, or a full rebuild (which folds
        # releases over the whole width) could list songs it doesn't know: recompute those rows exactly.
        short = (np.flatnonzero((lengths < width) & (first.indices[:, -1] < 0)) if first.indices.shape[1]
                 else np.empty(0, dtype=np.int64))
        if len(short):
            out[short], out_scores[short], _keys = exact_topk.exact_top_k(matrix, short, metric, width, norms=norms)
            again = distinct_songs(Neighbors(metric, out[short], out_scores[short]), songs, k, rows=short)
            first.indices[short], first.scores[short] = again.indices, again.scores
        extended_lists[metric] = Neighbors(metric, out, out_scores)
        folded[metric] = first
    return extended_lists, folded


def _merge_in_halves(matrix: np.ndarray, norms: np.ndarray, number: int, rows: np.ndarray, *, old_rows: np.ndarray,
                     old_lists: tuple[np.ndarray, np.ndarray], new_positions: np.ndarray, track_ids: np.ndarray,
                     boundaries: tuple[np.ndarray, np.ndarray], pointers: np.ndarray, candidates: np.ndarray,
                     outputs: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    """merging.merge_lists over two halves of ``rows`` on two threads (the compiled merge releases the GIL)."""
    old_ids, old_scores = (np.asarray(array) for array in old_lists)
    keys, ids = boundaries

    def merge(start: int, stop: int) -> None:
        out, out_scores, lengths = outputs
        merging.merge_lists(matrix=matrix, norms=norms, metric=number, rows=rows[start:stop],
                            old_rows=old_rows[start:stop], old_lists=old_ids, old_scores=old_scores,
                            new_positions=new_positions, track_ids=track_ids, boundary_keys=keys[start:stop],
                            boundary_ids=ids[start:stop], pointers=pointers[start:stop + 1], candidates=candidates,
                            out=out, out_scores=out_scores, lengths=lengths)

    middle = len(rows) // 2
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(merge, (0, middle), (middle, len(rows))))


def _scan(matrix: np.ndarray, norms: np.ndarray, queries: np.ndarray, thresholds: np.ndarray, *,
          kk: int) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], list[tuple[np.ndarray, ...]]]:
    """One pass of ``queries`` against every row (merging.scan_tile): the queries' candidate heaps
    ([metric][query]) and, per metric, (query, row) pairs that reached the row's threshold."""
    n, count = len(matrix), len(queries)
    inverse_norms = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0).astype(np.float32)
    half_squared = (norms ** 2 / 2).astype(np.float32)
    capacity = max(1 << 16, 4 * SCAN_QUERIES * kk)
    while True:
        heaps = (np.full((2, count, kk), -np.inf, dtype=np.float32), np.full((2, count, kk), -1, dtype=np.int32),
                 np.zeros((2, count), dtype=np.int32), np.full((2, count), -np.inf, dtype=np.float32))
        # Small products on one BLAS thread each, which a busy machine doesn't leave spinning for its siblings;
        # the query blocks run on worker threads (the heaps of a block are its own; pairs are per block).
        blocks = [queries[start:start + SCAN_QUERIES].astype(np.int64) for start in range(0, count, SCAN_QUERIES)]
        buffers = [(np.empty((2, capacity), dtype=np.int64), np.empty((2, capacity), dtype=np.int64),
                    np.zeros(2, dtype=np.int64)) for _block in blocks]

        local = threading.local()

        def run(number: int, *, heaps: tuple[np.ndarray, ...] = heaps, blocks: list[np.ndarray] = blocks,
                buffers: Sequence[tuple[np.ndarray, ...]] = buffers, local: threading.local = local) -> None:
            left, rows = matrix[blocks[number]], blocks[number]
            if not hasattr(local, "tile"):  # one product buffer per thread, not a fresh allocation per tile
                local.tile = np.empty(SCAN_QUERIES * SCAN_COLUMNS, dtype=np.float32)
            for column_start in range(0, n, SCAN_COLUMNS):
                columns = matrix[column_start:column_start + SCAN_COLUMNS]
                product = local.tile[:len(left) * len(columns)].reshape(len(left), len(columns))
                np.matmul(left, columns.T, out=product)
                heap_scores, heap_items, heap_sizes, heap_floor = heaps
                pair_queries, pair_columns, pair_counts = buffers[number]
                merging.scan_tile(product=product, queries=rows, query_offset=number * SCAN_QUERIES,
                                  column_start=column_start, inverse_norms=inverse_norms, half_squared=half_squared,
                                  heap_scores=heap_scores, heap_items=heap_items, heap_sizes=heap_sizes,
                                  heap_floor=heap_floor, thresholds=thresholds, pair_queries=pair_queries,
                                  pair_columns=pair_columns, pair_counts=pair_counts)

        with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(worker_count(None)) as pool:
            list(pool.map(run, range(len(blocks))))
        counts = np.array([max((buffer[2][number] for buffer in buffers), default=0) for number in range(2)])
        if counts.max(initial=0) <= capacity:
            empty = [np.empty(0, dtype=np.int64)]
            pairs = [tuple(np.concatenate([buffer[side][number, :buffer[2][number]] for buffer in buffers] + empty)
                           for side in (0, 1)) for number in range(2)]
            return heaps, pairs
        capacity = int(counts.max())


def _best_of_heaps(matrix: np.ndarray, norms: np.ndarray, rows: np.ndarray, heaps: tuple[np.ndarray, ...], *,
                   metric: str, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The exact best ``width`` of each query's heap (ties by position); rows the float32 cut may have decided
    are recomputed against every row (exact_topk)."""
    number = METRIC_NUMBERS[metric]
    scores, items, sizes, floors = (heap[number] for heap in heaps)
    if not len(rows):
        return np.empty((0, width), dtype=np.int64), np.empty((0, width), dtype=np.float32)
    candidates = items.astype(np.int64)
    valid = candidates >= 0
    keys = topk_tiles.pair_keys(matrix, norms, np.repeat(rows.astype(np.int64), candidates.shape[1]), matrix, norms,
                                candidates.reshape(-1), number).reshape(candidates.shape)
    keys[~valid] = np.inf
    order = np.lexsort((np.where(valid, candidates, len(matrix)), keys), axis=-1)[:, :width]
    best = np.where(np.take_along_axis(valid, order, axis=1), np.take_along_axis(candidates, order, axis=1), -1)
    best_keys = np.take_along_axis(keys, order, axis=1)
    best_keys[best < 0] = np.nan
    best_scores = exact_topk.scores_of(best_keys, metric)
    last = best_keys[:, -1]
    errors = exact_topk.score_errors(norms, metric, matrix.shape[1])[rows]
    doubtful = np.flatnonzero(exact_topk.uncertain(last, floors, sizes == items.shape[1], errors, metric=metric))
    if len(doubtful):
        best[doubtful], best_scores[doubtful], _keys = exact_topk.exact_top_k(matrix, rows[doubtful], metric, width,
                                                                            norms=norms)
    return best, best_scores

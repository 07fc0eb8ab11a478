"""Writes: rebuilding the index, activating a version, pruning old ones.

A rebuild reads the catalog, fits the feature pipeline, computes both neighbour lists, writes files and
rows under a new version with status "building", logs an MLflow run, and only then switches the active
version in one transaction. Whatever fails or is killed before the switch leaves the old version serving;
its half-written version is marked failed at once, or — when its process was killed — by the next rebuild,
which knows the builder is dead because the rebuild lock (build_lock.py) is free.
"""

import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import CatalogRevision

from . import storage
from .errors import NOTHING_TO_INDEX, IndexFilesMissing, RebuildError, RebuildInProgress, RecallTooLow, RecommenderError
from .index import approximate, extended
from .index.build_lock import BuildLock
from .index.features import FeatureMatrices, TrackTable, fit_features, indexable_tracks, load_catalog
from .index.params import IndexParams
from .index.progress import ProgressReporter
from .index.quality import list_quality
from .index.topk import METRICS, Neighbors, all_top_k, distinct_songs
from .models import IndexVersion
from .tracking import log_build

ProgressCallback = Callable[[str, float], None]  # (stage, fraction done)

logger = logging.getLogger(__name__)
Status = IndexVersion.Status
# The message a sharded build (recommender.index.distributed) carries while it runs; see expire_dead_builds.
DISTRIBUTED_BUILD = "distributed rebuild"


@dataclass
class RebuildResult:
    version: IndexVersion | None
    skipped: bool = False
    reason: str = ""
    activated: bool = False
    pruned: list = field(default_factory=list)


def rebuild_index(params: IndexParams | None = None, *, if_stale: bool = False, activate: bool = True,
                  progress: ProgressCallback | None = None) -> RebuildResult:
    """Build a new index version from the catalog and (by default) make it the active one.

    ``params``: IndexParams (default: from settings). ``if_stale``: do nothing when the active version was
    built with the same params from the current catalog revision. ``progress(stage, fraction)`` is called as
    the build advances. Raises RebuildInProgress when another build is running, RebuildError when the
    catalog has nothing to index; any other error marks the version failed and is re-raised.

    The rebuild lock is held from before the staleness check to the end: whoever holds it first fails and
    cleans the versions of dead builders, so a killed build never blocks the next one (``if_stale`` included).
    """
    params = (params or IndexParams.from_settings()).validated()
    lock = BuildLock()
    if not lock.acquire():
        skipped = _skip_if_up_to_date(params) if if_stale else None
        if skipped is not None:
            return skipped
        raise RebuildInProgress(IndexVersion.objects.filter(status=Status.BUILDING).first())
    try:
        expire_dead_builds(lock)
        if if_stale:
            skipped = _skip_if_up_to_date(params)
            if skipped is not None:
                return skipped
        if indexable_tracks().count() < 2:
            raise RebuildError(NOTHING_TO_INDEX)
        version = start_build(params, CatalogRevision.current())
        reporter = ProgressReporter(version, progress)
        try:
            _build(version, params, reporter)
        except BaseException as error:
            fail_build(version, error)
            raise
        if activate:
            version = activate_version(version)
        return RebuildResult(version, activated=activate, pruned=prune_versions())
    finally:
        lock.release()


def _skip_if_up_to_date(params: IndexParams) -> RebuildResult | None:
    revision = CatalogRevision.current()
    current = IndexVersion.objects.filter(status=Status.ACTIVE).first()
    if current is not None and is_up_to_date(current, params, revision):
        return RebuildResult(current, skipped=True,
                             reason=f"index version {current.pk} is up to date with catalog revision {revision}")
    return None


def _build(version: IndexVersion, params: IndexParams, reporter: ProgressReporter) -> None:
    reporter.stage("loading")
    table = load_catalog()
    if len(table) < 2:
        raise RebuildError("the catalog has fewer than 2 tracks to index")
    build_from_table(version, table, params, reporter)


def build_from_table(version: IndexVersion, table: TrackTable, params: IndexParams, reporter: ProgressReporter) -> None:
    """Every stage after reading the catalog, up to a ready version (bench/bench_1m.py times this)."""
    reporter.stage("features")
    matrices = fit_features(table, params)
    reporter.stage("neighbours")
    width = extended.extended_width(params.k)
    threads = settings.RECOMMENDER_INDEX_THREADS or None
    # More than k are computed: k distinct songs (never the track's own) must remain once releases are folded.
    if params.approximate:
        neighbors = approximate.approximate_lists(
            matrices.weighted, matrices.normalized, table.songs, params.k, width=width, metrics=METRICS,
            nlist=params.nlist, nprobe=params.nprobe, n_jobs=threads, progress=reporter.update)
        extended_lists = None
        measured = check_recall(version, table, matrices, neighbors=neighbors, params=params, reporter=reporter)
    else:
        # Cosine on the weighted rows ranks exactly as on their normalised copies (the kernel divides by norms).
        # The extended lists are kept in the version's files for incremental updates to take tracks out of.
        extended_lists = all_top_k(matrices.weighted, width, METRICS, n_jobs=threads,
                                   progress=lambda done, total: reporter.update(done / total))
        neighbors = {metric: distinct_songs(result, table.songs, params.k) for metric, result in extended_lists.items()}
        measured = {}
    metrics, directory = measure_and_write(version, table, matrices, neighbors=neighbors,
                                           extended_lists=extended_lists, reporter=reporter)
    metrics = {metric: {**values, **measured.get(metric, {})} for metric, values in metrics.items()}
    del extended_lists
    store_neighbor_lists(version, table.track_ids, neighbors, reporter)
    version.n_tracks, version.k = len(table), neighbors["cosine"].indices.shape[1]
    version.dimensions, version.metrics = int(matrices.weighted.shape[1]), metrics
    del neighbors, matrices, table
    mark_ready(version, params, metrics, reporter=reporter, directory=directory)


def check_recall(version: IndexVersion, table: TrackTable, matrices: FeatureMatrices, *,
                 neighbors: dict[str, Neighbors], params: IndexParams,
                 reporter: ProgressReporter) -> dict[str, dict[str, float]]:
    """The "recall" stage of an approximate build: recall@k of every metric's lists on a random sample of tracks
    against exact ones, recorded on the version; RecallTooLow when one is under RECOMMENDER_APPROXIMATE_MIN_RECALL.
    Returns {metric: {"recall_at_k", "ivf_lists"}} for the version's metrics."""
    reporter.stage("recall")
    rows = approximate.sample_rows(len(table), settings.RECOMMENDER_APPROXIMATE_RECALL_ROWS, seed=version.pk)
    recall = approximate.measure_recall(matrices.weighted, matrices.normalized, table.songs, neighbors, k=params.k,
                                        width=extended.extended_width(params.k), rows=rows,
                                        n_jobs=settings.RECOMMENDER_INDEX_THREADS or None)
    lists = approximate.list_count(len(table), params.nlist)
    measured = {metric: {"recall_at_k": value, "ivf_lists": lists} for metric, value in recall.items()}
    IndexVersion.objects.filter(pk=version.pk).update(metrics=measured)
    minimum = settings.RECOMMENDER_APPROXIMATE_MIN_RECALL
    low = {metric: value for metric, value in recall.items() if value < minimum}
    if low:
        found = ", ".join(f"{metric} {value:.4f}" for metric, value in low.items())
        raise RecallTooLow(f"approximate lists' recall@{params.k} on {len(rows)} sampled tracks is below "
                           f"RECOMMENDER_APPROXIMATE_MIN_RECALL ({minimum}): {found}; raise nprobe (now "
                           f"{params.nprobe}); the active version stays")
    return measured


def measure_and_write(version: IndexVersion, table: TrackTable, matrices: FeatureMatrices, *,
                      neighbors: dict[str, Neighbors], extended_lists: dict[str, Neighbors] | None,
                      reporter: ProgressReporter) -> tuple[dict[str, dict[str, float]], Path]:
    """The "quality" and "files" stages: quality metrics of each track's first k distinct songs per metric, and
    the version's files (with the extended lists, when given); returns (quality metrics, directory)."""
    reporter.stage("quality")
    metrics = {metric: list_quality(result, table, matrices.normalized) for metric, result in neighbors.items()}
    reporter.stage("files")
    directory = storage.write_version_files(version.pk, table, matrices)
    if extended_lists is not None:
        extended.write_extended_lists(directory, table.track_ids, extended_lists)
    return metrics, directory


def store_neighbor_lists(version: IndexVersion, track_ids: np.ndarray, neighbors: dict[str, Neighbors],
                         reporter: ProgressReporter) -> None:
    """The "storing" stage: every track's list of both metrics into the database."""
    reporter.stage("storing")
    for number, metric in enumerate(METRICS):
        storage.write_neighbor_lists(
            version.pk, metric, track_ids, neighbors[metric],
            progress=lambda done, total, number=number: reporter.update((number + done / total) / len(METRICS)))


def mark_ready(version: IndexVersion, params: IndexParams, metrics: dict[str, dict[str, float]], *,
               reporter: ProgressReporter, directory: Path, log: bool = True) -> None:
    """Log a built version to MLflow (unless not ``log``: the caller does it later with ``record_in_mlflow``)
    and mark it ready (unless it was expired meanwhile)."""
    if log:
        reporter.stage("mlflow")
        record_in_mlflow(version, params, metrics, timings=reporter.timings(), directory=directory)
    reporter.finish()
    version.timings = reporter.timings()
    version.status, version.stage, version.progress = Status.READY, "done", 1.0
    version.finished_at = timezone.now()
    fields = ["status", "stage", "progress", "finished_at", "timings", "metrics", "n_tracks", "k", "dimensions",
              "mlflow_run_id", "message"]
    # Conditional: a build that went silent too long may have been expired by another process meanwhile.
    if not IndexVersion.objects.filter(pk=version.pk, status=Status.BUILDING).update(
            **{name: getattr(version, name) for name in fields}):
        raise RebuildError(f"index version {version.pk} was marked failed while it was being built")


def record_in_mlflow(version: IndexVersion, params: IndexParams, metrics: dict[str, dict[str, float]], *,
                     timings: dict[str, float], directory: Path) -> None:
    """Set ``version.mlflow_run_id`` to a new MLflow run of it; on failure, say so in ``version.message``."""
    logged = log_build(version, params, metrics, timings,
                       artifacts=[directory / "pipeline.joblib", directory / "manifest.json"])
    version.mlflow_run_id = logged.run_id
    if logged.error is not None:  # the index is good without its MLflow record; say so instead of failing
        version.message = f"MLflow logging failed: {logged.error}"


def is_up_to_date(version: IndexVersion, params: IndexParams, revision: int) -> bool:
    try:
        built_with = IndexParams.from_dict(version.params).validated()
    except RebuildError:
        return False
    return version.catalog_revision == revision and built_with == params


def start_build(params: IndexParams, revision: int) -> IndexVersion:
    """Create the "building" version — the lock: a partial unique index allows only one."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IndexVersion.objects.create(status=Status.BUILDING, params=params.as_dict(), k=params.k,
                                                   catalog_revision=revision, stage="starting")
        except IntegrityError:
            running = IndexVersion.objects.filter(status=Status.BUILDING).first()
            if running is not None:
                raise RebuildInProgress(running) from None
    raise RebuildError("could not start a build: the building slot kept changing hands")


def fail_build(version: IndexVersion, error: BaseException) -> None:
    """Mark a build failed and drop what it wrote; never raises over the original error."""
    message = "interrupted" if isinstance(error, KeyboardInterrupt) else f"{type(error).__name__}: {error}"
    try:
        IndexVersion.objects.filter(pk=version.pk).update(status=Status.FAILED, message=message[:2000],
                                                          finished_at=timezone.now())
        storage.delete_neighbor_lists(version.pk)
    except Exception:
        logger.exception("could not record the failure of index version %s", version.pk)
    storage.remove_version_files(version.pk)


def expire_dead_builds(lock: BuildLock) -> list[int]:
    """Fail and clean the "building" versions of builders that died; return their ids.

    With the rebuild lock held (PostgreSQL) every building version is dead: its builder would hold the lock.
    Without advisory locks, only versions whose heartbeat stopped ``RECOMMENDER_REBUILD_STALE_SECONDS`` ago are.
    """
    if not lock.held:
        return []
    dead = IndexVersion.objects.filter(status=Status.BUILDING)
    silent = Q(heartbeat_at__lt=timezone.now() - timedelta(seconds=settings.RECOMMENDER_REBUILD_STALE_SECONDS))
    if not lock.supported:
        dead = dead.filter(silent)
    else:
        # A sharded build (recommender.index.distributed) has no single process to hold the lock: its workers'
        # heartbeats say whether it is alive.
        dead = dead.exclude(Q(message__startswith=DISTRIBUTED_BUILD) & ~silent)
    expired = []
    for version in dead:
        message = (f"stopped without finishing (its builder died); last heartbeat "
                   f"{version.heartbeat_at:%Y-%m-%d %H:%M:%S %Z}")
        # Conditional: without the lock, a heartbeat may have arrived since the query (then it isn't dead).
        if dead.filter(pk=version.pk).update(status=Status.FAILED, message=message, finished_at=timezone.now()):
            storage.delete_neighbor_lists(version.pk)
            storage.remove_version_files(version.pk)
            expired.append(version.pk)
    return expired


def fail_dead_builds() -> list[IndexVersion]:
    """Fail and clean the versions of builders that died; returns them ([] while a live builder holds the lock)."""
    lock = BuildLock()
    if not lock.acquire():
        return []
    try:
        return list(IndexVersion.objects.filter(pk__in=expire_dead_builds(lock)).order_by("pk"))
    finally:
        lock.release()


def running_build() -> IndexVersion | None:
    """The version a live builder is building, or None; fails and cleans dead builders' versions on the way."""
    lock = BuildLock()
    if not lock.acquire():
        return IndexVersion.objects.filter(status=Status.BUILDING).first()
    try:
        expire_dead_builds(lock)
        # Without advisory locks a building version with a fresh heartbeat is taken as alive.
        return IndexVersion.objects.filter(status=Status.BUILDING).first()
    finally:
        lock.release()


def activate_version(version: IndexVersion) -> IndexVersion:
    """Make a ready version the active one, in one transaction; return it refreshed."""
    with transaction.atomic():
        target = IndexVersion.objects.select_for_update().get(pk=version.pk)
        if target.status == Status.ACTIVE:
            return target
        if target.status != Status.READY:
            raise RecommenderError(f"index version {target.pk} is {target.status}; only ready versions can be "
                                   f"activated")
        if not storage.version_files_exist(target.pk):
            raise IndexFilesMissing(f"the files of index version {target.pk} are missing; it can't be activated")
        # Demote first: the partial unique index allows one active row at any moment.
        IndexVersion.objects.filter(status=Status.ACTIVE).update(status=Status.READY)
        target.status, target.activated_at = Status.ACTIVE, timezone.now()
        target.save(update_fields=["status", "activated_at"])
    return target


def prune_versions(keep: int | None = None) -> list[int]:
    """Delete all but the active version, the newest ``keep - 1`` ready ones and the newest failed one.

    At least 2 versions are always kept so the one just replaced can finish serving requests in flight.
    Returns the deleted version ids.
    """
    keep = max(2, keep or settings.RECOMMENDER_KEEP_VERSIONS)
    ready_kept, failed_kept, doomed = 0, False, []
    for version in IndexVersion.objects.exclude(status=Status.BUILDING).order_by("-id"):
        if version.status == Status.ACTIVE:
            continue
        if version.status == Status.READY and ready_kept < keep - 1:
            ready_kept += 1
        elif version.status == Status.FAILED and not failed_kept:
            failed_kept = True
        else:
            doomed.append(version.pk)
    for version_id in doomed:
        storage.delete_neighbor_lists(version_id)
        IndexVersion.objects.filter(pk=version_id).delete()
        storage.remove_version_files(version_id)
        storage.forget_version_data(version_id)
    _remove_orphan_directories()
    return doomed


def _remove_orphan_directories() -> None:
    """Version directories left by killed builds or deleted versions (only names like "12" or "12.tmp")."""
    root = Path(settings.RECOMMENDER_INDEX_DIR)
    if not root.is_dir():
        return
    live = {str(pk) for pk in IndexVersion.objects.exclude(status=Status.FAILED).values_list("pk", flat=True)}
    building = {str(pk) for pk in IndexVersion.objects.filter(status=Status.BUILDING).values_list("pk", flat=True)}
    for path in root.iterdir():
        match = re.fullmatch(r"(\d+)(\.tmp)?", path.name)
        if not match or not path.is_dir():
            continue
        version_id, temporary = match.group(1), bool(match.group(2))
        if version_id in building or (version_id in live and not temporary):
            continue
        shutil.rmtree(path, ignore_errors=True)

"""A rebuild spread over Celery workers: row shards of the top-k computed in parallel, then one activation.

1. ``prepare_build`` (the task that starts it): takes the "building" slot, reads the catalog, fits the
   pipeline and writes the version's files under ``RECOMMENDER_INDEX_DIR``, which every worker must see (a
   shared filesystem), and returns the shards: row ranges of ``RECOMMENDER_SHARD_ROWS`` rows.
2. ``compute_shard`` (any worker, several at once): its rows against every track; their lists go to
   PostgreSQL in one transaction that first deletes whatever an earlier attempt of the shard wrote, and
   their extended lists to ``shards/<start>-<stop>.npz`` by one rename. A worker that dies mid-shard leaves
   either nothing or a complete shard; the redelivered task (``acks_late`` + ``reject_on_worker_lost``) writes
   it again, so there are never duplicate or missing rows.
3. ``finish_build`` (the chord's callback, one run at a time under the rebuild lock): checks that every shard is
   there (a shard run twice may have been counted twice, firing the callback early or twice), joins the extended
   lists, measures quality, marks the version ready and activates it.
"""

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import CatalogRevision, TrackArtist
from catalog.songs import song_keys, song_of
from recommender import services, storage
from recommender.errors import NOTHING_TO_INDEX, RebuildError
from recommender.models import IndexVersion, NeighborList

from . import extended
from .build_lock import BuildLock
from .features import TrackTable, fit_features, indexable_tracks, load_catalog, song_numbers
from .params import IndexParams
from .progress import ProgressReporter
from .quality import list_quality
from .topk import MARGIN, METRICS, Neighbors, TileSpace, distinct_songs

Status = IndexVersion.Status


class NotYetFinishable(RebuildError):
    """The chord's callback can't finish the version now; the task retries it."""


class ShardsMissing(NotYetFinishable):
    """The callback ran before every shard had written its lists."""


class FinishingElsewhere(NotYetFinishable):
    """Another run of the callback is finishing the version (a shard counted twice fires the chord twice)."""


def shard_ranges(n: int, shard_rows: int | None = None) -> list[tuple[int, int]]:
    size = max(1, int(shard_rows or settings.RECOMMENDER_SHARD_ROWS))
    return [(start, min(n, start + size)) for start in range(0, n, size)]


def prepare_build(params: IndexParams | None = None,
                  shard_rows: int | None = None) -> tuple[IndexVersion, list[tuple[int, int]]]:
    """Start a version and write its vectors; return (version, [(start, stop), …]) for the shards."""
    params = (params or IndexParams.from_settings()).validated()
    if params.approximate:
        raise RebuildError("a distributed rebuild is exact only: build approximate lists in one process "
                           "(rebuild_index --approximate), or unset RECOMMENDER_APPROXIMATE")
    if indexable_tracks().count() < 2:
        raise RebuildError(NOTHING_TO_INDEX)
    services.running_build()  # fails and cleans the versions of dead builders first
    version = services.start_build(params, CatalogRevision.current())
    # No single process holds the rebuild lock for a sharded build; this marks it for heartbeat checks instead.
    IndexVersion.objects.filter(pk=version.pk).update(message=services.DISTRIBUTED_BUILD)
    reporter = ProgressReporter(version)
    try:
        reporter.stage("loading")
        table = load_catalog()
        reporter.stage("features")
        matrices = fit_features(table, params)
        reporter.stage("files")
        storage.write_version_files(version.pk, table, matrices)
        reporter.stage("neighbours")
    except BaseException as error:
        services.fail_build(version, error)
        raise
    return version, shard_ranges(len(table), shard_rows)


def _shard_path(version_id: int, start: int, stop: int) -> Path:
    return Path(settings.RECOMMENDER_INDEX_DIR) / str(version_id) / "shards" / f"{start}-{stop}.npz"


def compute_shard(version_id: int, start: int, stop: int) -> dict[str, Any]:
    """Compute and store the lists of rows [start, stop) of a building version; idempotent."""
    version = IndexVersion.objects.filter(pk=version_id).first()
    if version is None or version.status != Status.BUILDING:
        return {"status": "skipped", "reason": f"index version {version_id} is not building"}
    _heartbeat(version_id)
    try:
        data = storage.VersionData(version_id, version.directory)
        matrix = np.ascontiguousarray(data.weighted)
        n, k = len(data), min(version.k, len(data) - 1)
        songs = version_songs(data)
        width = min(extended.extended_width(version.k), n - 1)
        space = TileSpace(matrix, min(width + MARGIN, n - 1))
        rows = np.arange(start, stop, dtype=np.int64)
        space.offer_queries(METRICS, rows, column_side=False, n_jobs=settings.RECOMMENDER_INDEX_THREADS or None,
                            progress=lambda done, total: _heartbeat(version_id))
        results = space.exact_best(METRICS, width, rows=rows)
        path = _shard_path(version_id, start, stop)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp.npz")
        with temporary.open("wb") as handle:
            arrays = {metric: data.track_ids[result.indices] for metric, result in results.items()}
            arrays.update({f"{metric}_scores": result.scores for metric, result in results.items()})
            np.savez(handle, allow_pickle=True, **arrays)
        owners = data.track_ids[start:stop]
        with transaction.atomic():
            NeighborList.objects.filter(version_id=version_id, track_id__gte=int(owners[0]),
                                        track_id__lte=int(owners[-1])).delete()
            for metric, result in results.items():
                storage.write_neighbor_lists(version_id, metric, data.track_ids,
                                             distinct_songs(result, songs, k, rows=rows), owners=owners)
        os.replace(temporary, path)
    except BaseException as error:
        services.fail_build(version, error)
        raise
    _heartbeat(version_id)
    return {"status": "done", "version": version_id, "rows": [start, stop]}


def _heartbeat(version_id: int) -> None:
    IndexVersion.objects.filter(pk=version_id, status=Status.BUILDING).update(heartbeat_at=timezone.now())


def finish_build(version_id: int, shards: Sequence[tuple[int, int]], activate: bool = True) -> services.RebuildResult:
    """Check every shard, join their extended lists, measure, mark ready and activate.

    One finisher at a time: it holds the rebuild lock (no other build can run during a sharded one anyway), so a
    duplicate callback waits (FinishingElsewhere) and then finds the version done. Raises NotYetFinishable.
    """
    lock = BuildLock()
    if not lock.acquire():
        raise FinishingElsewhere(f"index version {version_id}: another worker is finishing it")
    try:
        return _finish_build(version_id, shards, activate)
    finally:
        lock.release()


def _finish_build(version_id: int, shards: Sequence[tuple[int, int]], activate: bool) -> services.RebuildResult:
    version = IndexVersion.objects.get(pk=version_id)
    if version.status != Status.BUILDING:
        return services.RebuildResult(version, skipped=True, reason=f"index version {version_id} is {version.status}")
    missing = [(start, stop) for start, stop in shards if not _shard_path(version_id, start, stop).is_file()]
    data = storage.VersionData(version_id, version.directory)
    stored = NeighborList.objects.filter(version_id=version_id).count()
    if missing or stored != len(METRICS) * len(data):
        raise ShardsMissing(f"index version {version_id}: {len(missing)} shard(s) missing, {stored} of "
                            f"{len(METRICS) * len(data)} lists stored")
    reporter = ProgressReporter(version)
    try:
        reporter.stage("quality")
        parts = [np.load(_shard_path(version_id, start, stop)) for start, stop in sorted(shards)]
        k = min(version.k, len(data) - 1)
        lists = {metric: Neighbors(
            metric, np.searchsorted(data.track_ids, np.concatenate([part[metric] for part in parts])).astype(np.int32),
            np.concatenate([part[f"{metric}_scores"] for part in parts])) for metric in METRICS}
        table = version_table(data)
        metrics = {metric: list_quality(distinct_songs(result, table.songs, k), table, np.asarray(data.normalized))
                   for metric, result in lists.items()}
        extended.write_extended_lists(version.directory, data.track_ids, lists)
        shutil.rmtree(version.directory / "shards", ignore_errors=True)
        version.n_tracks, version.k, version.metrics = len(data), k, metrics
        version.dimensions = int(data.weighted.shape[1])
        version.message = f"{services.DISTRIBUTED_BUILD} in {len(shards)} shards"
        params = IndexParams.from_dict(version.params).validated()
        services.mark_ready(version, params, metrics, reporter=reporter, directory=version.directory)
    except BaseException as error:
        services.fail_build(version, error)
        raise
    if activate:
        version = services.activate_version(version)
    return services.RebuildResult(version, activated=activate, pruned=services.prune_versions())


def version_table(data: storage.VersionData) -> TrackTable:
    """A TrackTable of a version's own tracks: genres from its files, lead artists from the catalog."""
    genre_names = json.loads((data.directory / "genres.json").read_text())
    leads: dict[int, int] = {}
    for track_id, artist_id in (TrackArtist.objects.filter(track_id__in=data.track_ids.tolist())
                                .order_by("track_id", "position").values_list("track_id", "artist_id")):
        leads.setdefault(track_id, artist_id)
    return TrackTable(data.track_ids, np.asarray(data.attributes, dtype=np.float64),
                      [[genre_names[number] for number in data.genres_of(position)] for position in range(len(data))],
                      np.array([leads.get(track_id, -1) for track_id in data.track_ids.tolist()], dtype=np.int64),
                      version_songs(data))


def version_songs(data: storage.VersionData) -> np.ndarray:
    """Song numbers (catalog.songs) of a version's tracks, in its row order."""
    ids = data.track_ids.tolist()
    songs = song_keys(ids)
    return song_numbers(songs.get(track_id, song_of(track_id, "")) for track_id in ids)

"""Where an index version lives: neighbour lists in the database, vectors in files under its directory.

Files (``RECOMMENDER_INDEX_DIR/<version id>/``), written to ``<id>.tmp`` and renamed into place whole:
``track_ids.npy`` (int64, ascending), ``weighted.npy`` and ``normalized.npy`` (float32 vectors, euclidean and
cosine space), ``attributes.npy`` (float32 raw audio features, popularity, duration for filters),
``genre_indptr.npy``/``genre_indices.npy`` (each track's genres, CSR), ``songs.npy`` (int64 song number per
track: releases of one song share it), ``genres.json``, ``pipeline.joblib``
(the fitted feature pipeline) and ``manifest.json``. Web processes memory-map them, once per version.
"""

import json
import shutil
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import joblib
import numpy as np
from django.conf import settings
from django.db import connection, transaction
from psycopg.copy import QueuedLibpqWriter

from catalog.models import Track
from songrec.lib.process_cache import ProcessCacheDict
from songrec.lib.sql import fetch_rows, one_of

from .errors import IndexFilesMissing
from .index.features import ATTRIBUTES, estimated_values
from .index.split_product import SplitMatrix
from .index.topk import valid_counts
from .models import NeighborList

REQUIRED_FILES = ("track_ids.npy", "weighted.npy", "normalized.npy", "attributes.npy", "genre_indptr.npy",
                  "genre_indices.npy")
COPY_CHUNK_ROWS = 10_000


def write_version_files(version_id, table, matrices):
    """Write the version's files atomically (temp dir, then rename); return the final directory."""
    root = Path(settings.RECOMMENDER_INDEX_DIR)
    final, temporary = root / str(version_id), root / f"{version_id}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    genre_names = sorted({name for names in table.genres for name in names})
    genre_numbers = {name: number for number, name in enumerate(genre_names)}
    indptr = np.zeros(len(table) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(names) for names in table.genres])
    indices = np.fromiter((genre_numbers[name] for names in table.genres for name in names), dtype=np.int32,
                          count=int(indptr[-1]))
    np.save(temporary / "track_ids.npy", table.track_ids.astype(np.int64))
    np.save(temporary / "weighted.npy", matrices.weighted)
    np.save(temporary / "normalized.npy", matrices.normalized)
    np.save(temporary / "attributes.npy", table.attributes.astype(np.float32))
    np.save(temporary / "genre_indptr.npy", indptr)
    np.save(temporary / "genre_indices.npy", indices)
    np.save(temporary / "songs.npy", table.songs.astype(np.int64))
    (temporary / "genres.json").write_text(json.dumps(genre_names))
    joblib.dump(matrices.pipeline, temporary / "pipeline.joblib")
    (temporary / "manifest.json").write_text(json.dumps({
        "version": version_id, "tracks": len(table), "dimensions": int(matrices.weighted.shape[1]),
        "feature_names": matrices.feature_names, "attributes": list(ATTRIBUTES),
    }, indent=1))
    shutil.rmtree(final, ignore_errors=True)
    temporary.rename(final)
    return final


def remove_version_files(version_id):
    root = Path(settings.RECOMMENDER_INDEX_DIR)
    for path in (root / str(version_id), root / f"{version_id}.tmp"):
        shutil.rmtree(path, ignore_errors=True)


def version_files_exist(version_id):
    directory = Path(settings.RECOMMENDER_INDEX_DIR) / str(version_id)
    return all((directory / name).is_file() for name in REQUIRED_FILES)


class VersionData:
    """A version's arrays, memory-mapped read-only; derived arrays are computed on first use."""

    def __init__(self, version_id, directory):
        self.version_id = version_id
        self.directory = Path(directory)
        self.track_ids = np.load(self.directory / "track_ids.npy")
        self.weighted = np.load(self.directory / "weighted.npy", mmap_mode="r")
        self.normalized = np.load(self.directory / "normalized.npy", mmap_mode="r")
        self.attributes = np.load(self.directory / "attributes.npy", mmap_mode="r")
        self.genre_indptr = np.load(self.directory / "genre_indptr.npy")
        self.genre_indices = np.load(self.directory / "genre_indices.npy")
        # Versions built before song identity have no songs.npy: every track is its own song there.
        songs = self.directory / "songs.npy"
        self.songs = np.load(songs) if songs.is_file() else np.arange(len(self.track_ids), dtype=np.int64)

    def __len__(self):
        return len(self.track_ids)

    def positions(self, track_ids):
        """Row positions of ``track_ids`` (int64 array), -1 for ids not in this version."""
        track_ids = np.asarray(track_ids, dtype=np.int64).reshape(-1)
        found = np.searchsorted(self.track_ids, track_ids)
        found = np.minimum(found, len(self.track_ids) - 1) if len(self.track_ids) else found
        present = len(self.track_ids) > 0 and (self.track_ids[found] == track_ids)
        return np.where(present, found, -1)

    def position(self, track_id):
        position = int(self.positions([track_id])[0])
        return None if position < 0 else position

    def genres_of(self, position):
        return self.genre_indices[self.genre_indptr[position]:self.genre_indptr[position + 1]]

    @cached_property
    def estimated_values(self):
        """{audio feature: the value this version's pipeline filled gaps with}, or None when it filled none."""
        pipeline = self.directory / "pipeline.joblib"
        return estimated_values(joblib.load(pipeline)) if pipeline.is_file() else None

    @cached_property
    def normalized_split(self):
        """``normalized`` as dense + sparse columns, for products with every track (split_product)."""
        return SplitMatrix(self.normalized)

    @cached_property
    def weighted_split(self):
        return SplitMatrix(self.weighted)

    @cached_property
    def squared_norms(self):
        return np.einsum("ij,ij->i", self.weighted, self.weighted, dtype=np.float64).astype(np.float32)

    @cached_property
    def attribute_spread(self):
        """Standard deviation of each attribute (1 where constant or unknown): the unit of target_ penalties."""
        spread = np.nanstd(np.asarray(self.attributes, dtype=np.float64), axis=0)
        spread[~np.isfinite(spread) | (spread == 0)] = 1.0
        return spread

    @cached_property
    def popularity(self):
        values = np.asarray(self.attributes[:, ATTRIBUTES.index("popularity")], dtype=np.float32)
        return np.nan_to_num(values, nan=0.0)

    @cached_property
    def popularity_order(self):
        """Positions by popularity, most popular first; ties by track id."""
        return np.lexsort((self.track_ids, -self.popularity))

    def sharing_genres(self, genre_numbers):
        """Boolean mask of tracks having at least one of ``genre_numbers``."""
        mask = np.zeros(len(self), dtype=bool)
        if len(genre_numbers):
            hit = np.isin(self.genre_indices, genre_numbers)
            owners = np.repeat(np.arange(len(self)), np.diff(self.genre_indptr))
            mask[owners[hit]] = True
        return mask


# The active version and the one it replaced (requests in flight during a switch).
CACHED_VERSIONS = 2
_versions = ProcessCacheDict(keep=CACHED_VERSIONS)


def version_data(version_id):
    """This process's VersionData for a version, loaded on first use; raises IndexFilesMissing."""
    data = _versions.get(version_id)
    if data is not None:
        return data
    if not version_files_exist(version_id):
        raise IndexFilesMissing(f"the files of index version {version_id} are missing from "
                                f"{settings.RECOMMENDER_INDEX_DIR}; rebuild the index on this server")
    return _versions.put(version_id, VersionData(version_id, Path(settings.RECOMMENDER_INDEX_DIR) / str(version_id)))


def forget_version_data(version_id):
    """Drop a deleted version's loaded data from this process (``process_cache.forget_all()`` drops every one)."""
    _versions.pop(version_id)


def write_neighbor_lists(version_id, metric, track_ids, neighbors, *, progress=None, owners=None):
    """Store every track's neighbour list (COPY on PostgreSQL, bulk_create elsewhere).

    ``progress(done, total)`` is called between chunks. ``owners``: the track ids the rows of ``neighbors``
    belong to when they are not all of ``track_ids`` (a shard's rows; indices still point into track_ids).
    """
    owners = track_ids if owners is None else owners
    ids = track_ids[neighbors.indices] if neighbors.indices.size else np.empty((len(owners), 0), np.int64)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    scores = np.ascontiguousarray(neighbors.scores, dtype=np.float32)
    lengths = valid_counts(neighbors)  # rows short of k distinct songs are padded; store only the real part
    total = len(owners)
    for start in range(0, total, COPY_CHUNK_ROWS):
        stop = min(total, start + COPY_CHUNK_ROWS)
        if connection.vendor == "postgresql":
            _copy_rows(COPY_HEADER + copy_data(version_id, metric, owners[start:stop], ids[start:stop],
                                               scores=scores[start:stop], lengths=lengths[start:stop]) + COPY_TRAILER)
        else:
            NeighborList.objects.bulk_create(
                [NeighborList(version_id=version_id, metric=metric, track_id=int(owners[i]),
                              neighbor_ids=ids[i, :lengths[i]].tobytes(), scores=scores[i, :lengths[i]].tobytes())
                 for i in range(start, stop)], batch_size=2000)
        if progress is not None:
            progress(stop, total)


COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
COPY_TRAILER = b"\xff\xff"


def copy_data(version_id, metric, owners, ids, *, scores, lengths):
    """The rows (version, metric, owner, ids[i, :lengths[i]], scores[i, :lengths[i]]) in PostgreSQL's binary
    COPY format (without its header and trailer), laid out by numpy: the rows of each list length are one
    structured array, not a Python loop. The two bytea fields hold the arrays' native bytes, as
    ``read_neighbor_list`` reads them."""
    name = metric.encode()
    parts = []
    for length in np.unique(lengths).tolist():
        rows = np.flatnonzero(lengths == length)
        layout = np.dtype([("fields", ">i2"), ("version_size", ">i4"), ("version", ">i8"), ("metric_size", ">i4"),
                           ("metric", f"S{len(name)}"), ("track_size", ">i4"), ("track", ">i8"),
                           ("ids_size", ">i4"), ("ids", "=i8", (length,)), ("scores_size", ">i4"),
                           ("scores", "=f4", (length,))])
        block = np.empty(len(rows), dtype=layout)
        block["fields"], block["version_size"], block["version"] = 5, 8, version_id
        block["metric_size"], block["metric"], block["track_size"] = len(name), name, 8
        block["track"] = owners[rows]
        block["ids_size"], block["ids"] = 8 * length, ids[rows, :length]
        block["scores_size"], block["scores"] = 4 * length, scores[rows, :length]
        parts.append(block.tobytes())
    return b"".join(parts)


@contextmanager
def neighbor_lists_streaming(version_id, track_ids, neighbors):
    """Store every track's lists of every metric ({metric: Neighbors}, as ``write_neighbor_lists``) while the
    body of the ``with`` runs: on PostgreSQL one COPY whose data a psycopg writer thread streams, so the server
    takes the rows in while this process does other work. The body must not query the database (the
    connection is busy until the block ends). Elsewhere the lists are written before the body runs."""
    if connection.vendor != "postgresql":
        for metric, result in neighbors.items():
            write_neighbor_lists(version_id, metric, track_ids, result)
        yield
        return
    # In a transaction (a savepoint inside another): if the body fails, the COPY is cancelled and rolled back
    # without leaving an enclosing transaction aborted.
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(_copy_statement(), writer=QueuedLibpqWriter(cursor.cursor)) as copy:
            copy.write(COPY_HEADER)
            for metric, result in neighbors.items():
                ids = np.append(track_ids, -1)[result.indices]
                lengths = valid_counts(result)
                for start in range(0, len(track_ids), COPY_CHUNK_ROWS):
                    rows = slice(start, start + COPY_CHUNK_ROWS)
                    copy.write(copy_data(version_id, metric, track_ids[rows], ids[rows], scores=result.scores[rows],
                                         lengths=lengths[rows]))
            copy.write(COPY_TRAILER)
            yield


def _copy_statement():
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("version_id", "metric", "track_id", "neighbor_ids", "scores"))
    return f"COPY {quote(NeighborList._meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"


def _copy_rows(data):
    with connection.cursor() as cursor:
        with cursor.cursor.copy(_copy_statement()) as copy:
            copy.write(data)


def read_neighbor_list(version_id, metric, track_id):
    """(neighbour track ids int64, scores float32) of one track, or None when it has no list."""
    return read_neighbor_lists(version_id, [metric], track_id).get(metric)


def read_neighbor_lists(version_id, metrics, track_id):
    """{metric: (neighbour track ids int64, scores float32)} of one track's lists, in one query; a metric for
    which the track has no list is absent."""
    metric_is, params = one_of("metric", list(metrics))
    rows = fetch_rows(  # the unique index finds the rows; written out, as the hot reads are (songrec.lib.sql)
        f"SELECT metric, neighbor_ids, scores FROM {NeighborList._meta.db_table} "
        f"WHERE version_id = %s AND track_id = %s AND {metric_is}", [version_id, track_id, *params])
    return _decoded_lists(rows)


def _decoded_lists(rows):
    """{metric: (ids int64, scores float32)} from (metric, neighbor_ids bytes, scores bytes) rows."""
    return {metric: (np.frombuffer(bytes(ids), dtype=np.int64), np.frombuffer(bytes(scores), dtype=np.float32))
            for metric, ids, scores in rows}


def read_neighbor_lists_of(version_id, metrics, spotify_id):
    """(track id, hidden, lists as read_neighbor_lists gives them) for a track named by its Spotify id, in one
    query; None when it has no list in the version (unknown, or not indexed)."""
    # track_id is a plain column (lists outlive deleted tracks): the track is joined, not referenced.
    metric_is, params = one_of("n.metric", list(metrics))
    rows = fetch_rows(
        f"SELECT n.track_id, t.hidden, n.metric, n.neighbor_ids, n.scores FROM {Track._meta.db_table} t "
        f"JOIN {NeighborList._meta.db_table} n ON n.track_id = t.id "
        f"WHERE t.spotify_id = %s AND n.version_id = %s AND {metric_is}", [spotify_id, version_id, *params])
    if not rows:
        return None
    return rows[0][0], bool(rows[0][1]), _decoded_lists(row[2:] for row in rows)


def delete_neighbor_lists(version_id):
    NeighborList.objects.filter(version_id=version_id).delete()

"""Reads: the active clustering, its clusters and tracks, a track's cluster and the map's points."""

from collections.abc import Sequence
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import QuerySet

from catalog.models import AUDIO_FEATURES, Track, TrackArtist, TrackGenre
from songrec.lib.errors import UnavailableError
from songrec.lib.process_cache import ProcessCachedRead, caching

from .. import storage
from .labels import NOISE_COLOR, PALETTE
from .models import Cluster, Clustering, ClusterMember

MAP_TIMEOUT = 24 * 3600
MAP_GENRE_COLORS = len(PALETTE)  # the most common genres get a colour, the rest grey
NEIGHBOURS_ON_MAP = 10
NEIGHBOUR_METRIC = "cosine"
CLUSTERINGS_TOKEN_KEY = "recommender:clusterings-token"


class NoClustering(UnavailableError):
    """No clustering is active: the clusters' API and map have nothing to show."""

    default_message = "No clustering is active yet: run `manage.py build_clusters` after an index build."
    retry_after = None  # a build is an admin's job, not a matter of waiting


def active_clustering() -> Clustering | None:
    return Clustering.objects.filter(active=True).select_related("version").first()


def clusters_of(clustering: Clustering) -> list[Cluster]:
    return list(clustering.clusters.order_by("-size", "number"))


def cluster_tracks(cluster: Cluster) -> QuerySet[Track]:
    """The cluster's visible tracks, most popular first."""
    return Track.objects.visible().filter(cluster_memberships__cluster=cluster).with_credits()


def catalog_means(clusters: Sequence[Cluster]) -> dict[str, float]:
    """Mean audio features over all clustered tracks (the size-weighted mean of the cluster means)."""
    total = sum(cluster.size for cluster in clusters)
    return {name: sum(cluster.feature_means[name] * cluster.size for cluster in clusters) / total if total else 0.0
            for name in AUDIO_FEATURES}


def membership(track: Track) -> ClusterMember | None:
    """The track's ClusterMember (with its cluster) in the active clustering, or None."""
    return (ClusterMember.objects.filter(track=track, cluster__clustering__active=True).select_related("cluster")
            .first())


class ActiveClusters:
    """The active clustering's cluster of each of its tracks, as sorted arrays (no clustering: none)."""

    def __init__(self, track_ids: np.ndarray, cluster_rows: np.ndarray, clusters: list[Cluster]) -> None:
        self.track_ids = track_ids  # sorted
        self.cluster_rows = cluster_rows  # each track's position in ``clusters``
        self.clusters = clusters

    def cluster_of(self, track_id: int) -> Cluster | None:
        position = int(np.searchsorted(self.track_ids, track_id))
        if position < len(self.track_ids) and self.track_ids[position] == track_id:
            return self.clusters[self.cluster_rows[position]]
        return None


def _read_active_clusters() -> ActiveClusters:
    clustering = Clustering.objects.filter(active=True).first()
    if clustering is None:
        return ActiveClusters(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32), [])
    clusters = clusters_of(clustering)
    row_of = {cluster.pk: row for row, cluster in enumerate(clusters)}
    members = np.array(ClusterMember.objects.filter(cluster__clustering=clustering).order_by("track_id")
                       .values_list("track_id", "cluster_id"), dtype=np.int64).reshape(-1, 2)
    rows = np.array([row_of[cluster_id] for cluster_id in members[:, 1].tolist()], dtype=np.int32)
    return ActiveClusters(members[:, 0].copy(), rows, clusters)


# Read once per process (~35 ms of CPU for 90k tracks, loaded before gunicorn forks) until a clustering or cluster
# is written: the track page then names the track's cluster without a query (issue 14). Re-read at least every
# 5 minutes only in case a write's token was lost; every 2 s, as for cheap values, cost the track page its p95.
_active_clusters = ProcessCachedRead(CLUSTERINGS_TOKEN_KEY, _read_active_clusters, max_age=300.0)


def warm_active_clusters() -> None:
    """Read the active clusters now (gunicorn's master, before forking, so workers share them)."""
    if caching():
        _active_clusters.get()


def track_cluster(track: Track) -> Cluster | None:
    """The track's Cluster in the active clustering, or None (for the track page's panel)."""
    if not caching():  # every read would go to the database: one track's row then, not all of them
        member = membership(track)
        return member.cluster if member is not None else None
    return _active_clusters.get().cluster_of(track.pk)


def clusterings_changed() -> None:
    """Called on every Clustering or Cluster write: processes read the active clusters again once committed."""
    _active_clusters.changed()


def _track_labels(track_ids: Sequence[int]) -> dict[int, str]:
    names = dict(Track.objects.filter(pk__in=track_ids).values_list("pk", "name"))
    leads = dict(TrackArtist.objects.filter(track_id__in=track_ids, position=0).values_list("track_id", "artist__name"))
    return {pk: f"{leads[pk]} – {name}" if pk in leads else name for pk, name in names.items()}


def map_points(clustering: Clustering) -> dict[str, Any]:
    """The map's sample as column arrays (cached per clustering): coordinates, cluster, genre, id, label."""
    key = f"clusters:map:{clustering.pk}"
    payload = cache.get(key)
    if payload is not None:
        return payload
    clusters = clusters_of(clustering)
    rows = list(ClusterMember.objects.filter(cluster__clustering=clustering, on_map=True, track__hidden=False)
                .order_by("track_id").values_list("track_id", "x", "y", "cluster__number", "track__spotify_id"))
    track_ids = [row[0] for row in rows]
    labels = _track_labels(track_ids)
    genre_of: dict[int, str] = {}
    for track_id, genre in TrackGenre.objects.filter(track_id__in=track_ids).order_by(
            "track_id", "genre__name").values_list("track_id", "genre__name"):
        genre_of.setdefault(track_id, genre)
    counts: dict[str, int] = {}
    for genre in genre_of.values():
        counts[genre] = counts.get(genre, 0) + 1
    coloured = sorted(counts, key=lambda name: (-counts[name], name))[:MAP_GENRE_COLORS]
    payload = {
        "clustering": clustering.pk,
        "clusters": [{"number": c.number, "label": c.label, "color": c.color, "size": c.size} for c in clusters],
        "genres": [{"name": name, "color": PALETTE[i]} for i, name in enumerate(coloured)],
        "other_color": NOISE_COLOR,
        "x": [round(row[1], 4) for row in rows], "y": [round(row[2], 4) for row in rows],
        "cluster": [row[3] for row in rows],
        "genre": [coloured.index(genre_of[row[0]]) if genre_of.get(row[0]) in coloured else -1 for row in rows],
        "id": [row[4] for row in rows],
        "label": [labels.get(row[0], "") for row in rows],
    }
    cache.set(key, payload, timeout=MAP_TIMEOUT)
    return payload


def map_focus(clustering: Clustering, track: Track) -> dict[str, Any] | None:
    """The track and its nearest neighbours (cosine) as map points, or None when it is not clustered."""
    own = membership(track)
    if own is None or own.cluster.clustering_id != clustering.pk:
        return None
    neighbours = []
    stored = storage.read_neighbor_list(clustering.version_id, NEIGHBOUR_METRIC, track.pk)
    if stored is not None:
        wanted = [int(track_id) for track_id in stored[0][:NEIGHBOURS_ON_MAP]]
        found = {member.track_id: member for member in ClusterMember.objects.filter(
            cluster__clustering=clustering, track_id__in=wanted, track__hidden=False).select_related("cluster")}
        spotify_ids = dict(Track.objects.filter(pk__in=found).values_list("pk", "spotify_id"))
        labels = _track_labels(list(found))
        neighbours = [{"id": spotify_ids[pk], "label": labels.get(pk, ""), "x": found[pk].x, "y": found[pk].y,
                       "cluster": found[pk].cluster.number} for pk in wanted if pk in found]
    return {"track": {"id": track.spotify_id, "label": _track_labels([track.pk]).get(track.pk, track.name),
                      "x": own.x, "y": own.y, "cluster": own.cluster.number},
            "neighbours": neighbours}


def cluster_by_number(clustering: Clustering, number: int) -> Cluster | None:
    return Cluster.objects.filter(clustering=clustering, number=number).first()

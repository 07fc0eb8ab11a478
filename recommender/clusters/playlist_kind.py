"""A cluster as a kind of generated playlist (registered with recommender.generation): its most popular songs."""

from collections.abc import Collection

from rest_framework import serializers

from catalog.songs import first_of_each_song, song_keys, song_of
from recommender.generation.errors import UnknownSeed
from recommender.generation.kinds import Kind
from recommender.generation.serializers import WholeNumber

from . import selectors


class ClusterParamsSerializer(serializers.Serializer):
    cluster = WholeNumber(min_value=-1, max_value=10_000,
                                       help_text="the cluster's number in the active clustering (-1: noise)")


def cluster_tracks(owner, params: dict, length: int, exclude: Collection[int]) -> list[int]:
    """The cluster's ``length`` most popular visible songs, none of ``exclude`` nor of its songs."""
    clustering = selectors.active_clustering()
    if clustering is None:
        raise selectors.NoClustering()
    cluster = selectors.cluster_by_number(clustering, int(params["cluster"]))
    if cluster is None:
        raise UnknownSeed(f"No cluster {params['cluster']} in the active clustering.")
    skip_songs = set(song_keys(exclude).values()) if exclude else set()
    rows = selectors.cluster_tracks(cluster).exclude(pk__in=list(exclude)).values_list("pk", "song_key")
    rows = rows[:4 * length + 50]
    return [pk for pk, _ in first_of_each_song(rows, lambda row: song_of(*row), limit=length, skip_songs=skip_songs)]


def _name(params: dict) -> str:
    clustering = selectors.active_clustering()
    cluster = selectors.cluster_by_number(clustering, int(params["cluster"])) if clustering else None
    return f"Cluster: {cluster.label}"[:300] if cluster is not None else f"Cluster {params['cluster']}"


CLUSTER_KIND = Kind("cluster", "A cluster", cluster_tracks, _name, ClusterParamsSerializer)

"""JSON API of the clusters: the list, one cluster with its tracks, and the map's points."""



from django.core.paginator import Paginator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Track

from . import selectors, serializers
from .models import Clustering

TRACKS_PER_PAGE = 50
NOT_READY = OpenApiResponse(description="no clustering yet: run `manage.py build_clusters`")


def _active() -> Clustering:
    clustering = selectors.active_clustering()
    if clustering is None:
        raise selectors.NoClustering()
    return clustering


class ClusterListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="clusters_list", responses={200: serializers.ClusterListSerializer, 503: NOT_READY})
    def get(self, request: Request) -> Response:
        """The active clustering, every candidate compared with it, and its clusters, largest first."""
        clustering = _active()
        data = {"clustering": clustering, "clusters": selectors.clusters_of(clustering),
                "candidates": Clustering.objects.filter(version=clustering.version).order_by("algorithm", "id")}
        return Response(serializers.ClusterListSerializer(data).data)


class ClusterDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="clusters_retrieve", parameters=[OpenApiParameter("page", OpenApiTypes.INT)],
                   responses={200: serializers.ClusterDetailSerializer, 404: OpenApiResponse(), 503: NOT_READY})
    def get(self, request: Request, number: str) -> Response:
        """One cluster: label, genres, distinctive features, mean features against the catalog's, its tracks."""
        clustering = _active()
        cluster = selectors.cluster_by_number(clustering, int(number))
        if cluster is None:
            raise NotFound(f"No cluster {number} in the active clustering.")
        page = Paginator(selectors.cluster_tracks(cluster), TRACKS_PER_PAGE).get_page(request.query_params.get("page"))
        tracks = [{"spotify_id": t.spotify_id, "name": t.name, "popularity": t.popularity,
                   "artists": [a.name for a in t.ordered_artists], "url": t.get_absolute_url()} for t in page]
        # The detail serializer's extra fields, set on the instance it reads.
        cluster.catalog_means = selectors.catalog_means(selectors.clusters_of(clustering))  # type: ignore[attr-defined]
        cluster.tracks = tracks  # type: ignore[attr-defined]
        cluster.page, cluster.pages = page.number, page.paginator.num_pages  # type: ignore[attr-defined]
        return Response(serializers.ClusterDetailSerializer(cluster).data)


class ClusterMapView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="clusters_map", parameters=[OpenApiParameter("track", OpenApiTypes.STR,
                                                description="also return this track and its neighbours as `focus`")],
                   responses={200: serializers.MapSerializer, 404: OpenApiResponse(), 503: NOT_READY})
    def get(self, request: Request) -> Response:
        """The map: a sample of the index vectors projected to separate the clusters, each dot's cluster and genre."""
        clustering = _active()
        payload = dict(selectors.map_points(clustering))
        spotify_id = request.query_params.get("track")
        if spotify_id:
            track = Track.objects.visible().filter(spotify_id=spotify_id[:64]).first()
            focus = selectors.map_focus(clustering, track) if track is not None else None
            if focus is None:
                raise NotFound(f"Track {spotify_id[:64]!r} is not on the map (unknown, hidden or not clustered).")
            payload["focus"] = focus
        return Response(serializers.MapSerializer(payload).data)

"""JSON API: similar tracks, multi-seed recommendations, index versions and build status."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Track
from catalog.refs import TrackRef
from evaluation.scores import with_human_scores
from songrec.request_params import InvalidQuery, parse_int

from . import selectors, serializers
from .blending import MAX_SEEDS, blended_recommendations, seed_tracks
from .errors import IndexFilesMissing, NoActiveIndex, UnknownTrack
from .features import ATTRIBUTES
from .models import IndexVersion
from .request_params import parse_constraints, parse_seed_ids, parse_system
from .systems import SCORE_LABELS, SYSTEMS

DEFAULT_K = 10
MAX_LIMIT = 100
ERRORS = {
    400: OpenApiResponse(description="bad parameter: {parameter: [message]}"),
    404: OpenApiResponse(serializers.ErrorSerializer, description="unknown track, or track not in the index"),
    503: OpenApiResponse(serializers.ErrorSerializer, description="no active index yet"),
}


class IndexUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The recommendation index is unavailable."
    default_code = "index_unavailable"


def track_ref(track):
    """The API's short form of a track (a TrackRef or a catalog Track with credits)."""
    artists = track.artists if isinstance(track, TrackRef) else track.ordered_artists
    return {
        "spotify_id": track.spotify_id,
        "name": track.name,
        "artists": [{"id": artist.id, "name": artist.name, "spotify_id": artist.spotify_id} for artist in artists],
        "url": track.get_absolute_url(),
    }


def _visible_track_id(spotify_id):
    track_id = Track.objects.visible().filter(spotify_id=spotify_id).values_list("pk", flat=True).first()
    if track_id is None:
        raise NotFound(f"No track with id {spotify_id!r}.")
    return track_id


def _version():
    version = selectors.active_version()
    if version is None:
        raise IndexUnavailable(str(NoActiveIndex()))
    return version


class RecommenderAPIView(APIView):
    def handle_exception(self, exc):
        if isinstance(exc, InvalidQuery):
            exc = ValidationError({exc.field: [exc.message]})
        elif isinstance(exc, UnknownTrack):
            exc = NotFound(str(exc))
        elif isinstance(exc, NoActiveIndex | IndexFilesMissing):
            exc = IndexUnavailable(str(exc))
        elif isinstance(exc, Http404):
            exc = NotFound(str(exc))
        return super().handle_exception(exc)


class SimilarTracksView(RecommenderAPIView):
    @extend_schema(
        summary="Tracks similar to one track",
        description="The precomputed top-k list of the active index version (`cosine`, `euclidean`), or a "
                    "baseline (`random`, reproducible per version and seed; `popularity`, most popular tracks "
                    "sharing a genre with the seed first). Every item carries its `cosine_score` and its human "
                    "score (`human_score` null when unrated). 503 while no index is active.",
        parameters=[
            OpenApiParameter("spotify_id", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter("metric", OpenApiTypes.STR, enum=list(SYSTEMS),
                             description="recommendation system (default cosine)"),
            OpenApiParameter("k", OpenApiTypes.INT, description=f"list length, 1 to the version's k "
                                                                f"(50 by default); default {DEFAULT_K}"),
        ],
        responses={200: serializers.SimilarResponseSerializer, **ERRORS},
    )
    def get(self, request, spotify_id):
        system = parse_system(request.query_params.get("metric"))
        k = parse_int(request.query_params.get("k"), "k", DEFAULT_K, -2**31, 2**31)
        seed_id = _visible_track_id(spotify_id)
        version = _version()
        if not 1 <= k <= version.k:
            raise InvalidQuery("k", f"must be between 1 and {version.k}, got {k}")
        similar = with_human_scores(selectors.similar_items(system, seed_id, k, version))
        results = []
        for item in similar.items:
            result = {**track_ref(item.track), "rank": item.rank, "score": round(item.score, 6),
                      "cosine_score": item.cosine_score, "human_score": item.human_score,
                      "human_ratings": item.human_ratings}
            if system == "euclidean":
                result["distance"] = result["score"]
            results.append(result)
        return Response({"seed": track_ref(similar.seed), "metric": system, "k": k, "index_version": version.pk,
                         "score_label": SCORE_LABELS[system], "results": results})


def _constraint_parameters():
    parameters = []
    for name in ATTRIBUTES:
        for prefix, meaning in (("min", "hard lower bound"), ("max", "hard upper bound"),
                                ("target", "prefer tracks close to")):
            parameters.append(OpenApiParameter(f"{prefix}_{name}", OpenApiTypes.NUMBER,
                                               description=f"{meaning} {name}"))
    return parameters


class RecommendationsView(RecommenderAPIView):
    @extend_schema(
        summary="Recommendations from up to 5 seed tracks",
        description="Self-hosted take on Spotify's deprecated `GET /recommendations`: seeds are blended "
                    "(mean cosine similarity, or mean euclidean distance, or a baseline), `min_`/`max_` filter "
                    "on raw values, `target_` re-ranks by closeness (0.1 of score per standard deviation). Seeds "
                    "and hidden tracks are never returned.",
        parameters=[
            OpenApiParameter("seed_tracks", OpenApiTypes.STR, required=True,
                             description=f"1–{MAX_SEEDS} comma-separated Spotify track ids"),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1–{MAX_LIMIT}, default 20"),
            OpenApiParameter("metric", OpenApiTypes.STR, enum=list(SYSTEMS), description="default cosine"),
            *_constraint_parameters(),
        ],
        responses={200: serializers.RecommendationsResponseSerializer, **ERRORS},
    )
    def get(self, request):
        params = request.query_params
        spotify_ids = parse_seed_ids(params.get("seed_tracks"))
        limit = parse_int(params.get("limit"), "limit", 20, 1, MAX_LIMIT)
        system = parse_system(params.get("metric"))
        constraints = parse_constraints(params)
        seeds, unknown = seed_tracks(spotify_ids)
        if unknown:
            raise NotFound(f"No track with id {', '.join(repr(spotify_id) for spotify_id in unknown)}.")
        _version()
        result, recommended = blended_recommendations(system, seeds, limit, constraints)
        items = []
        for item, track in recommended:
            entry = {**track_ref(track), "rank": item.rank, "score": round(item.score, 6),
                     "cosine_score": result.cosine_scores[item.track_id]}
            if result.target_penalties:
                entry["target_penalty"] = result.target_penalties[item.track_id]
            items.append(entry)
        seed_info = [{"id": track.spotify_id, "type": "track", "name": track.name,
                      "initialPoolSize": result.pool_size, "afterFilteringSize": result.filtered_size}
                     for track in seeds]
        return Response({"seeds": seed_info, "metric": system, "limit": limit, "index_version": result.version.pk,
                         "score_label": SCORE_LABELS[system], "tracks": items})


class IndexStatusView(APIView):
    @extend_schema(summary="The active index version and a running build's progress",
                   responses={200: serializers.IndexStatusSerializer})
    def get(self, request):
        info = selectors.index_status()
        return Response({
            "active": serializers.IndexVersionSerializer(info.active).data if info.active else None,
            "building": serializers.BuildProgressSerializer(info.building).data if info.building else None,
            "catalog_revision": info.catalog_revision,
            "up_to_date": info.up_to_date,
        })


@extend_schema(tags=["index"])
class IndexVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Index versions, newest first, with parameters, quality metrics, timings and MLflow run ids."""

    queryset = IndexVersion.objects.order_by("-id")
    serializer_class = serializers.IndexVersionSerializer

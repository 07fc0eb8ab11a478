"""JSON API: similar tracks, multi-seed recommendations, index versions and build status."""



from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import VALUE_BOUNDS
from catalog.refs import visible_track_id
from songrec.lib.request_params import parse_int
from songrec.lib.schema import error_response

from . import selectors, serializers
from .annotations import annotate
from .blending import MAX_SEEDS, blended_recommendations, seed_tracks
from .errors import NoActiveIndex
from .index.features import ATTRIBUTES
from .models import IndexVersion
from .request_params import parse_constraints, parse_seed_ids, parse_system
from .systems import DEFAULT_SYSTEM, SCORE_LABELS, SYSTEMS

DEFAULT_K = 10
MAX_LIMIT = 100
# What parse_seed_ids accepts: 1–5 comma-separated ids of at most 64 characters (spaces around them ignored; no NUL,
# which songrec/middleware.py refuses).
SEED_IDS_PATTERN = rf"^\s*[^,\s\x00][^,\x00]{{0,63}}(,\s*[^,\s\x00][^,\x00]{{0,63}}){{0,{MAX_SEEDS - 1}}}$"
# avoid_tracks is optional: empty, or ids as seed_tracks.
AVOID_IDS_PATTERN = rf"^\s*$|{SEED_IDS_PATTERN}"
ERRORS = {
    400: OpenApiResponse(description="bad parameter: {parameter: [message]}"),
    404: error_response("unknown track, or track not in the index"),
    503: error_response("no active index yet"),
}


def _visible_track_id(spotify_id: str) -> int:
    track_id = visible_track_id(spotify_id)
    if track_id is None:
        raise NotFound(f"No track with id {spotify_id!r}.")
    return track_id


def _version() -> IndexVersion:
    version = selectors.active_version()
    if version is None:
        raise NoActiveIndex()
    return version


class SimilarTracksView(APIView):
    @extend_schema(
        summary="Tracks similar to one track",
        description="The precomputed top-k list of the active index version (`cosine`, `euclidean`), or a "
                    "baseline (`random`, reproducible per version and seed; `popularity`, most popular tracks "
                    "sharing a genre with the seed first). Every item carries its `cosine_score` and its human "
                    "score (`human_score` null when unrated). 503 while no index is active.",
        parameters=[
            OpenApiParameter("spotify_id", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter("metric", OpenApiTypes.STR, enum=list(SYSTEMS),
                             description=f"recommendation system (default {DEFAULT_SYSTEM})"),
            OpenApiParameter("k", {"type": "integer", "minimum": 1, "maximum": settings.RECOMMENDER_DEFAULT_K},
                             description=f"list length, 1 to the version's k ({settings.RECOMMENDER_DEFAULT_K} by "
                                         f"default); default {DEFAULT_K}"),
        ],
        responses={200: serializers.SimilarResponseSerializer, **ERRORS},
    )
    def get(self, request: Request, spotify_id: str) -> Response:
        system = parse_system(request.query_params.get("metric"))
        version = selectors.active_version()
        # The seed's id and stored list in one query; a track that has none (unknown, hidden, not indexed, or a
        # baseline asked for) is looked up on its own, so each case keeps its answer: 404, then 503, then 400.
        found = selectors.visible_seed_lists(system, spotify_id, version) if version is not None else None
        seed_id, stored = found if found is not None else (_visible_track_id(spotify_id), None)
        version = version or _version()
        k = parse_int(request.query_params.get("k"), "k", default=DEFAULT_K, low=1, high=version.k)
        similar = annotate(selectors.similar_items(system, seed_id, k, version, stored=stored))
        payload = {"seed": similar.seed, "metric": system, "k": k, "index_version": version.pk,
                   "score_label": SCORE_LABELS[system], "results": similar.items}
        return Response(serializers.SimilarResponseSerializer(payload, context={"metric": system}).data)


def _constraint_parameters() -> list[OpenApiParameter]:
    parameters = []
    for name in ATTRIBUTES:
        for prefix, meaning in (("min", "hard lower bound"), ("max", "hard upper bound"),
                                ("target", "prefer tracks close to")):
            low, high = VALUE_BOUNDS[name]
            parameters.append(OpenApiParameter(f"{prefix}_{name}", {"type": "number", "minimum": low, "maximum": high},
                                               description=f"{meaning} {name}"))
    return parameters


class RecommendationsView(APIView):
    @extend_schema(
        summary=f"Recommendations from up to {MAX_SEEDS} seed tracks (a whole playlist)",
        description="Self-hosted take on Spotify's deprecated `GET /recommendations`, for a whole playlist: seeds "
                    "are blended (content and the together model's fold-in of the seeds by default; mean cosine "
                    "similarity, or mean euclidean distance, or a baseline), `avoid_tracks` are never returned and "
                    "push their neighbourhood down, `min_`/`max_` filter "
                    "on raw values, `target_` re-ranks by closeness (0.1 of score per standard deviation). Seeds "
                    "and hidden tracks are never returned.",
        parameters=[
            OpenApiParameter("seed_tracks", {"type": "string", "pattern": SEED_IDS_PATTERN}, required=True,
                             description=f"1–{MAX_SEEDS} comma-separated Spotify track ids"),
            OpenApiParameter("avoid_tracks", {"type": "string", "pattern": AVOID_IDS_PATTERN},
                             description=f"up to {MAX_SEEDS} comma-separated Spotify track ids to steer away from"),
            OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                             description=f"1–{MAX_LIMIT}, default 20"),
            OpenApiParameter("metric", OpenApiTypes.STR, enum=list(SYSTEMS), description=f"default {DEFAULT_SYSTEM}"),
            *_constraint_parameters(),
        ],
        responses={200: serializers.RecommendationsResponseSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        spotify_ids = parse_seed_ids(params.get("seed_tracks"))
        limit = parse_int(params.get("limit"), "limit", default=20, low=1, high=MAX_LIMIT)
        system = parse_system(params.get("metric"))
        constraints = parse_constraints(params)
        avoid_ids = parse_seed_ids(params.get("avoid_tracks"), field="avoid_tracks", required=False)
        seeds, unknown = seed_tracks(spotify_ids)
        avoid, unknown_avoided = seed_tracks(avoid_ids)
        if unknown or unknown_avoided:
            raise NotFound(f"No track with id {', '.join(repr(i) for i in [*unknown, *unknown_avoided])}.")
        result, recommended = blended_recommendations(system, seeds, limit, constraints, version=_version(),
                                                      avoid=avoid)
        penalties = result.target_penalties or {}
        items = [serializers.RecommendedTrack(track, item.rank, item.score, result.cosine_scores[item.track_id],
                                              penalties.get(item.track_id))
                 for item, track in recommended]
        seed_info = [{"id": track.spotify_id, "type": "track", "name": track.name,
                      "initialPoolSize": result.pool_size, "afterFilteringSize": result.filtered_size}
                     for track in seeds]
        payload = {"seeds": seed_info, "metric": system, "limit": limit, "index_version": result.version.pk,
                   "score_label": SCORE_LABELS[system], "tracks": items}
        return Response(serializers.RecommendationsResponseSerializer(payload).data)


class IndexStatusView(APIView):
    @extend_schema(summary="The active index version and a running build's progress",
                   responses={200: serializers.IndexStatusSerializer})
    def get(self, request: Request) -> Response:
        info = selectors.index_status()
        payload = {"active": info.active, "building": info.building, "catalog_revision": info.catalog_revision,
                   "up_to_date": info.up_to_date}
        return Response(serializers.IndexStatusSerializer(payload).data)


@extend_schema(tags=["index"])
class IndexVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Index versions, newest first, with parameters, quality metrics, timings and MLflow run ids."""

    queryset = IndexVersion.objects.order_by("-id")
    serializer_class = serializers.IndexVersionSerializer

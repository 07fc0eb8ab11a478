"""JSON API of playlist generation: generate a playlist of a kind, refresh or extend it, and the song path."""

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.refs import track_refs
from songrec.lib.request_params import parse_int
from songrec.lib.schema import error_response
from songrec.lib.users import signed_in_user

from . import selectors, serializers, services
from .kinds import kind_named, kind_names
from .song_path import MAX_LENGTH as MAX_PATH_LENGTH
from .song_path import MIN_LENGTH as MIN_PATH_LENGTH

NO_INDEX = {503: error_response("no active index yet")}
UNKNOWN = {404: error_response("an unknown, hidden or unindexed track, artist or genre, or a playlist you can't see")}


def _generated_data(generated: services.Generated) -> dict:
    refs = track_refs(generated.track_ids)
    return serializers.GeneratedPlaylistSerializer({
        "playlist": generated.playlist, "url": selectors.playlist_page_url(generated.playlist.pk),
        "added": generated.added, "tracks": [refs[pk] for pk in generated.track_ids if pk in refs]}).data


def _request_body() -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="GeneratePlaylistRequest", resource_type_field_name="kind",
        serializers={name: serializers.request_serializer(name, kind_named(name).params_serializer)
                     for name in kind_names()})


class GeneratePlaylistView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Generate a playlist: radio, more like a playlist, song path, For you, a cluster",
        description="Creates a private (unless asked otherwise) playlist of yours that remembers its recipe, so "
                    "`refresh` and `extend` can run it again. 404 for an unknown seed, end or playlist; 400 when "
                    "nothing matches or the parameters contradict each other (the same song at both ends of a path, "
                    "a min_ above its max_).",
        request=_request_body(),
        responses={201: serializers.GeneratedPlaylistSerializer, **UNKNOWN, **NO_INDEX},
    )
    def post(self, request: Request) -> Response:
        common = serializers.GenerateCommonSerializer(data=request.data)
        common.is_valid(raise_exception=True)
        kind = kind_named(common.validated_data["kind"])
        body = serializers.request_serializer(kind.name, kind.params_serializer)(data=request.data)
        body.is_valid(raise_exception=True)
        params = {key: value for key, value in body.validated_data.items()
                  if key in kind.params_serializer().fields}
        generated = services.generate_playlist(owner=signed_in_user(request), kind=kind.name, params=params,
                                               length=body.validated_data["length"],
                                               name=body.validated_data["name"],
                                               visibility=body.validated_data["visibility"])
        return Response(_generated_data(generated), status=status.HTTP_201_CREATED)


class RefreshPlaylistView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Regenerate a generated playlist of yours from its recipe (same playlist)",
                   request=None, responses={200: serializers.GeneratedPlaylistSerializer, **UNKNOWN, **NO_INDEX})
    def post(self, request: Request, pk: int) -> Response:
        return Response(_generated_data(services.refresh_playlist(owner=signed_in_user(request), playlist_id=pk)))


class ExtendPlaylistView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Add N more tracks to a generated playlist of yours, none of its songs again",
                   request=serializers.ExtendSerializer,
                   responses={200: serializers.GeneratedPlaylistSerializer, **UNKNOWN, **NO_INDEX})
    def post(self, request: Request, pk: int) -> Response:
        body = serializers.ExtendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        generated = services.extend_playlist(owner=signed_in_user(request), playlist_id=pk,
                                             count=body.validated_data["count"])
        return Response(_generated_data(generated))


class SongPathView(APIView):
    @extend_schema(
        summary="A song path: tracks moving in even steps from one track to another",
        description="The straight line between the two tracks' vectors in the index's feature space, cut into "
                    "equal steps; each point takes its nearest visible track of a song not on the path yet. Each "
                    "step carries its distance from the previous one. 404 for an unknown, hidden or unindexed end, "
                    "400 for the same song at both ends.",
        parameters=[
            OpenApiParameter("from", {"type": "string", "minLength": 1, "maxLength": 64}, required=True,
                             description="Spotify id of the first track"),
            OpenApiParameter("to", {"type": "string", "minLength": 1, "maxLength": 64}, required=True,
                             description="Spotify id of the last track"),
            OpenApiParameter("length", {"type": "integer", "minimum": MIN_PATH_LENGTH, "maximum": MAX_PATH_LENGTH},
                             description=f"tracks on the path, ends included; default "
                                         f"{serializers.DEFAULT_PATH_LENGTH}"),
        ],
        responses={200: serializers.SongPathSerializer, 404: error_response("an unknown, hidden or unindexed end"),
                   **NO_INDEX},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        ends = {}
        for name in ("from", "to"):
            value = (params.get(name) or "").strip()
            if not value:
                raise serializers.serializers.ValidationError({name: ["Give a Spotify track id."]})
            ends[name] = value
        length = parse_int(params.get("length"), "length", default=serializers.DEFAULT_PATH_LENGTH,
                           low=MIN_PATH_LENGTH, high=MAX_PATH_LENGTH)
        path = selectors.path_between(ends["from"], ends["to"], length)
        return Response(serializers.SongPathSerializer({
            "index_version": path.version_id, "length": len(path.steps), "straight_step": path.straight_step,
            "total_distance": round(path.total_distance, 6),
            "steps": [{"position": i, "track": step.track, "distance": step.distance, "offset": step.offset}
                      for i, step in enumerate(path.steps)]}).data)

"""JSON API of a listener's own data under /api/me/: "For you", reactions, imports, export and deletion.

Everything is scoped to ``request.user``; another listener's import id is a 404, like an unknown one.
"""

from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import User
from django.http import JsonResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Track
from songrec.lib.request_params import parse_int
from songrec.lib.schema import error_response
from songrec.lib.users import signed_in_user

from . import serializers, services
from .foryou import MAX_LIMIT, PersonalItem, PersonalList, for_you
from .imports import receive_upload
from .models import HistoryImport, Reaction

MAX_TRACKS_ASKED = 100


def personal_list_data(personal: PersonalList) -> dict[str, Any]:
    return {
        "method": personal.method, "tastes": personal.tastes, "index_version": personal.version.pk,
        "personal_model": personal.model.pk if personal.model is not None else None,
        "together_model": personal.together.pk if personal.together is not None else None,
        "results": [_serializable_item(item) for item in personal.items],
    }


def _serializable_item(item: PersonalItem) -> SimpleNamespace:
    """A For-you item in the shape PersonalItemSerializer reads: its TrackRef's fields plus rank, score, reason."""
    track = item.track
    return SimpleNamespace(spotify_id=track.spotify_id, name=track.name, artists=track.artists,
                           get_absolute_url=track.get_absolute_url, rank=item.rank, score=item.score,
                           reason={"kind": item.reason.kind, "text": item.reason.text()})


def _asked_tracks(text: str) -> list[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if len(ids) > MAX_TRACKS_ASKED:
        raise ValidationError({"tracks": [f"At most {MAX_TRACKS_ASKED} track ids at once, got {len(ids)}."]})
    return ids


def export_response(user: User) -> JsonResponse:
    """The listener's data as a JSON download (the page and the API serve the same file)."""
    data = serializers.MyDataExportSerializer(services.export_data(user)).data
    response = JsonResponse(data, json_dumps_params={"indent": 1})
    response["Content-Disposition"] = 'attachment; filename="songrec-my-data.json"'
    return response


class MeAPIView(APIView):
    permission_classes = [IsAuthenticated]


class MyRecommendationsView(MeAPIView):
    @extend_schema(summary="Your personal recommendations (For you)",
                   parameters=[OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                                                description=f"1–{MAX_LIMIT}, default 20")],
                   responses={200: serializers.PersonalListSerializer, 503: error_response("no active index yet")})
    def get(self, request: Request) -> Response:
        limit = parse_int(request.query_params.get("limit"), "limit", default=20, low=1, high=MAX_LIMIT)
        personal = for_you(signed_in_user(request), limit)
        return Response(serializers.PersonalListSerializer(personal_list_data(personal)).data)


class MyReactionView(MeAPIView):
    @extend_schema(summary="Like, dislike or undo (reaction: null) one track",
                   request=serializers.ReactionInputSerializer, responses=serializers.ReactionSerializer)
    def put(self, request: Request, spotify_id: str) -> Response:
        track = Track.objects.visible().filter(spotify_id=spotify_id).first()
        if track is None:
            raise NotFound(f"No track with id {spotify_id!r}.")
        data = serializers.ReactionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        value = services.set_reaction(signed_in_user(request), track, data.validated_data["reaction"])
        return Response(serializers.ReactionSerializer(
            {"track": track.spotify_id, "name": track.name, "reaction": value}).data)


class MyReactionsView(MeAPIView):
    @extend_schema(summary="Your likes and dislikes", responses=serializers.ReactionSerializer(many=True),
                   parameters=[OpenApiParameter("tracks", str, description=(
                       f"only these tracks: up to {MAX_TRACKS_ASKED} comma-separated Spotify ids (how search "
                       "results show their buttons)"))])
    def get(self, request: Request) -> Response:
        reactions = Reaction.objects.filter(user=signed_in_user(request))
        if "tracks" in request.query_params:
            reactions = reactions.filter(track__spotify_id__in=_asked_tracks(request.query_params["tracks"]))
        rows = reactions.values_list("track__spotify_id", "track__name", "value")
        return Response(serializers.ReactionSerializer(
            [{"track": spotify_id, "name": name, "reaction": "like" if value == Reaction.LIKE else "dislike"}
             for spotify_id, name, value in rows], many=True).data)


class MyImportsView(MeAPIView):
    parser_classes = [MultiPartParser]

    @extend_schema(summary="Upload a Spotify streaming history (JSON or the export's .zip)",
                   request={"multipart/form-data": serializers.UploadSerializer},
                   responses={201: serializers.HistoryImportSerializer, 200: serializers.HistoryImportSerializer})
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        refused = getattr(request, "upload_refused", None)  # set by the upload handler that stopped the body
        if refused:
            raise ValidationError({"file": [refused]})
        if upload is None:
            raise ValidationError({"file": ["Attach the export as the form field 'file'."]})
        history_import, repeat = receive_upload(signed_in_user(request), upload)
        if history_import.status == HistoryImport.Status.FAILED:
            raise ValidationError({"file": [history_import.message]})
        return Response(serializers.HistoryImportSerializer(history_import).data,
                        status=status.HTTP_200_OK if repeat else status.HTTP_201_CREATED)


class MyImportView(MeAPIView):
    @extend_schema(summary="One of your imports: status, progress and summary",
                   responses=serializers.HistoryImportSerializer)
    def get(self, request: Request, pk: int) -> Response:
        history_import = HistoryImport.objects.filter(user=signed_in_user(request), pk=pk).first()
        if history_import is None:
            raise NotFound("No such import.")
        return Response(serializers.HistoryImportSerializer(history_import).data)


class MyDataView(MeAPIView):
    @extend_schema(summary="Download everything songrec stores about your taste (JSON)",
                   responses=serializers.MyDataExportSerializer)
    def get(self, request: Request) -> JsonResponse:
        return export_response(signed_in_user(request))

    @extend_schema(summary="Delete your likes, plays, picks and imports",
                   responses={200: serializers.DeletedDataSerializer})
    def delete(self, request: Request) -> Response:
        deleted = services.delete_data(signed_in_user(request))
        return Response(serializers.DeletedDataSerializer({"deleted": deleted}).data)

"""JSON API of a listener's own data under /api/me/: "For you", reactions, imports, export and deletion.

Everything is scoped to ``request.user``; another listener's import id is a 404, like an unknown one.
"""

from types import SimpleNamespace

from django.http import JsonResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalog.models import Track
from recommender.api import RecommenderAPIView
from songrec.lib.request_params import parse_int
from songrec.lib.schema import error_response

from . import serializers, services
from .foryou import MAX_LIMIT, for_you
from .imports import UploadRefused, receive_upload
from .models import HistoryImport, Reaction

MAX_TRACKS_ASKED = 100


def personal_list_data(personal):
    return {
        "method": personal.method, "tastes": personal.tastes, "index_version": personal.version.pk,
        "personal_model": personal.model.pk if personal.model is not None else None,
        "results": [_serializable_item(item) for item in personal.items],
    }


def _serializable_item(item):
    """A For-you item in the shape PersonalItemSerializer reads: its TrackRef's fields plus rank, score, reason."""
    track = item.track
    return SimpleNamespace(spotify_id=track.spotify_id, name=track.name, artists=track.artists,
                           get_absolute_url=track.get_absolute_url, rank=item.rank, score=item.score,
                           reason={"kind": item.reason.kind, "text": item.reason.text()})


def _asked_tracks(text):
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if len(ids) > MAX_TRACKS_ASKED:
        raise ValidationError({"tracks": [f"At most {MAX_TRACKS_ASKED} track ids at once, got {len(ids)}."]})
    return ids


def export_response(user):
    """The listener's data as a JSON download (the page and the API serve the same file)."""
    data = serializers.MyDataExportSerializer(services.export_data(user)).data
    response = JsonResponse(data, json_dumps_params={"indent": 1})
    response["Content-Disposition"] = 'attachment; filename="songrec-my-data.json"'
    return response


class MeAPIView(RecommenderAPIView):
    permission_classes = [IsAuthenticated]


class MyRecommendationsView(MeAPIView):
    @extend_schema(summary="Your personal recommendations (For you)",
                   parameters=[OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                                                description=f"1–{MAX_LIMIT}, default 20")],
                   responses={200: serializers.PersonalListSerializer, 503: error_response("no active index yet")})
    def get(self, request):
        limit = parse_int(request.query_params.get("limit"), "limit", 20, 1, MAX_LIMIT)
        return Response(serializers.PersonalListSerializer(personal_list_data(for_you(request.user, limit))).data)


class MyReactionView(MeAPIView):
    @extend_schema(summary="Like, dislike or undo (reaction: null) one track",
                   request=serializers.ReactionInputSerializer, responses=serializers.ReactionSerializer)
    def put(self, request, spotify_id):
        track = Track.objects.visible().filter(spotify_id=spotify_id).first()
        if track is None:
            raise NotFound(f"No track with id {spotify_id!r}.")
        data = serializers.ReactionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        value = services.set_reaction(request.user, track, data.validated_data["reaction"])
        return Response(serializers.ReactionSerializer(
            {"track": track.spotify_id, "name": track.name, "reaction": value}).data)


class MyReactionsView(MeAPIView):
    @extend_schema(summary="Your likes and dislikes", responses=serializers.ReactionSerializer(many=True),
                   parameters=[OpenApiParameter("tracks", str, description=(
                       f"only these tracks: up to {MAX_TRACKS_ASKED} comma-separated Spotify ids (how search "
                       "results show their buttons)"))])
    def get(self, request):
        rows = Reaction.objects.filter(user=request.user)
        if "tracks" in request.query_params:
            rows = rows.filter(track__spotify_id__in=_asked_tracks(request.query_params["tracks"]))
        rows = rows.values_list("track__spotify_id", "track__name", "value")
        return Response(serializers.ReactionSerializer(
            [{"track": spotify_id, "name": name, "reaction": "like" if value == Reaction.LIKE else "dislike"}
             for spotify_id, name, value in rows], many=True).data)


class MyImportsView(MeAPIView):
    parser_classes = [MultiPartParser]

    @extend_schema(summary="Upload a Spotify streaming history (JSON or the export's .zip)",
                   request={"multipart/form-data": serializers.UploadSerializer},
                   responses={201: serializers.HistoryImportSerializer, 200: serializers.HistoryImportSerializer})
    def post(self, request):
        upload = request.FILES.get("file")
        if getattr(request, "upload_refused", None):
            raise ValidationError({"file": [request.upload_refused]})
        if upload is None:
            raise ValidationError({"file": ["Attach the export as the form field 'file'."]})
        try:
            history_import, repeat = receive_upload(request.user, upload)
        except UploadRefused as error:
            raise ValidationError({"file": [str(error)]}) from None
        if history_import.status == HistoryImport.Status.FAILED:
            raise ValidationError({"file": [history_import.message]})
        return Response(serializers.HistoryImportSerializer(history_import).data,
                        status=status.HTTP_200_OK if repeat else status.HTTP_201_CREATED)


class MyImportView(MeAPIView):
    @extend_schema(summary="One of your imports: status, progress and summary",
                   responses=serializers.HistoryImportSerializer)
    def get(self, request, pk):
        history_import = HistoryImport.objects.filter(user=request.user, pk=pk).first()
        if history_import is None:
            raise NotFound("No such import.")
        return Response(serializers.HistoryImportSerializer(history_import).data)


class MyDataView(MeAPIView):
    @extend_schema(summary="Download everything songrec stores about your taste (JSON)",
                   responses=serializers.MyDataExportSerializer)
    def get(self, request):
        return export_response(request.user)

    @extend_schema(summary="Delete your likes, plays, picks and imports",
                   responses={200: serializers.DeletedDataSerializer})
    def delete(self, request):
        return Response(serializers.DeletedDataSerializer({"deleted": services.delete_data(request.user)}).data)

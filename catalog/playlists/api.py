"""JSON API of listeners' playlists: /api/me/playlists/ (yours) and /api/playlists/<id>/ (any you may see).

The access rule is the pages' (``selectors.playlist_for_viewer`` / ``owned_playlist``): another listener's private
playlist is a 404, changing a playlist that is not yours a 403. Tracks are named by their Spotify ids. The detail's
GET also serves the download formats (``?format=``, ``renderers.EXPORT_RENDERERS``).
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from songrec.lib.users import signed_in_user

from . import editing, serializers
from .exports import playlist_export_data
from .models import Playlist
from .renderers import EXPORT_FORMAT_PARAMETER, EXPORT_FORMATS, EXPORT_RENDERERS
from .rows import playlist_entries
from .selectors import (
    listener_playlists,
    owned_playlist,
    playlist_for_viewer,
    track_id_in_playlist,
    visible_track_ids,
    with_track_count,
)
from .services import create_listener_playlist


def _valid(serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def playlist_data(playlist: Playlist, *, unknown: list[str] | None = None) -> dict[str, Any]:
    """The detail's body: the playlist, its count and its visible tracks in order (and, for a new one, the ids it
    skipped)."""
    serializer = serializers.PlaylistSerializer if unknown is None else serializers.CreatedPlaylistSerializer
    return serializer(with_track_count(playlist),
                      context={"entries": playlist_entries(playlist), "unknown": unknown}).data


class PlaylistAPIView(APIView):
    parser_classes = [JSONParser]  # a list of track ids has no form encoding worth having
    permission_classes = [IsAuthenticated]


class MyPlaylistsView(PlaylistAPIView):

    @extend_schema(summary="Your playlists, most recently changed first",
                   responses=serializers.PlaylistSummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        playlists = listener_playlists(signed_in_user(request))
        return Response(serializers.PlaylistSummarySerializer(playlists, many=True).data)

    @extend_schema(summary="Make a playlist (private unless you say otherwise), optionally with tracks",
                   request=serializers.PlaylistCreateSerializer,
                   responses={201: serializers.CreatedPlaylistSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(serializers.PlaylistCreateSerializer, request.data)
        pks = visible_track_ids(data["tracks"])
        playlist = create_listener_playlist(owner=signed_in_user(request), name=data["name"],
                                            description=data.get("description", "").strip(),
                                            visibility=data["visibility"],
                                            track_ids=[pks[spotify_id] for spotify_id in data["tracks"]
                                                       if spotify_id in pks])
        unknown = list(dict.fromkeys(spotify_id for spotify_id in data["tracks"] if spotify_id not in pks))
        return Response(playlist_data(playlist, unknown=unknown), status=status.HTTP_201_CREATED)


class PlaylistView(PlaylistAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    renderer_classes = [JSONRenderer, *EXPORT_RENDERERS]

    @extend_schema(summary="A playlist and its tracks (public, unlisted, or yours); ?format= downloads it",
                   parameters=[EXPORT_FORMAT_PARAMETER],
                   responses={(200, "application/json"): serializers.PlaylistSerializer,
                              **{(200, renderer.media_type): OpenApiTypes.BINARY for renderer in EXPORT_RENDERERS}})
    def get(self, request: Request, pk: int) -> Response:
        playlist = playlist_for_viewer(request.user, pk)
        if request.accepted_renderer.format in EXPORT_FORMATS:
            return Response(serializers.PlaylistExportSerializer(playlist_export_data(playlist, request)).data)
        return Response(playlist_data(playlist))

    @extend_schema(summary="Rename, describe or change who sees your playlist",
                   request=serializers.PlaylistUpdateSerializer, responses=serializers.PlaylistSummarySerializer)
    def patch(self, request: Request, pk: int) -> Response:
        playlist = owned_playlist(request.user, pk)
        data = _valid(serializers.PlaylistUpdateSerializer, request.data)
        playlist = editing.update_playlist(playlist, name=data.get("name"), description=data.get("description"),
                                           visibility=data.get("visibility"))
        return Response(serializers.PlaylistSummarySerializer(with_track_count(playlist)).data)

    @extend_schema(summary="Delete your playlist", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        editing.delete_playlist(owned_playlist(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlaylistTracksView(PlaylistAPIView):

    @extend_schema(summary="Append tracks to your playlist (ones already in it stay where they are)",
                   request=serializers.TracksInputSerializer, responses=serializers.AddedTracksSerializer)
    def post(self, request: Request, pk: int) -> Response:
        playlist = owned_playlist(request.user, pk)
        asked = _valid(serializers.TracksInputSerializer, request.data)["tracks"]
        pks = visible_track_ids(asked)
        result = editing.add_tracks(playlist, [pks[spotify_id] for spotify_id in asked if spotify_id in pks])
        spotify_ids = {pk: spotify_id for spotify_id, pk in pks.items()}
        return Response(serializers.AddedTracksSerializer({
            "added": [spotify_ids[pk] for pk in result.added],
            "already_there": [spotify_ids[pk] for pk in result.already_there],
            "unknown": list(dict.fromkeys(spotify_id for spotify_id in asked if spotify_id not in pks)),
            "track_count": result.track_count}).data)


class PlaylistTrackView(PlaylistAPIView):

    @extend_schema(summary="Take a track out of your playlist", responses={204: None})
    def delete(self, request: Request, pk: int, spotify_id: str) -> Response:
        playlist = owned_playlist(request.user, pk)
        editing.remove_track(playlist, track_id_in_playlist(playlist, spotify_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlaylistMoveView(PlaylistAPIView):

    @extend_schema(summary="Move a track of your playlist to another place (drag and drop, move up / down)",
                   request=serializers.MoveInputSerializer, responses=serializers.MovedSerializer)
    def post(self, request: Request, pk: int, spotify_id: str) -> Response:
        playlist = owned_playlist(request.user, pk)
        position = _valid(serializers.MoveInputSerializer, request.data)["position"]
        moved = editing.move_track(playlist, track_id_in_playlist(playlist, spotify_id), position)
        return Response(serializers.MovedSerializer({"position": moved}).data)


class PlaylistDuplicateView(PlaylistAPIView):

    @extend_schema(summary="Copy a playlist you may see into your own playlists (private)", request=None,
                   responses={201: serializers.PlaylistSerializer})
    def post(self, request: Request, pk: int) -> Response:
        copy = editing.duplicate_playlist(playlist_for_viewer(request.user, pk), owner=signed_in_user(request))
        return Response(playlist_data(copy), status=status.HTTP_201_CREATED)

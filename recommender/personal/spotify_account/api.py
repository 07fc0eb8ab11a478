"""JSON API of a listener's Spotify account: its status, import, disconnect, and "Save to Spotify" of a playlist.

Connecting itself is a browser redirect to Spotify (/me/spotify/connect/), not an API call.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.playlists.selectors import owned_playlist
from songrec.lib.errors import NotFoundError
from songrec.lib.schema import error_response
from songrec.lib.users import signed_in_user

from . import selectors, serializers, services

NOT_READY = error_response("not connected, reconnect needed (Spotify refused our access), or a permission "
                           "missing: connect at /me/spotify/connect/?for=import or ?for=save")
UNCONFIGURED = error_response("Spotify accounts are not configured on this site")


class MySpotifyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Your Spotify connection: status, granted permissions, last import (never tokens)",
                   responses=serializers.SpotifyConnectionSerializer)
    def get(self, request: Request) -> Response:
        connection = selectors.connection_of(signed_in_user(request))
        return Response(serializers.SpotifyConnectionSerializer(serializers.connection_data(connection)).data)

    @extend_schema(summary="Disconnect Spotify: delete songrec's tokens (remove the app on Spotify's side too)",
                   responses={200: serializers.DisconnectedSerializer})
    def delete(self, request: Request) -> Response:
        disconnected = services.disconnect(signed_in_user(request))
        return Response(serializers.DisconnectedSerializer(
            {"disconnected": disconnected, "message": services.REMOVE_ON_SPOTIFY}).data)


class MySpotifyImportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Import from Spotify now: saved tracks → likes, recent and top tracks → plays",
                   request=None, responses={202: serializers.SpotifyConnectionSerializer, 409: NOT_READY})
    def post(self, request: Request) -> Response:
        connection = services.request_import(signed_in_user(request))
        return Response(serializers.SpotifyConnectionSerializer(serializers.connection_data(connection)).data,
                        status=status.HTTP_202_ACCEPTED)


class PlaylistSpotifyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Where your playlist stands on Spotify (404 until first saved)",
                   responses=serializers.SpotifyPlaylistLinkSerializer)
    def get(self, request: Request, pk: int) -> Response:
        link = selectors.playlist_link(owned_playlist(signed_in_user(request), pk))
        if link is None:
            raise NotFoundError("This playlist was never saved to Spotify.")
        return Response(serializers.SpotifyPlaylistLinkSerializer(link).data)

    @extend_schema(summary="Save your playlist to your Spotify account (created the first time, replaced after)",
                   request=None, responses={202: serializers.SpotifyPlaylistLinkSerializer, 409: NOT_READY,
                                            503: UNCONFIGURED})
    def post(self, request: Request, pk: int) -> Response:
        link = services.request_save(signed_in_user(request), pk)
        return Response(serializers.SpotifyPlaylistLinkSerializer(link).data, status=status.HTTP_202_ACCEPTED)

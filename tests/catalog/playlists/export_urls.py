"""A URLconf for the export tests: the site's, plus a stand-in for the playlist's API view (built elsewhere) that
serves JSON and every export format as the real one does."""

from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.playlists.exports import playlist_export_data
from catalog.playlists.renderers import EXPORT_FORMATS, EXPORT_RENDERERS
from catalog.playlists.selectors import playlist_for_viewer


class PlaylistStandInView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, *EXPORT_RENDERERS]

    def get(self, request, pk):
        playlist = playlist_for_viewer(request.user, pk)
        if request.accepted_renderer.format in EXPORT_FORMATS:
            return Response(playlist_export_data(playlist, request))
        return Response({"id": playlist.pk, "name": playlist.name})


urlpatterns = [
    path("api/playlists/<int:pk>/", PlaylistStandInView.as_view()),
    path("", include("songrec.urls")),
]

"""Routes of the Spotify account API, mounted under /api/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/spotify/", api.MySpotifyView.as_view(), name="me-spotify"),
    path("me/spotify/import/", api.MySpotifyImportView.as_view(), name="me-spotify-import"),
    path("playlists/<int:pk>/spotify/", api.PlaylistSpotifyView.as_view(), name="playlist-spotify"),
]

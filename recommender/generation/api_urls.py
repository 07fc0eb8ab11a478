"""Routes of the generation API, mounted under /api/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/playlists/generate/", api.GeneratePlaylistView.as_view(), name="generate-playlist"),
    path("playlists/<int:pk>/refresh/", api.RefreshPlaylistView.as_view(), name="refresh-playlist"),
    path("playlists/<int:pk>/extend/", api.ExtendPlaylistView.as_view(), name="extend-playlist"),
    path("song-path/", api.SongPathView.as_view(), name="song-path"),
]

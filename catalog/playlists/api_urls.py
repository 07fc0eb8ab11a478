"""Routes of the playlists API, mounted under /api/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/playlists/", api.MyPlaylistsView.as_view(), name="me-playlists"),
    path("playlists/<int:pk>/", api.PlaylistView.as_view(), name="playlist"),
    path("playlists/<int:pk>/tracks/", api.PlaylistTracksView.as_view(), name="playlist-tracks"),
    path("playlists/<int:pk>/tracks/<str:spotify_id>/", api.PlaylistTrackView.as_view(), name="playlist-track"),
    path("playlists/<int:pk>/tracks/<str:spotify_id>/move/", api.PlaylistMoveView.as_view(),
         name="playlist-track-move"),
    path("playlists/<int:pk>/duplicate/", api.PlaylistDuplicateView.as_view(), name="playlist-duplicate"),
]

"""The playlist import page, mounted at the site root."""

from django.urls import path

from . import transfer_views

app_name = "playlist_transfer"
urlpatterns = [
    path("me/playlists/import/", transfer_views.import_playlist, name="import"),
]

"""The playlist import API, mounted under /api/."""

from django.urls import path

from . import transfer_api

urlpatterns = [
    path("me/playlists/import/", transfer_api.PlaylistImportView.as_view(), name="me-playlists-import"),
]

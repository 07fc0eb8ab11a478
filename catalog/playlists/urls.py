"""Routes of the playlists' pages."""

from django.urls import path

from . import views

app_name = "playlists"
urlpatterns = [
    path("me/playlists/", views.my_playlists, name="mine"),
    path("me/playlists/add/", views.add_to_playlist, name="add"),
    path("playlists/<int:pk>/", views.playlist_detail, name="detail"),
    path("playlists/<int:pk>/edit/", views.edit, name="edit"),
    path("playlists/<int:pk>/remove/", views.remove, name="remove"),
    path("playlists/<int:pk>/move/", views.move, name="move"),
    path("playlists/<int:pk>/duplicate/", views.duplicate, name="duplicate"),
    path("playlists/<int:pk>/delete/", views.delete, name="delete"),
]

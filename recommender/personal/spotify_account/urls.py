from django.urls import path

from . import views

app_name = "spotify_account"
urlpatterns = [
    path("me/spotify/", views.account, name="account"),
    path("me/spotify/connect/", views.connect, name="connect"),
    path("me/spotify/callback/", views.callback, name="callback"),
    path("me/spotify/disconnect/", views.disconnect, name="disconnect"),
    path("me/spotify/import/", views.import_now, name="import"),
    path("me/spotify/privacy/", views.privacy, name="privacy"),
    path("me/playlists/<int:pk>/spotify/", views.save_playlist, name="save_playlist"),
]

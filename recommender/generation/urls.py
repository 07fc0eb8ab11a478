from django.urls import path

from . import views

app_name = "generation"
urlpatterns = [
    path("song-path/", views.song_path_page, name="song_path"),
    path("me/generate/", views.generate_page, name="generate"),
    path("me/generate/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("me/generate/<int:pk>/extend/", views.extend, name="extend"),
]

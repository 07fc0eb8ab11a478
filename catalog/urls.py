from django.urls import path

from . import views
from .crawl import views as crawl_views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("tracks/<str:spotify_id>/", views.track_detail, name="track"),
    path("artists/<int:pk>/", views.artist_detail, name="artist"),
    path("albums/<int:pk>/", views.album_detail, name="album"),
    path("crawl/", crawl_views.crawl_status, name="crawl_status"),
    path("crawl/start/", crawl_views.start, name="crawl_start"),
    # Browsers and tools that ask for /favicon.ico without reading the page's <link rel="icon">.
    path("favicon.ico", views.favicon, name="favicon"),
]

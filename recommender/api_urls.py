"""JSON API routes of the recommender app, mounted under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("index/versions", api.IndexVersionViewSet, basename="index-version")

urlpatterns = [
    path("tracks/<str:spotify_id>/similar/", api.SimilarTracksView.as_view(), name="track-similar"),
    path("recommendations/", api.RecommendationsView.as_view(), name="recommendations"),
    path("index/status/", api.IndexStatusView.as_view(), name="index-status"),
    *router.urls,
]

"""JSON API routes of the catalog explorer, mounted under /api/."""

from django.urls import path

from . import api

urlpatterns = [
    path("explore/profile/", api.ProfileView.as_view(), name="explore-profile"),
]

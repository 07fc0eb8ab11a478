"""JSON API routes of the clusters, mounted under /api/."""

from django.urls import path, re_path

from . import api

urlpatterns = [
    path("clusters/", api.ClusterListView.as_view(), name="cluster-list"),
    path("clusters/map/", api.ClusterMapView.as_view(), name="cluster-map"),
    re_path(r"^clusters/(?P<number>-?\d+)/$", api.ClusterDetailView.as_view(), name="cluster-detail"),  # -1: noise
]

from django.urls import path, re_path

from . import views

app_name = "clusters"
urlpatterns = [
    path("clusters/", views.cluster_list, name="list"),
    path("clusters/map/", views.cluster_map, name="map"),
    re_path(r"^clusters/(?P<number>-?\d+)/$", views.cluster_detail, name="detail"),  # -1: noise
    re_path(r"^clusters/(?P<number>-?\d+)/playlist/$", views.cluster_playlist, name="playlist"),
]

from django.urls import path

from . import views

app_name = "recommender"
urlpatterns = [
    path("recommend/", views.recommend, name="recommend"),
    path("index/", views.index_status, name="index_status"),
    path("index/rebuild/", views.rebuild, name="index_rebuild"),
]

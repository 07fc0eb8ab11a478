from django.urls import path

from . import views

app_name = "explore"
urlpatterns = [
    path("explore/", views.explore, name="profile"),
]

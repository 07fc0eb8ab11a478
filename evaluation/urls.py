from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("evaluate/", views.home, name="home"),
    path("evaluate/next/", views.start_next, name="next"),
    path("evaluate/tasks/<uuid:public_id>/", views.rate_task, name="task"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/results/", views.campaign_results, name="results"),
    path("campaigns/versions/<int:version_id>/", views.version_results, name="version_results"),
]

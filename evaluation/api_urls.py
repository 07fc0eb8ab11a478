"""JSON API routes of the evaluation app, mounted under /api/."""

from django.urls import path

from . import api, tokens

app_name = "evaluation-api"
urlpatterns = [
    path("evaluation/token/", tokens.TokenView.as_view(), name="token"),
    path("evaluation/tasks/next/", api.NextTaskView.as_view(), name="next-task"),
    path("evaluation/tasks/<uuid:public_id>/", api.TaskDetailView.as_view(), name="task"),
    path("evaluation/tasks/<uuid:public_id>/ratings/", api.SubmitRatingsView.as_view(), name="task-ratings"),
    path("evaluation/tasks/<uuid:public_id>/items/<int:item>/rating/", api.ItemRatingView.as_view(),
         name="item-rating"),
    path("evaluation/campaigns/", api.CampaignListView.as_view(), name="campaigns"),
    path("evaluation/campaigns/<int:pk>/", api.CampaignDetailView.as_view(), name="campaign"),
    path("evaluation/campaigns/<int:pk>/aggregates/", api.CampaignAggregatesView.as_view(),
         name="campaign-aggregates"),
    path("evaluation/campaigns/<int:pk>/ratings.csv", api.RatingsExportView.as_view(), name="campaign-ratings-csv"),
    path("evaluation/versions/<int:version_id>/aggregates/", api.VersionAggregatesView.as_view(),
         name="version-aggregates"),
    path("evaluation/ratings.csv", api.RatingsExportView.as_view(), name="ratings-csv"),
]

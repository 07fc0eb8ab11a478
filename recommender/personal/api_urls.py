"""Routes of the listeners' API, mounted under /api/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/recommendations/", api.MyRecommendationsView.as_view(), name="me-recommendations"),
    path("me/reactions/", api.MyReactionsView.as_view(), name="me-reactions"),
    path("me/reactions/<str:spotify_id>/", api.MyReactionView.as_view(), name="me-reaction"),
    path("me/imports/", api.MyImportsView.as_view(), name="me-imports"),
    path("me/imports/<int:pk>/", api.MyImportView.as_view(), name="me-import"),
    path("me/data/", api.MyDataView.as_view(), name="me-data"),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from recommender.spotify_api.token import TokenView

from . import admin_moves, api_docs, dashboard

urlpatterns = [
    *admin_moves.urlpatterns,
    path("admin/", admin.site.urls),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Spotify's paths, so a Spotify client changes only its host (recommender.spotify_api, docs/spotify_api.md).
    path("api/token", TokenView.as_view(), name="spotify-token"),
    path("v1/", include("recommender.spotify_api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.swagger_ui, name="api-docs"),
    path("api/redoc/", api_docs.redoc, name="api-redoc"),
    path("api/", include("catalog.playlists.transfer_api_urls")),
    path("api/", include("catalog.api_urls")),
    path("api/", include("recommender.api_urls")),
    path("api/", include("evaluation.api_urls")),
    path("api/", include("catalog.explore.api_urls")),
    path("api/", include("recommender.clusters.api_urls")),
    path("api/", include("recommender.personal.api_urls")),
    path("api/", include("catalog.playlists.api_urls")),
    path("", include("catalog.playlists.transfer_urls")),
    path("api/", include("recommender.generation.api_urls")),
    path("api/", include("recommender.personal.spotify_account.api_urls")),
    path("", include("recommender.urls")),
    path("", include("evaluation.urls")),
    path("", include("recommender.personal.urls")),
    path("", include("recommender.personal.spotify_account.urls")),
    path("", include("catalog.urls")),
    path("", include("catalog.playlists.urls")),
    path("", include("catalog.explore.urls")),
    path("", include("recommender.clusters.urls")),
    path("", include("recommender.generation.urls")),
]

# JSON under /api/, the site's error page elsewhere (songrec/errors.py).
handler400 = "songrec.errors.bad_request"
handler403 = "songrec.errors.permission_denied"
handler404 = "songrec.errors.page_not_found"
handler500 = "songrec.errors.server_error"

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/", include("catalog.api_urls")),
    path("api/", include("recommender.api_urls")),
    path("api/", include("evaluation.api_urls")),
    path("api/", include("recommender.personal.api_urls")),
    path("", include("recommender.urls")),
    path("", include("evaluation.urls")),
    path("", include("recommender.personal.urls")),
    path("", include("catalog.urls")),
]

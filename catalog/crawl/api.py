"""JSON API for crawl runs: read them, read the crawl's status, and (staff) queue a crawl + index rebuild.

Mount with ``path("api/", include("catalog.crawl.api"))`` (or add ``router.urls`` to catalog/api_urls.py).
"""

from celery import current_app
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from . import tasks
from .client import NOT_CONFIGURED, credentials_configured
from .models import CrawlRun
from .overview import crawl_overview
from .selectors import running_run


class CrawlRunSerializer(serializers.ModelSerializer):
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = CrawlRun
        fields = ["id", "status", "trigger", "started_at", "finished_at", "duration_seconds", "message",
                  "features_provider", "requests", "seeds", "artists_seen", "artists_adopted", "albums_crawled",
                  "tracks_created", "tracks_updated", "features_filled", "features_missing", "rate_limit_waits",
                  "error_count", "errors", "cursor"]
        read_only_fields = fields

    def get_duration_seconds(self, run) -> float | None:
        return run.duration.total_seconds() if run.duration else None


class CrawlRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Crawl runs, newest first."""

    queryset = CrawlRun.objects.all()
    serializer_class = CrawlRunSerializer
    permission_classes = [AllowAny]

    @extend_schema(responses=inline_serializer("CrawlStatus", fields={
        "configured": serializers.BooleanField(), "features_provider": serializers.CharField(),
        "seeds": serializers.ListField(child=serializers.CharField()), "seed_error": serializers.CharField(),
        "running": serializers.IntegerField(allow_null=True), "cursor": serializers.DictField(),
        "schedule": serializers.DictField(allow_null=True), "crawled_tracks": serializers.IntegerField(),
        "tracks_missing_features": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="status")
    def crawl_status(self, request):
        """Whether crawling is configured, the Beat schedule entry, and where the cursor stands."""
        overview = crawl_overview()
        overview["running"] = overview["running"].pk if overview["running"] else None
        overview.pop("cursor_updated_at", None)
        return Response(overview)

    @extend_schema(request=None, responses={202: inline_serializer("CrawlQueued", fields={
        "crawl_task": serializers.CharField(), "rebuild_task": serializers.CharField()})})
    @action(detail=False, methods=["post"], permission_classes=[IsAdminUser])
    def start(self, request):
        """Queue a crawl followed by an index rebuild (staff only); 503 without credentials or a Celery broker."""
        if not credentials_configured():
            return Response({"detail": NOT_CONFIGURED}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        if current_app.conf.task_always_eager:
            # Without a broker the crawl would run inside this request for up to its whole time budget.
            return Response({"detail": "No Celery broker is configured; run `manage.py crawl_spotify` instead."},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        running = running_run()
        if running is not None:
            return Response({"detail": f"crawl #{running.pk} is still running"}, status=status.HTTP_409_CONFLICT)
        result = tasks.nightly_chain(trigger=CrawlRun.Trigger.API).apply_async()
        return Response({"crawl_task": result.parent.id, "rebuild_task": result.id}, status=status.HTTP_202_ACCEPTED)


router = SimpleRouter()
router.register("crawl-runs", CrawlRunViewSet, basename="crawl-run")
urlpatterns = router.urls

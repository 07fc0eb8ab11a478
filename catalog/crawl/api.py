"""JSON API for crawl runs: read them, read the crawl's status, and (staff) queue a crawl + index rebuild.

Mount with ``path("api/", include("catalog.crawl.api"))`` (or add ``router.urls`` to catalog/api_urls.py).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from songrec.lib.schema import error_response

from .models import CrawlRun
from .overview import crawl_overview
from .serializers import CrawlQueuedSerializer, CrawlRunSerializer, CrawlStatusSerializer
from .starting import start_crawl


class CrawlRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Crawl runs, newest first."""

    queryset = CrawlRun.objects.all()
    serializer_class = CrawlRunSerializer
    permission_classes = [AllowAny]

    @extend_schema(responses=CrawlStatusSerializer)
    @action(detail=False, methods=["get"], url_path="status")
    def crawl_status(self, request: Request) -> Response:
        """Whether crawling is configured, the Beat schedule entry, and where the cursor stands."""
        return Response(CrawlStatusSerializer(crawl_overview()).data)

    @extend_schema(request=None, responses={
        202: CrawlQueuedSerializer,
        409: error_response("a crawl is still running"),
        503: error_response("no Spotify credentials, no Celery broker configured, or the broker is unreachable"),
    })
    @action(detail=False, methods=["post"], permission_classes=[IsAdminUser])
    def start(self, request: Request) -> Response:
        """Queue a crawl followed by an index rebuild (staff only); 409 while one runs, 503 without credentials or a
        Celery broker."""
        result = start_crawl(CrawlRun.Trigger.API)
        return Response(CrawlQueuedSerializer({"crawl_task": result.parent.id, "rebuild_task": result.id}).data,
                        status=status.HTTP_202_ACCEPTED)


router = SimpleRouter()
router.register("crawl-runs", CrawlRunViewSet, basename="crawl-run")
urlpatterns = router.urls

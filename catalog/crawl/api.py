"""JSON API for crawl runs: read them, read the crawl's status, and (staff) queue a crawl + index rebuild.

Mount with ``path("api/", include("catalog.crawl.api"))`` (or add ``router.urls`` to catalog/api_urls.py).
"""

from celery import current_app
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from songrec.lib.outbox import send_now_or_later
from songrec.lib.schema import error_response

from . import tasks
from .client import NOT_CONFIGURED, credentials_configured
from .errors import CrawlRunning, CrawlUnavailable
from .models import CrawlRun
from .overview import crawl_overview
from .selectors import running_run
from .serializers import CrawlQueuedSerializer, CrawlRunSerializer, CrawlStatusSerializer


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
        running = running_run()
        if running is not None:
            raise CrawlRunning(f"crawl #{running.pk} is still running")
        if not credentials_configured():
            raise CrawlUnavailable(NOT_CONFIGURED)
        if current_app.conf.task_always_eager:
            # Without a broker the crawl would run inside this request for up to its whole time budget.
            raise CrawlUnavailable("No Celery broker is configured; run `manage.py crawl_spotify` instead.")
        # An unreachable broker raises BrokerUnavailable, a 503 like the refusals above.
        result = send_now_or_later(tasks.nightly_chain(trigger=CrawlRun.Trigger.API), "the crawl",
                                   "catalog.tasks.nightly_crawl", kwargs={"trigger": CrawlRun.Trigger.API.value},
                                   dedupe_key="crawl-start")
        return Response(CrawlQueuedSerializer({"crawl_task": result.parent.id, "rebuild_task": result.id}).data,
                        status=status.HTTP_202_ACCEPTED)


router = SimpleRouter()
router.register("crawl-runs", CrawlRunViewSet, basename="crawl-run")
urlpatterns = router.urls

"""The staff dashboard (/dashboard/): catalog health, the index and clustering, the crawl, jobs and campaigns.

It lives in the project shell because it reads every app (catalog ← recommender ← personal ← evaluation), which
no app may do; each figure comes from the app's own selector where it has one.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.utils import timezone

from catalog.crawl.overview import crawl_overview
from catalog.crawl.selectors import MISSING_ANY_FEATURE, latest_runs
from catalog.models import Album, Artist, Genre, Track
from evaluation.models import Campaign
from evaluation.selectors import campaign_progress
from recommender.clusters.selectors import active_clustering
from recommender.models import IndexVersion
from recommender.personal.models import HistoryImport
from recommender.selectors import index_status
from songrec.lib.outbox.models import PendingTask

RECENT = timedelta(days=7)


@dataclass
class Jobs:
    """Work waiting or gone wrong: tasks kept for a broker that was down, running imports, recent failures."""

    waiting_for_broker: int
    imports_running: int
    failed: list  # (what, when, message), newest first


def catalog_counts():
    tracks = Track.objects
    return {"tracks": tracks.count(), "visible": tracks.visible().count(), "hidden": tracks.filter(hidden=True).count(),
            "missing_features": tracks.filter(MISSING_ANY_FEATURE).count(), "artists": Artist.objects.count(),
            "albums": Album.objects.count(), "genres": Genre.objects.count()}


def jobs():
    since = timezone.now() - RECENT
    failed = [(f"Index version {v.pk}", v.created_at, v.message) for v in
              IndexVersion.objects.filter(status=IndexVersion.Status.FAILED, created_at__gte=since).order_by("-pk")[:5]]
    failed += [(f"Crawl #{run.pk}", run.started_at, run.message) for run in latest_runs(10)
               if run.status == run.Status.FAILED and run.started_at >= since]
    failed += [(f"History import {i.pk} ({i.filename})", i.created_at, i.message) for i in
               HistoryImport.objects.filter(status=HistoryImport.Status.FAILED, created_at__gte=since)
               .order_by("-pk")[:5]]
    return Jobs(waiting_for_broker=PendingTask.objects.filter(dispatched_at__isnull=True).count(),
                imports_running=HistoryImport.objects.filter(status__in=[HistoryImport.Status.QUEUED,
                                                                         HistoryImport.Status.RUNNING]).count(),
                failed=sorted(failed, key=lambda row: row[1], reverse=True))


def campaigns():
    return [(campaign, campaign_progress(campaign))
            for campaign in Campaign.objects.exclude(status=Campaign.Status.CLOSED).order_by("-pk")[:10]]


@staff_member_required
def dashboard(request):
    index = index_status(versions=5)
    clustering = active_clustering()
    crawl = crawl_overview()
    context = {"counts": catalog_counts(), "index": index, "clustering": clustering,
               "clustering_current": clustering is not None and index.active is not None
               and clustering.version_id == index.active.pk,
               "crawl": crawl, "last_run": next(iter(latest_runs(1)), None), "jobs": jobs(),
               "campaigns": campaigns(), "configured": crawl["configured"], "running": crawl["running"],
               "next": "/dashboard/"}
    return render(request, "dashboard.html", context)

"""The staff dashboard (/dashboard/): catalog health, the index and clustering, the crawl, jobs and campaigns.

It lives in the project shell because it reads every app (catalog ← recommender ← personal ← evaluation), which
no app may do; each figure comes from the app's own selectors, the page only puts them together.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.utils import timezone

from catalog.crawl.overview import crawl_overview
from catalog.crawl.selectors import latest_runs
from catalog.selectors import catalog_counts
from evaluation.selectors import open_campaigns
from recommender.clusters.selectors import active_clustering
from recommender.personal.selectors import failed_imports, imports_running
from recommender.selectors import failed_versions, index_status
from songrec.lib.outbox.selectors import waiting_for_broker

RECENT = timedelta(days=7)


@dataclass
class Jobs:
    """Work waiting or gone wrong: tasks kept for a broker that was down, running imports, recent failures."""

    waiting_for_broker: int
    imports_running: int
    failed: list  # (what, when, message), newest first


def jobs():
    since = timezone.now() - RECENT
    failed = [(f"Index version {v.pk}", v.created_at, v.message) for v in failed_versions(since)]
    failed += [(f"Crawl #{run.pk}", run.started_at, run.message) for run in latest_runs(10)
               if run.status == run.Status.FAILED and run.started_at >= since]
    failed += [(f"History import {i.pk} ({i.filename})", i.created_at, i.message) for i in failed_imports(since)]
    return Jobs(waiting_for_broker=waiting_for_broker(), imports_running=imports_running(),
                failed=sorted(failed, key=lambda row: row[1], reverse=True))


@staff_member_required
def dashboard(request):
    index = index_status(versions=5)
    clustering = active_clustering()
    crawl = crawl_overview()
    context = {"counts": catalog_counts(), "index": index, "clustering": clustering,
               "clustering_current": clustering is not None and index.active is not None
               and clustering.version_id == index.active.pk,
               "crawl": crawl, "last_run": next(iter(latest_runs(1)), None), "jobs": jobs(),
               "campaigns": open_campaigns(), "configured": crawl["configured"], "running": crawl["running"],
               "next": "/dashboard/"}
    return render(request, "dashboard.html", context)

"""Staff pages of the crawl: the /crawl/ status (configured? scheduled? where does it stand?) and its start button."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from songrec.lib.errors import DomainError

from .client import NOT_CONFIGURED
from .models import CrawlRun
from .overview import crawl_overview
from .selectors import latest_runs
from .starting import start_crawl


def _admin_url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the model's admin is not mounted (yet)
        return ""


@staff_member_required
def crawl_status(request):
    context = crawl_overview()
    context.update(runs=latest_runs(20), not_configured_message=NOT_CONFIGURED,
                   admin_runs_url=_admin_url("admin:crawl_crawlrun_changelist"))
    if context["schedule"]:
        context["admin_schedule_url"] = _admin_url("admin:django_celery_beat_periodictask_change",
                                                   context["schedule"]["id"])
    return render(request, "catalog/crawl_status.html", context)


@require_POST
@staff_member_required
def start(request):
    """Queue a crawl and the index rebuild after it; the page says why when it can't."""
    try:
        result = start_crawl(CrawlRun.Trigger.API)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Crawl queued (task {result.parent.id if result.parent else result.id}); "
                                  "its run appears below once a worker picks it up.")
    return redirect("dashboard" if request.POST.get("next") == "/dashboard/" else "catalog:crawl_status")

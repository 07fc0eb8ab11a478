"""The /crawl/ status page: is crawling configured, when does it run, where does it stand, how did runs go."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from .client import NOT_CONFIGURED
from .overview import crawl_overview
from .selectors import latest_runs


def _admin_url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the model's admin is not mounted (yet)
        return ""


def crawl_status(request):
    context = crawl_overview()
    context.update(runs=latest_runs(20), not_configured_message=NOT_CONFIGURED)
    if request.user.is_staff:
        context["admin_runs_url"] = _admin_url("admin:crawl_crawlrun_changelist")
        if context["schedule"]:
            context["admin_schedule_url"] = _admin_url("admin:django_celery_beat_periodictask_change",
                                                       context["schedule"]["id"])
    return render(request, "catalog/crawl_status.html", context)

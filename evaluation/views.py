"""Evaluator pages (home, rating a task) and the public campaign results pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from recommender.models import IndexVersion
from recommender.together.benchmark import benchmark_summary
from songrec.lib.request_params import InvalidQuery, parse_int

from . import arms, selectors, svg_charts
from .assignment import next_task
from .errors import EvaluationError, NotAnEvaluator, NotYourTask, UnknownCampaign
from .evaluators import is_evaluator
from .forms import SCORE_LABELS, TaskRatingForm
from .models import Assignment, Campaign
from .ratings import submit_ratings


def _require_evaluator(user):
    if not is_evaluator(user):
        raise NotAnEvaluator()


@login_required
def home(request):
    """Campaigns open to the evaluator, their progress in each, and a button for the next task."""
    _require_evaluator(request.user)
    campaigns = selectors.evaluator_campaigns(request.user)
    return render(request, "evaluation/home.html", {
        "campaigns": campaigns,
        "can_start": any(entry.can_start for entry in campaigns),
    })


@login_required
@require_POST
def start_next(request):
    _require_evaluator(request.user)
    campaign = None
    if request.POST.get("campaign"):
        try:
            campaign_id = parse_int(request.POST["campaign"], "campaign", low=1, high=2**63 - 1)
        except InvalidQuery:
            campaign_id = None
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise UnknownCampaign("That campaign does not exist.")
    assignment = next_task(request.user, campaign)
    if assignment is None:
        messages.info(request, "Nothing needs your ratings right now. Thank you!")
        return redirect("evaluation:home")
    return redirect(assignment)


@login_required
@require_http_methods(["GET", "POST"])
def rate_task(request, public_id):
    """The blind rating page: the seed, its list in stored random order, a 1–5 choice per track."""
    _require_evaluator(request.user)
    assignment = selectors.assignment_for(request.user, public_id)
    if assignment is None:
        raise NotYourTask("This task is not assigned to you. Use “Start next task” to get one.")
    task = assignment.task
    seed, items = selectors.task_for_evaluator(task, request.user)
    form = TaskRatingForm(items, data=request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = submit_ratings(request.user, task, form.entries())
            except EvaluationError as error:
                messages.error(request, error.message)
                status = error.status_code
            else:
                messages.success(request, f"Saved your {result.total_items} ratings.")
                if request.POST.get("then") == "stop":
                    return redirect("evaluation:home")
                upcoming = next_task(request.user, task.campaign)
                if upcoming is None:
                    messages.info(request, "That was the last task needing you in this campaign. Thank you!")
                    return redirect("evaluation:home")
                return redirect(upcoming)
        else:
            status = 400
    number, total = selectors.evaluator_position(request.user, assignment)
    return render(request, "evaluation/rate.html", {
        "assignment": assignment,
        "campaign": task.campaign,
        "task": task,
        "seed": seed,
        "items": items,
        "form": form,
        "number": number,
        "total": total,
        "score_labels": SCORE_LABELS,
        "read_only": not task.campaign.is_open,
        "submitted": assignment.status == Assignment.Status.SUBMITTED,
    }, status=status)


def campaign_list(request):
    campaigns = Campaign.objects.all() if request.user.is_staff else selectors.public_campaigns()
    campaigns = list(campaigns.select_related("index_version").order_by("-created_at", "-pk"))
    for campaign in campaigns:
        campaign.progress = selectors.campaign_progress(campaign)
    return render(request, "evaluation/campaign_list.html", {"campaigns": campaigns,
                                                              "benchmark": benchmark_summary()})


def campaign_results(request, pk):
    campaign = get_object_or_404(Campaign.objects.select_related("index_version"), pk=pk)
    if campaign.status == Campaign.Status.DRAFT and not request.user.is_staff:
        raise Http404("This campaign has not been opened yet.")
    selectors.require_results_visible(campaign, request.user)  # ResultsNotPublic: a 403 page (the middleware)
    aggregates = selectors.campaign_aggregates(campaign)
    described = arms.describe(campaign)
    for row in aggregates.systems:
        arm = described.get(row.system)
        row.arm_text = f"index version {arm['index_version']}: {arms.weights_text(arm['weights'])}" if arm else ""
    return render(request, "evaluation/results.html", {
        "campaign": campaign,
        "heading": campaign.name,
        "aggregates": aggregates,
        "progress": selectors.campaign_progress(campaign),
        "k": campaign.k,
        "scatter": svg_charts.scatter_chart(aggregates),
        "distribution": svg_charts.distribution_chart(aggregates),
        "benchmark": benchmark_summary(),
    })


def version_results(request, version_id):
    version = get_object_or_404(IndexVersion, pk=version_id)
    campaigns = selectors.version_campaigns(version, request.user)
    if not campaigns.exists():
        raise Http404("No evaluation campaign with public results has evaluated this index version.")
    aggregates = selectors.version_aggregates(version, request.user)
    return render(request, "evaluation/results.html", {
        "version": version,
        "heading": f"Index version {version.pk}",
        "version_campaigns": campaigns,
        "aggregates": aggregates,
        "k": None,
        "scatter": svg_charts.scatter_chart(aggregates),
        "distribution": svg_charts.distribution_chart(aggregates),
        "benchmark": benchmark_summary(),
    })

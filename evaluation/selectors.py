"""Read-side queries of the evaluation app: progress, tasks as evaluators see them, aggregate inputs."""

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum

from catalog.models import Track
from recommender.models import IndexVersion

from .aggregates import Aggregates, RatedItem, aggregate
from .errors import ResultsNotPublic
from .evaluators import campaigns_open_to
from .models import Assignment, Campaign, Rating, RatingTask, TaskItem, Unrated


def rated_items(items_queryset: QuerySet[TaskItem]) -> list[RatedItem]:
    """RatedItems (two queries) for the TaskItems in ``items_queryset``."""
    rows = list(items_queryset.values_list("pk", "task_id", "task__system", "rank", "cosine_similarity"))
    scores, unrated = defaultdict(list), defaultdict(list)
    for item_id, score, reason in (Rating.objects.filter(item__in=items_queryset.values("pk"))
                                   .order_by("pk").values_list("item_id", "score", "unrated")):
        if score is None:
            unrated[item_id].append(reason)
        else:
            scores[item_id].append(score)
    return [RatedItem(task_id, system, rank, cosine, tuple(scores.get(item_id, ())), tuple(unrated.get(item_id, ())))
            for item_id, task_id, system, rank, cosine in rows]


def campaign_aggregates(campaign: Campaign) -> Aggregates:
    items = rated_items(TaskItem.objects.filter(task__campaign=campaign))
    return aggregate(items, campaign.systems, k=campaign.k)


def results_visible(campaigns: QuerySet[Campaign], user: User | AnonymousUser) -> QuerySet[Campaign]:
    """The campaigns whose results ``user`` may see: all for staff; for everyone else the closed ones, and open
    ones that opted in to live results when no evaluator can rate in them any more (no list short of ratings,
    none being rated)."""
    if user.is_staff:
        return campaigns
    still_rated = (Exists(RatingTask.objects.filter(campaign=OuterRef("pk"),
                                                    assigned_count__lt=F("campaign__ratings_per_item")))
                   | Exists(Assignment.objects.filter(task__campaign=OuterRef("pk"), status=Assignment.Status.ACTIVE)))
    return campaigns.filter(Q(status=Campaign.Status.CLOSED)
                            | Q(status=Campaign.Status.OPEN, live_results_public=True) & ~still_rated)


def require_results_visible(campaign: Campaign, user: User | AnonymousUser) -> None:
    """Raise ResultsNotPublic unless ``user`` may see the campaign's results (see results_visible)."""
    if not results_visible(Campaign.objects.filter(pk=campaign.pk), user).exists():
        raise ResultsNotPublic(f"The results of “{campaign.name}” are shown when the campaign closes, so that "
                               f"no evaluator learns which system made the lists they rate.")


def version_campaigns(index_version: IndexVersion, user: User | AnonymousUser) -> QuerySet[Campaign]:
    """The campaigns of an index version whose results ``user`` may see."""
    campaigns = Campaign.objects.filter(index_version=index_version).order_by("created_at", "pk")
    return results_visible(campaigns, user)


def version_aggregates(index_version: IndexVersion, user: User | AnonymousUser) -> Aggregates:
    """Aggregates pooled over the campaigns of one index version; nDCG uses each list's full length."""
    campaigns = list(version_campaigns(index_version, user))
    systems = list(dict.fromkeys(system for campaign in campaigns for system in campaign.systems))
    items = rated_items(TaskItem.objects.filter(task__campaign__in=campaigns))
    return aggregate(items, systems, k=None)


@dataclass
class CampaignProgress:
    tasks: int
    lists_needed: int  # tasks × ratings per item
    lists_submitted: int
    ratings: int  # answers with a score
    evaluators: int
    unknown: int = 0  # "don't know this track" answers
    unplayable: int = 0  # "can't play it" answers

    @property
    def percent(self) -> int:
        return 0 if not self.lists_needed else min(100, round(100 * self.lists_submitted / self.lists_needed))


def campaign_progress(campaign: Campaign) -> CampaignProgress:
    totals = campaign.tasks.aggregate(tasks=Count("pk"), submitted=Sum("submitted_count"))
    ratings = Rating.objects.filter(item__task__campaign=campaign)
    answers = ratings.aggregate(scored=Count("pk", filter=Q(score__isnull=False)),
                                unknown=Count("pk", filter=Q(unrated=Unrated.UNKNOWN)),
                                unplayable=Count("pk", filter=Q(unrated=Unrated.UNPLAYABLE)))
    return CampaignProgress(
        tasks=totals["tasks"] or 0,
        lists_needed=(totals["tasks"] or 0) * campaign.ratings_per_item,
        lists_submitted=totals["submitted"] or 0,
        ratings=answers["scored"],
        evaluators=ratings.values("evaluator").distinct().count(),
        unknown=answers["unknown"],
        unplayable=answers["unplayable"],
    )


@dataclass
class EvaluatorCampaign:
    campaign: Campaign
    submitted: int
    in_progress: Assignment | None
    available: int  # tasks not yet theirs that still need ratings

    @property
    def total(self) -> int:
        """How many tasks this evaluator can do in the campaign, counting those already done."""
        total = self.submitted + (1 if self.in_progress else 0) + self.available
        limit = self.campaign.tasks_per_evaluator
        return min(total, limit) if limit else total

    @property
    def can_start(self) -> bool:
        return self.in_progress is not None or self.submitted < self.total


def evaluator_campaigns(evaluator: User) -> list[EvaluatorCampaign]:
    """The open campaigns an evaluator may rate in, with their progress in each."""
    result = []
    for campaign in campaigns_open_to(evaluator).order_by("opened_at", "pk"):
        mine = Assignment.objects.filter(evaluator=evaluator, task__campaign=campaign)
        submitted = mine.filter(status=Assignment.Status.SUBMITTED).count()
        in_progress = (mine.filter(status=Assignment.Status.ACTIVE).select_related("task")
                       .order_by("assigned_at").first())
        available = (RatingTask.objects.filter(campaign=campaign, assigned_count__lt=campaign.ratings_per_item)
                     .exclude(pk__in=mine.values("task")).count())
        result.append(EvaluatorCampaign(campaign, submitted, in_progress, available))
    # Where there is something to do first; campaigns with nothing left for anyone last.
    return sorted(result, key=lambda entry: (not entry.can_start, entry.total == 0))


def evaluator_position(evaluator: User, assignment: Assignment) -> tuple[int, int]:
    """``(number, total)`` for "task 3 of 20": this task's place among the evaluator's tasks in its campaign.

    The total counts the evaluator's tasks so far plus those still open to them, capped by the campaign's limit;
    it can shrink while others rate.
    """
    campaign = assignment.task.campaign
    mine = (Assignment.objects.filter(evaluator=evaluator, task__campaign=campaign)
            .filter(~Q(status=Assignment.Status.RELEASED) | Q(pk=assignment.pk)))
    number = mine.filter(Q(assigned_at__lt=assignment.assigned_at)
                         | Q(assigned_at=assignment.assigned_at, pk__lte=assignment.pk)).count()
    available = (RatingTask.objects.filter(campaign=campaign, assigned_count__lt=campaign.ratings_per_item)
                 .exclude(pk__in=Assignment.objects.filter(evaluator=evaluator).values("task")).count())
    total = mine.count() + available
    if campaign.tasks_per_evaluator:
        total = min(total, campaign.tasks_per_evaluator)
    return number, max(number, total)


def task_for_evaluator(task: RatingTask, evaluator: User) -> tuple[Track, list[TaskItem]]:
    """The task's seed and items in stored display order, each item with ``my_rating`` (or None).

    Nothing here reveals the system, the rank or the system's score: lists are rated blind, and evaluators
    address items by ``display_position`` (their primary keys ascend in rank order).
    """
    seed = Track.objects.with_credits().get(pk=task.seed_track_id)
    items = list(task.items.order_by("display_position").prefetch_related(
        Prefetch("track", queryset=Track.objects.with_credits())))
    mine = {rating.item_id: rating for rating in Rating.objects.filter(evaluator=evaluator, item__task=task)}
    for item in items:
        item.my_rating = mine.get(item.pk)  # type: ignore[attr-defined]  # shown beside the item, not stored
    return seed, items


def assignment_for(evaluator: User, public_id: UUID | str) -> Assignment | None:
    """The evaluator's assignment with this public id (what their URLs and JSON carry), or None."""
    return (Assignment.objects.select_related("task__campaign")
            .filter(public_id=public_id, evaluator=evaluator).first())


def public_campaigns() -> QuerySet[Campaign]:
    """Campaigns anyone may see results of: every one that has been opened."""
    return Campaign.objects.filter(~Q(status=Campaign.Status.DRAFT)).select_related("index_version")


def ratings_for_export(campaign: Campaign | None = None) -> QuerySet[Rating]:
    """Raw ratings with everything an analyst needs, in a stable order, for the CSV export."""
    ratings = Rating.objects.all()
    if campaign is not None:
        ratings = ratings.filter(item__task__campaign=campaign)
    return (ratings.select_related("evaluator", "item__track", "item__task__seed_track", "item__task__campaign")
            .annotate(change_count=Count("changes"))
            .order_by("item__task__campaign_id", "item__task_id", "item__rank", "evaluator_id"))


def open_campaigns(limit: int = 10) -> list[tuple[Campaign, CampaignProgress]]:
    """The newest campaigns not closed, each with its progress."""
    return [(campaign, campaign_progress(campaign))
            for campaign in Campaign.objects.exclude(status=Campaign.Status.CLOSED).order_by("-pk")[:limit]]

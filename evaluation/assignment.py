"""Fair task assignment: lists that still need ratings first, never the same task twice to one evaluator.

Each RatingTask row carries ``assigned_count`` (live assignments: in progress or submitted). Picking a task locks
its row with ``SELECT … FOR UPDATE SKIP LOCKED`` and bumps that counter in the same transaction, so concurrent
"next task" requests each take a different row and never hand out more slots than ``ratings_per_item``.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from .evaluators import campaigns_open_to, require_evaluator
from .listeners import ensure_personal_tasks
from .models import Assignment, Campaign, RatingTask


def assignment_timeout():
    return timedelta(minutes=settings.EVALUATION_ASSIGNMENT_TIMEOUT_MINUTES)


def release_stale_assignments(now=None, campaign=None):
    """Give back the slots of tasks left unfinished for longer than the timeout; returns how many were released.

    The evaluator keeps access to a released task and may still submit it: nothing they rated is lost.
    """
    cutoff = (now or timezone.now()) - assignment_timeout()
    released = 0
    with transaction.atomic():
        stale = Assignment.objects.filter(status=Assignment.Status.ACTIVE, assigned_at__lt=cutoff)
        if campaign is not None:
            stale = stale.filter(task__campaign=campaign)
        # skip_locked: an evaluator submitting right now holds the row; leave that one alone.
        for assignment in stale.select_for_update(skip_locked=True).order_by("pk")[:500]:
            assignment.status = Assignment.Status.RELEASED
            assignment.released_at = timezone.now()
            assignment.save(update_fields=["status", "released_at"])
            RatingTask.objects.filter(pk=assignment.task_id, assigned_count__gt=0).update(
                assigned_count=F("assigned_count") - 1)
            released += 1
    return released


def current_assignment(evaluator, campaign=None):
    """The evaluator's unfinished assignment in an open campaign, oldest first, if any."""
    queryset = Assignment.objects.filter(
        evaluator=evaluator, status=Assignment.Status.ACTIVE, task__campaign__status=Campaign.Status.OPEN)
    if campaign is not None:
        queryset = queryset.filter(task__campaign=campaign)
    return queryset.select_related("task__campaign").order_by("assigned_at", "pk").first()


def _campaigns_with_room(evaluator, campaign=None):
    """Ids of open campaigns the evaluator may join and whose per-evaluator task limit they haven't reached."""
    campaigns = campaigns_open_to(evaluator)
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    campaigns = list(campaigns.only("pk", "tasks_per_evaluator"))
    limited = [c.pk for c in campaigns if c.tasks_per_evaluator]
    taken = dict(
        Assignment.objects.filter(evaluator=evaluator, task__campaign__in=limited)
        .exclude(status=Assignment.Status.RELEASED)
        .values_list("task__campaign").annotate(n=Count("pk")).values_list("task__campaign", "n")
    ) if limited else {}
    return [c.pk for c in campaigns if not c.tasks_per_evaluator or taken.get(c.pk, 0) < c.tasks_per_evaluator]


def next_task(evaluator, campaign=None):
    """Assign the evaluator their next task and return its Assignment, or ``None`` when nothing needs them.

    An unfinished task is handed back first. Otherwise a task with the fewest live assignments among those
    that still need ratings wins, chosen at random among them on every call: a stored or id order would let
    evaluators infer the system from the order tasks arrive in.
    """
    require_evaluator(evaluator)
    with transaction.atomic():
        # One evaluator's concurrent requests (two tabs) queue here, so they can't each grab a task.
        get_user_model().objects.select_for_update().filter(pk=evaluator.pk).first()
        resumed = current_assignment(evaluator, campaign)
        if resumed is not None:
            return resumed

    release_stale_assignments()

    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=evaluator.pk).first()
        # Another request of the same evaluator may have assigned something while we released.
        resumed = current_assignment(evaluator, campaign)
        if resumed is not None:
            return resumed
        campaign_ids = _campaigns_with_room(evaluator, campaign)
        if not campaign_ids:
            return None
        ensure_personal_tasks(evaluator, campaign_ids)
        candidates = (
            RatingTask.objects.filter(campaign__in=campaign_ids, assigned_count__lt=F("campaign__ratings_per_item"))
            .filter(Q(listener__isnull=True) | Q(listener=evaluator))
            .filter(~Q(pk__in=Assignment.objects.filter(evaluator=evaluator).values("task")))
            .order_by("assigned_count", "?")
        )
        task = candidates.select_for_update(skip_locked=True, of=("self",)).first()
        if task is None:
            # Every candidate may just be locked by concurrent requests that leave slots free: wait for them
            # instead of answering "nothing to do". PostgreSQL re-checks the filter on rows they changed, but
            # keeps the lock on a row that failed the re-check; waiting in primary-key order (not by the
            # changing assigned_count) makes every waiter lock in the same order, so waiters can't deadlock.
            task = candidates.order_by("pk").select_for_update(of=("self",)).first()
        if task is None:
            return None
        RatingTask.objects.filter(pk=task.pk).update(assigned_count=F("assigned_count") + 1)
        assignment = Assignment.objects.create(task=task, evaluator=evaluator)
    return Assignment.objects.select_related("task__campaign").get(pk=assignment.pk)

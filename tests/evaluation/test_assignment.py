"""Fair assignment: lists needing ratings first, never the same task twice, unfinished work handed back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from evaluation.assignment import next_task, release_stale_assignments
from evaluation.campaigns import close_campaign
from evaluation.errors import NotAnEvaluator
from evaluation.models import Assignment, RatingTask
from tests.evaluation.conftest import rate_all
from tests.factories import UserFactory


def test_tasks_with_the_fewest_assignments_come_first(campaign, make_evaluator):
    first = next_task(make_evaluator())
    rate_all(first.evaluator, first.task)
    # Every other task still has no assignment, so the next three evaluators get three different tasks.
    others = [next_task(make_evaluator()) for _ in range(3)]
    tasks = {assignment.task_id for assignment in others}
    assert len(tasks) == 3 and first.task_id not in tasks
    # Now every task has one assignment: the fifth evaluator's task is any one's second.
    fifth = next_task(make_evaluator())
    assert RatingTask.objects.get(pk=fifth.task_id).assigned_count == 2
    assert sorted(RatingTask.objects.values_list("assigned_count", flat=True)) == [1, 1, 1, 2]


def test_an_evaluator_never_gets_the_same_task_twice(campaign, evaluator):
    seen = []
    while (assignment := next_task(evaluator)) is not None:
        assert assignment.task_id not in seen
        seen.append(assignment.task_id)
        rate_all(evaluator, assignment.task)
    assert sorted(seen) == sorted(campaign.tasks.values_list("pk", flat=True))


def test_an_unfinished_task_is_handed_back_first(campaign, evaluator):
    first = next_task(evaluator)
    assert next_task(evaluator).pk == first.pk
    assert Assignment.objects.filter(evaluator=evaluator).count() == 1


def test_no_task_gets_more_evaluators_than_it_needs(make_campaign, make_evaluator):
    campaign = make_campaign(systems=["cosine"], seeds=1, ratings_per_item=2)
    assert next_task(make_evaluator()) is not None
    assert next_task(make_evaluator()) is not None
    assert next_task(make_evaluator()) is None
    assert campaign.tasks.get().assigned_count == 2


def test_only_open_campaigns_hand_out_tasks(make_campaign, evaluator):
    make_campaign(opened=False)
    assert next_task(evaluator) is None
    closed = make_campaign()
    close_campaign(closed, log_to_mlflow=False)
    assert next_task(evaluator) is None


def test_an_evaluators_unfinished_task_in_a_closed_campaign_is_not_handed_back(campaign, evaluator):
    next_task(evaluator)
    close_campaign(campaign, log_to_mlflow=False)
    assert next_task(evaluator) is None


def test_restricted_campaigns_only_serve_their_evaluators(make_campaign, make_evaluator):
    invited, stranger = make_evaluator(), make_evaluator()
    make_campaign(evaluators=[invited])
    assert next_task(stranger) is None
    assert next_task(invited) is not None


def test_the_per_evaluator_limit_is_respected(make_campaign, evaluator):
    make_campaign(tasks_per_evaluator=2)
    for _ in range(2):
        rate_all(evaluator, next_task(evaluator).task)
    assert next_task(evaluator) is None


def test_a_campaign_can_be_chosen(make_campaign, evaluator):
    make_campaign()
    wanted = make_campaign()
    assert next_task(evaluator, wanted).task.campaign == wanted


def test_people_outside_the_evaluator_group_get_no_tasks(campaign):
    with pytest.raises(NotAnEvaluator, match="evaluators"):
        next_task(UserFactory())


def test_abandoned_tasks_go_to_someone_else_but_their_owner_can_still_finish(make_campaign, make_evaluator):
    campaign = make_campaign(systems=["cosine"], seeds=1, ratings_per_item=1)
    slow, quick = make_evaluator(), make_evaluator()
    abandoned = next_task(slow)
    assert next_task(quick) is None
    Assignment.objects.filter(pk=abandoned.pk).update(assigned_at=timezone.now() - timedelta(hours=3))

    given = next_task(quick)
    assert given is not None and given.task_id == abandoned.task_id
    abandoned.refresh_from_db()
    assert abandoned.status == Assignment.Status.RELEASED

    result = rate_all(slow, abandoned.task)  # nothing the slow evaluator does is lost
    assert result.complete
    task = RatingTask.objects.get(pk=abandoned.task_id)
    assert (task.assigned_count, task.submitted_count) == (2, 1)
    assert campaign.tasks.count() == 1


def test_releasing_is_a_no_op_when_nothing_is_stale(campaign, evaluator):
    next_task(evaluator)
    assert release_stale_assignments() == 0

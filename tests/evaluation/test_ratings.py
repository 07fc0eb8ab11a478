"""Submitting ratings: one row per evaluator and item, changes kept, bad input refused with nothing stored."""

import pytest

from evaluation.assignment import next_task
from evaluation.campaigns import close_campaign
from evaluation.errors import CampaignNotOpen, InvalidRating, NotYourTask
from evaluation.models import Assignment, Rating, RatingChange
from evaluation.ratings import RatingEntry, submit_ratings
from tests.evaluation.conftest import rate_all


@pytest.fixture
def assignment(campaign, evaluator):
    return next_task(evaluator)


def test_rating_every_item_submits_the_task(assignment, evaluator):
    result = rate_all(evaluator, assignment.task, score=5)
    assert (result.created, result.changed, result.complete) == (3, 0, True)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED and assignment.submitted_at
    assert assignment.task.__class__.objects.get(pk=assignment.task_id).submitted_count == 1
    assert list(Rating.objects.values_list("score", flat=True)) == [5, 5, 5]


def test_items_can_be_rated_one_at_a_time(assignment, evaluator):
    items = list(assignment.task.items.all())
    for count, item in enumerate(items, start=1):
        result = submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, 3, "fine")])
        assert result.rated_items == count
    assert result.complete
    assert Rating.objects.filter(comment="fine").count() == 3


def test_re_rating_updates_the_row_and_keeps_the_change(assignment, evaluator):
    item = assignment.task.items.first()
    submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, 2, "meh")])
    result = submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, 4)])
    assert (result.created, result.changed) == (0, 1)
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (4, "meh")  # a score-only update keeps the comment
    change = RatingChange.objects.get()
    assert (change.rating, change.previous_score, change.score) == (rating, 2, 4)


def test_resubmitting_the_same_rating_changes_nothing(assignment, evaluator):
    rate_all(evaluator, assignment.task, score=3)
    result = rate_all(evaluator, assignment.task, score=3)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 3)
    assert not RatingChange.objects.exists()


@pytest.mark.parametrize("score", [0, 6, -1, "five", None, 2.5, True, ""])
def test_scores_outside_1_to_5_are_refused_and_nothing_is_stored(assignment, evaluator, score):
    items = list(assignment.task.items.all())
    with pytest.raises(InvalidRating, match="Score must be"):
        submit_ratings(evaluator, assignment.task, [RatingEntry(items[0].pk, 4), RatingEntry(items[1].pk, score)])
    assert not Rating.objects.exists()


def test_scores_given_as_text_digits_are_accepted(assignment, evaluator):
    item = assignment.task.items.first()
    submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, " 4 ")])
    assert Rating.objects.get().score == 4


def test_rating_someone_elses_task_is_forbidden(assignment, make_evaluator):
    intruder = make_evaluator()
    with pytest.raises(NotYourTask):
        rate_all(intruder, assignment.task)
    assert not Rating.objects.exists()


def test_items_of_another_task_are_refused(campaign, assignment, evaluator):
    other_item = campaign.tasks.exclude(pk=assignment.task_id).first().items.first()
    with pytest.raises(InvalidRating, match="not part of this task"):
        submit_ratings(evaluator, assignment.task, [RatingEntry(other_item.pk, 3)])


def test_a_closed_campaign_refuses_ratings_and_keeps_the_earlier_ones(campaign, assignment, evaluator):
    item = assignment.task.items.first()
    submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, 2)])
    close_campaign(campaign, log_to_mlflow=False)
    with pytest.raises(CampaignNotOpen, match="no longer accepts ratings"):
        submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, 5)])
    assert Rating.objects.get().score == 2


def test_an_overlong_comment_or_a_doubled_item_is_refused(assignment, evaluator):
    item = assignment.task.items.first()
    with pytest.raises(InvalidRating, match="2000 characters"):
        submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, 3, "x" * 2001)])
    with pytest.raises(InvalidRating, match="rated twice"):
        submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, 3), RatingEntry(item.pk, 4)])
    with pytest.raises(InvalidRating, match="No ratings"):
        submit_ratings(evaluator, assignment.task, [])


def test_a_rating_written_behind_our_back_becomes_an_update_not_a_duplicate(assignment, evaluator):
    from django.db import transaction

    from evaluation.ratings import _create_new

    first, second = assignment.task.items.all()[:2]
    sneaky = Rating.objects.create(item=first, evaluator=evaluator, score=1)
    existing = {}
    with transaction.atomic():
        created = _create_new(evaluator, [RatingEntry(first.pk, 5), RatingEntry(second.pk, 4)], existing)
    assert created == 1
    assert existing[first.pk].pk == sneaky.pk and not getattr(existing[first.pk], "_just_created", False)
    assert Rating.objects.filter(item=first).count() == 1
    assert Rating.objects.get(item=second).score == 4

"""Concurrent requests against the real PostgreSQL: every rating stored exactly once, no task over-assigned.

Each thread has its own database connection (Django opens one per thread), so these are real concurrent
transactions; ``transactional_db`` lets them see each other's commits.
"""

import threading
from collections import Counter

import pytest
from django.db import connection

from evaluation.assignment import next_task
from evaluation.models import Assignment, Rating, RatingChange, RatingTask
from evaluation.ratings import RatingEntry, submit_ratings

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(functions):
    """Start every function at the same moment in its own thread; return results and errors."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def worker(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as error:  # surfaced by the assertions below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, function)) for index, function in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def test_concurrent_submissions_from_many_evaluators_store_every_rating_exactly_once(make_campaign, make_evaluator):
    make_campaign(systems=["cosine", "random"], seeds=3, k=5, ratings_per_item=4)
    evaluators = [make_evaluator() for _ in range(8)]
    assignments = [next_task(evaluator) for evaluator in evaluators]
    assert all(assignments)

    def submit_all(evaluator, assignment, score):
        entries = [RatingEntry(item.pk, score) for item in assignment.task.items.all()]
        return lambda: submit_ratings(evaluator, assignment.task, entries)

    def submit_one(evaluator, assignment, score):
        item = assignment.task.items.order_by("pk").first()
        return lambda: submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, score)])

    # Each evaluator sends the whole list twice and its first item alone, all 24 requests at once.
    functions = []
    for number, (evaluator, assignment) in enumerate(zip(evaluators, assignments, strict=True)):
        score = number % 5 + 1
        functions += [submit_all(evaluator, assignment, score), submit_all(evaluator, assignment, score),
                      submit_one(evaluator, assignment, score)]
    results, errors = run_together(functions)

    assert errors == []
    assert Rating.objects.count() == 8 * 5
    pairs = Counter(Rating.objects.values_list("evaluator_id", "item_id"))
    assert set(pairs.values()) == {1}
    for number, (evaluator, assignment) in enumerate(zip(evaluators, assignments, strict=True)):
        mine = Rating.objects.filter(evaluator=evaluator)
        assert set(mine.values_list("item__task", flat=True)) == {assignment.task_id}
        assert set(mine.values_list("score", flat=True)) == {number % 5 + 1}
    assert not RatingChange.objects.exists()  # identical resubmissions are not changes
    assert Assignment.objects.filter(status=Assignment.Status.SUBMITTED).count() == 8
    assert sum(RatingTask.objects.values_list("submitted_count", flat=True)) == 8
    assert sum(result.created for result in results) == 40


def test_two_tabs_rating_the_same_item_at_once_leave_one_row(campaign, evaluator):
    assignment = next_task(evaluator)
    item = assignment.task.items.first()
    functions = [lambda score=score: submit_ratings(evaluator, assignment.task, [RatingEntry(item.pk, score)])
                 for score in (2, 5)]
    results, errors = run_together(functions)

    assert errors == []
    rating = Rating.objects.get()
    assert rating.score in (2, 5)
    assert sorted((result.created, result.changed) for result in results) == [(0, 1), (1, 0)]
    change = RatingChange.objects.get()
    assert (change.previous_score, change.score) in ((2, 5), (5, 2))
    assert change.score == rating.score


def test_concurrent_next_task_requests_never_over_assign(make_campaign, make_evaluator):
    campaign = make_campaign(systems=["cosine"], seeds=2, ratings_per_item=2)  # 2 tasks × 2 = 4 slots
    evaluators = [make_evaluator() for _ in range(10)]
    results, errors = run_together([lambda evaluator=evaluator: next_task(evaluator) for evaluator in evaluators])

    assert errors == []
    given = [assignment for assignment in results if assignment is not None]
    assert len(given) == 4
    per_task = Counter(Assignment.objects.values_list("task_id", flat=True))
    assert sorted(per_task.values()) == [2, 2]
    assert sorted(campaign.tasks.values_list("assigned_count", flat=True)) == [2, 2]


def test_one_evaluator_asking_twice_at_once_gets_one_task(campaign, evaluator):
    results, errors = run_together([lambda: next_task(evaluator), lambda: next_task(evaluator)])
    assert errors == []
    assert results[0].pk == results[1].pk
    assert Assignment.objects.filter(evaluator=evaluator).count() == 1

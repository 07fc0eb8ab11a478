"""human_scores: the mean human score of a recommended track for a seed, beside its cosine score."""

from evaluation.assignment import next_task
from evaluation.ratings import RatingEntry, submit_ratings
from evaluation.scores import HumanScore, human_scores
from tests.factories import TrackFactory


def test_human_scores_pool_every_rating_for_the_pair_across_tasks_and_campaigns(make_campaign, make_evaluator):
    seed, liked, disliked, unrated = TrackFactory.create_batch(4)
    lists = {(seed, "cosine"): [(liked, 0.9), (disliked, 0.8)], (seed, "euclidean"): [(liked, 0.9)]}
    first = make_campaign(systems=["cosine", "euclidean"], seeds=1, k=2, ratings_per_item=1, lists=lists)
    second = make_campaign(systems=["cosine"], seeds=1, k=1, ratings_per_item=1,
                           lists={(seed, "cosine"): [(liked, 0.9)]})
    for campaign, liked_score in ((first, 5), (first, 4), (second, 3)):
        evaluator = make_evaluator()
        assignment = next_task(evaluator, campaign)
        submit_ratings(evaluator, assignment.task, [
            RatingEntry(item.pk, liked_score if item.track_id == liked.pk else 1)
            for item in assignment.task.items.all()])

    result = human_scores(seed.pk, [liked.pk, disliked.pk, unrated.pk])
    assert result == {liked.pk: HumanScore(4.0, 3), disliked.pk: HumanScore(1.0, 1)}


def test_human_scores_are_one_query_and_exact(make_campaign, make_evaluator, django_assert_num_queries):
    seed, track = TrackFactory(), TrackFactory()
    campaign = make_campaign(systems=["cosine"], seeds=1, k=1, ratings_per_item=2,
                             lists={(seed, "cosine"): [(track, 0.7)]})
    for score in (2, 5):
        evaluator = make_evaluator()
        assignment = next_task(evaluator, campaign)
        submit_ratings(evaluator, assignment.task, [RatingEntry(assignment.task.items.get().pk, score)])
    with django_assert_num_queries(1):
        result = human_scores(seed.pk, [track.pk])
    assert result == {track.pk: HumanScore(3.5, 2)}


def test_ratings_for_another_seed_do_not_count(make_campaign, evaluator):
    seed, other_seed, track = TrackFactory.create_batch(3)
    campaign = make_campaign(systems=["cosine"], seeds=1, k=1, lists={(other_seed, "cosine"): [(track, 0.7)]})
    assignment = next_task(evaluator, campaign)
    submit_ratings(evaluator, assignment.task, [RatingEntry(assignment.task.items.get().pk, 5)])
    assert human_scores(seed.pk, [track.pk]) == {}
    assert human_scores(other_seed.pk, []) == {}

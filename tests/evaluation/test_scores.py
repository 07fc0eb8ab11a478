"""human_scores: the mean human score of a recommended track for a seed, beside its cosine score."""

import pytest
from django.core.cache import cache

from evaluation import ratings, scores
from evaluation.assignment import next_task
from evaluation.models import Rating
from evaluation.ratings import RatingEntry, submit_ratings
from evaluation.scores import HumanScore, human_scores
from songrec.lib import process_cache
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


class TestWithTheSharedCache:
    """Served from the process, as web workers do (Redis shared, outside a transaction): a seed nobody rated costs
    no query, and a rating committed anywhere is seen by the next request."""

    pytestmark = pytest.mark.django_db(transaction=True)

    @pytest.fixture(autouse=True)
    def shared_cache(self, monkeypatch):
        monkeypatch.setattr(process_cache, "cache_is_shared", lambda: True)
        cache.delete(scores.RATED_SEEDS_TOKEN_KEY)

    def rate(self, make_campaign, make_evaluator, seed, track, *, score=4):
        campaign = make_campaign(systems=["cosine"], seeds=1, k=1, ratings_per_item=1,
                                 lists={(seed, "cosine"): [(track, 0.7)]})
        evaluator = make_evaluator()
        assignment = next_task(evaluator, campaign)
        submit_ratings(evaluator, assignment.task, [RatingEntry(assignment.task.items.get().pk, score)])

    def test_a_seed_nobody_rated_costs_no_query(self, django_assert_num_queries):
        seed, track = TrackFactory(), TrackFactory()
        assert human_scores(seed.pk, [track.pk]) == {}
        with django_assert_num_queries(0):
            assert human_scores(seed.pk, [track.pk]) == {}

    def test_the_first_rating_of_a_seed_is_seen_at_once(self, make_campaign, make_evaluator):
        seed, track = TrackFactory(), TrackFactory()
        assert human_scores(seed.pk, [track.pk]) == {}  # the process now knows the rated seeds: none
        self.rate(make_campaign, make_evaluator, seed, track, score=4)
        assert human_scores(seed.pk, [track.pk]) == {track.pk: HumanScore(4.0, 1)}

    def test_a_deleted_rating_is_seen_at_once(self, make_campaign, make_evaluator):
        seed, track = TrackFactory(), TrackFactory()
        self.rate(make_campaign, make_evaluator, seed, track)
        assert human_scores(seed.pk, [track.pk]) == {track.pk: HumanScore(4.0, 1)}
        Rating.objects.get().delete()
        assert human_scores(seed.pk, [track.pk]) == {}

    def test_a_rating_written_by_another_process_is_seen_through_the_shared_token(self, make_campaign,
                                                                                 make_evaluator, monkeypatch):
        seed, track = TrackFactory(), TrackFactory()
        assert human_scores(seed.pk, [track.pk]) == {}
        # Another process: its writes reach this process only through the token it sets after committing.
        monkeypatch.setattr(scores, "ratings_changed", lambda: None)
        monkeypatch.setattr(ratings, "ratings_changed", lambda: None)
        self.rate(make_campaign, make_evaluator, seed, track)
        assert human_scores(seed.pk, [track.pk]) == {}  # the token has not changed: the cached answer stands
        cache.set(scores.RATED_SEEDS_TOKEN_KEY, "another process committed")
        assert human_scores(seed.pk, [track.pk]) == {track.pk: HumanScore(4.0, 1)}

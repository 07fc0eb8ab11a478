"""Fixtures for the evaluation tests: evaluators, index versions, campaigns with explicit frozen lists."""

import itertools

import pytest

from evaluation.campaigns import FrozenItem, add_task, create_campaign, open_campaign
from evaluation.evaluators import evaluator_group
from tests.broker import broker_down  # noqa: F401  (a Celery broker on a closed port)
from tests.factories import TrackFactory, UserFactory

_names = itertools.count(1)


@pytest.fixture
def make_evaluator(db):
    def make(username=None, **fields):
        user = UserFactory(username=username or f"evaluator{next(_names)}", **fields)
        user.groups.add(evaluator_group())
        return user

    return make


@pytest.fixture
def evaluator(make_evaluator):
    return make_evaluator("alice")


@pytest.fixture
def index_version(db):
    from recommender.models import IndexVersion

    return IndexVersion.objects.create(status=IndexVersion.Status.ACTIVE, k=50, n_tracks=0)


@pytest.fixture
def make_campaign(db, index_version):
    """A campaign whose lists are given explicitly: ``lists[(seed, system)] = [(track, cosine), …]`` best first.

    Without ``lists`` it makes ``seeds`` seeds × ``systems`` with ``k`` fresh tracks each, cosine falling by rank.
    """

    def make(systems=("cosine", "random"), seeds=2, k=3, ratings_per_item=2, lists=None, opened=True,
             version=None, **options):
        campaign = create_campaign(name=options.pop("name", f"Campaign {next(_names)}"),
                                   index_version=version or index_version, systems=systems, seed_count=seeds, k=k,
                                   ratings_per_item=ratings_per_item, random_seed=options.pop("random_seed", 7),
                                   **options)
        if lists is None:
            lists = {}
            for _ in range(seeds):
                seed = TrackFactory()
                for system in systems:
                    lists[(seed, system)] = [(TrackFactory(), round(0.9 - 0.1 * rank, 3)) for rank in range(k)]
        for (seed, system), tracks in lists.items():
            add_task(campaign, seed.pk, system, [
                FrozenItem(track.pk, rank, system_score=cosine if system == "cosine" else 1.0 / rank,
                           cosine_similarity=cosine)
                for rank, (track, cosine) in enumerate(tracks, start=1)])
        if opened:
            campaign = open_campaign(campaign)
        return campaign

    return make


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def rate_all(evaluator, task, score=4):
    """Submit ``score`` (an int, or a function of the item) for every item of ``task``."""
    from evaluation.ratings import RatingEntry, submit_ratings

    return submit_ratings(evaluator, task, [
        RatingEntry(item.pk, score(item) if callable(score) else score) for item in task.items.all()])

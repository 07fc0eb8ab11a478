"""Fixtures for the evaluation tests: evaluators, index versions, campaigns with explicit frozen lists."""

import itertools
import random

import pytest

from evaluation.campaigns import FrozenItem, add_task, create_campaign, open_campaign
from evaluation.evaluators import evaluator_group
from tests.broker import broker_down  # noqa: F401  (a Celery broker on a closed port)
from tests.factories import ArtistFactory, TrackFactory, UserFactory

_names = itertools.count(1)


def three_genre_catalog(seed, energy_spread):
    """30 indexable tracks over rock, jazz and k-pop (one band each), energy drawn around each genre's own."""
    rng = random.Random(seed)
    for genre, energy in (("rock", 0.85), ("jazz", 0.3), ("k-pop", 0.7)):
        artist = ArtistFactory(name=f"{genre} band")
        for number in range(10):
            TrackFactory(name=f"{genre} song {number}", genres=[genre], artists=[artist],
                         energy=min(1.0, max(0.0, rng.gauss(energy, energy_spread))), popularity=10 + 8 * number)


@pytest.fixture
def fresh_version_cache():
    """Memory-mapped version files are cached per process: tests that build versions start without them."""
    from songrec.lib.process_cache import forget_all

    forget_all()
    yield
    forget_all()


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
def other_weighting(db):
    """A second, inactive version, as built by ``rebuild_index --no-activate --genre-weight 1``."""
    from recommender.models import IndexVersion

    return IndexVersion.objects.create(status=IndexVersion.Status.READY, k=50, n_tracks=0,
                                       params={"genre_weight": 1.0, "audio_weight": 1.0, "popularity_weight": 0.0})


@pytest.fixture
def make_campaign(db, index_version):
    """A campaign whose lists are given explicitly: ``lists[(seed, system)] = [(track, cosine), …]`` best first.

    Without ``lists`` it makes ``seeds`` seeds × ``systems`` with ``k`` fresh tracks each, cosine falling by rank.
    """

    def make(*, systems=("cosine", "random"), seeds=2, k=3, ratings_per_item=2, lists=None, opened=True,
             version=None, **options):
        campaign = create_campaign(name=options.pop("name", f"Campaign {next(_names)}"),
                                   index_version=version or index_version, systems=systems, seed_count=seeds, k=k,
                                   ratings_per_item=ratings_per_item, random_seed=options.pop("random_seed", 7),
                                   **options)
        if lists is None:
            lists = {}
            for _ in range(seeds):
                seed = TrackFactory()
                for system in campaign.systems:  # arms ("cosine@3") when versions are compared
                    lists[(seed, system)] = [(TrackFactory(), round(0.9 - 0.1 * rank, 3)) for rank in range(k)]
        for (seed, system), tracks in lists.items():
            add_task(campaign, seed.pk, system, [
                FrozenItem(track.pk, rank, system_score=cosine if system.startswith("cosine") else 1.0 / rank,
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

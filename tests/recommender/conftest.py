import random

import pytest

from recommender import services
from recommender.index.build_lock import BuildLock
from recommender.index.params import IndexParams
from tests.factories import ArtistFactory, TrackFactory
from tests.replay import replayed


@pytest.fixture
def catalog(db):
    """30 indexable tracks over rock / jazz / k-pop (10 each), plus a hidden one and one missing too many
    features to be indexed (four: the pipeline estimates at most three). Made once per test process
    (tests/replay.py)."""
    return replayed("recommender catalog", _make_catalog)


def _make_catalog():
    random.seed(20240611)
    tracks = {}
    for genre, energy in (("rock", 0.85), ("jazz", 0.3), ("k-pop", 0.7)):
        artists = [ArtistFactory(name=f"{genre} artist {i}") for i in range(4)]
        tracks[genre] = [TrackFactory(name=f"{genre} song {i}", genres=[genre], artists=[artists[i % 4]],
                                      energy=min(1.0, max(0.0, random.gauss(energy, 0.05))),
                                      popularity=10 + 8 * i) for i in range(10)]
    tracks["hidden"] = TrackFactory(name="hidden song", genres=["rock"], hidden=True)
    tracks["incomplete"] = TrackFactory(name="no tempo", genres=["rock"], tempo=None, energy=None, valence=None,
                                        liveness=None)
    return tracks


def build(**overrides):
    """Rebuild with small k (10) unless overridden; returns the RebuildResult."""
    return services.rebuild_index(IndexParams.from_settings(**{"k": 10, **overrides}))


@pytest.fixture
def live_builder(db):
    """Some process holding the rebuild lock, as a running build does (a building row without it is dead)."""
    lock = BuildLock()
    assert lock.acquire()
    yield lock
    lock.release()


@pytest.fixture
def active(catalog):
    """The catalog above, indexed and active."""
    return build().version

import random

import pytest
from django.core.cache import cache

from recommender import services
from recommender.index.params import IndexParams
from songrec.lib.process_cache import forget_all
from tests.factories import ArtistFactory, TrackFactory
from tests.replay import replayed


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Version files are cached per process and map payloads per clustering id, which repeat between tests."""
    forget_all()
    cache.clear()
    yield
    forget_all()
    cache.clear()


@pytest.fixture
def catalog(db):
    """60 tracks: loud fast metal, quiet acoustic folk and danceable pop, 20 each. Made once per test process
    (tests/replay.py)."""
    return replayed("clusters catalog", _make_catalog)


def _make_catalog():
    random.seed(7)
    kinds = {
        "metal": dict(energy=0.9, loudness=-4.0, tempo=170.0, acousticness=0.1, danceability=0.3),
        "folk": dict(energy=0.2, loudness=-18.0, tempo=90.0, acousticness=0.9, danceability=0.4),
        "pop": dict(energy=0.65, loudness=-7.0, tempo=118.0, acousticness=0.15, danceability=0.85),
    }
    tracks = {}
    for genre, centre in kinds.items():
        artist = ArtistFactory(name=f"{genre} band")
        tracks[genre] = [
            TrackFactory(name=f"{genre} {i}", genres=[genre], artists=[artist],
                         **{name: value + random.gauss(0, 0.02 if name not in ("loudness", "tempo") else 1.0)
                            for name, value in centre.items()})
            for i in range(20)]
    return tracks


@pytest.fixture
def active(catalog):
    return services.rebuild_index(IndexParams.from_settings(k=10)).version

import random

import pytest
from django.core.cache import cache
from django.utils import timezone

from recommender.index.params import IndexParams
from recommender.personal.models import Play, Reaction
from recommender.services import rebuild_index
from songrec.lib.process_cache import forget_all
from tests.factories import ArtistFactory, TrackFactory, UserFactory
from tests.replay import replayed

# Three tastes far apart in the feature space: quiet acoustic jazz, loud fast metal, danceable pop.
STYLES = {
    "jazz": dict(energy=0.2, acousticness=0.9, danceability=0.4, loudness=-18.0, tempo=90.0, instrumentalness=0.8),
    "metal": dict(energy=0.97, acousticness=0.02, danceability=0.3, loudness=-4.0, tempo=170.0, instrumentalness=0.1),
    "pop": dict(energy=0.7, acousticness=0.1, danceability=0.85, loudness=-6.0, tempo=118.0, instrumentalness=0.0),
}


@pytest.fixture(autouse=True)
def _fresh_caches(settings, tmp_path):
    settings.PERSONAL_UPLOAD_DIR = tmp_path / "uploads"
    forget_all()
    cache.clear()  # cached For you rankings (locmem in tests) must not outlive a test's rolled-back rows
    yield
    forget_all()


def _jitter(values):
    return {name: value if name in ("tempo", "loudness") else min(1.0, max(0.0, value + random.uniform(-0.05, 0.05)))
            for name, value in values.items()}


@pytest.fixture
def tracks(db):
    """12 tracks per style (jazz, metal, pop), each style with 3 artists, popularity rising with the number. Made
    once per test process (tests/replay.py)."""
    return replayed("personal tracks", _make_tracks)


def _make_tracks():
    random.seed(12)
    catalog = {}
    for style, values in STYLES.items():
        artists = [ArtistFactory(name=f"{style.title()} Artist {i}") for i in range(3)]
        catalog[style] = [TrackFactory(name=f"{style.title()} Song {i}", genres=[style], artists=[artists[i % 3]],
                                       popularity=20 + 5 * i, **_jitter(values)) for i in range(12)]
    return catalog


@pytest.fixture
def index(tracks):
    # The weights these three styles were laid out for (the default genre weight moved to 0.5 with issue 8).
    return rebuild_index(IndexParams.from_settings(k=10, genre_weight=0.75)).version


@pytest.fixture
def listener(db):
    return UserFactory(username="listener")


@pytest.fixture
def other(db):
    return UserFactory(username="other")


@pytest.fixture
def listeners(tracks, settings):
    """24 listeners, each fond of one or two styles: likes and plays inside them."""
    settings.PERSONAL_MIN_LISTENERS = 20
    rng = random.Random(5)
    users = []
    now = timezone.now()
    for number in range(24):
        user = UserFactory(username=f"fan{number}")
        styles = rng.sample(sorted(tracks), rng.choice([1, 2]))
        pool = [track for style in styles for track in tracks[style]]
        for track in rng.sample(pool, 8):
            Reaction.objects.create(user=user, track=track, value=Reaction.LIKE)
        for track in rng.sample(pool, 6):
            Play.objects.create(user=user, track=track, played_at=now, ms_played=100000)
        users.append(user)
    return users

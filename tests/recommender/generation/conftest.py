import pytest

from tests.factories import ArtistFactory, TrackFactory, UserFactory
from tests.recommender.conftest import build

# Every audio feature but energy held still, so the index's space is one line through energy (plus popularity).
STEADY = dict(danceability=0.5, key=5, loudness=-8.0, mode=1, speechiness=0.05, acousticness=0.3,
              instrumentalness=0.0, liveness=0.1, valence=0.5, tempo=120.0, time_signature=4, duration_ms=200_000,
              popularity=50)


@pytest.fixture
def line(db):
    """41 tracks of one genre evenly spread over energy 0…1 (everything else equal), indexed and active."""
    artist = ArtistFactory(name="line artist")
    tracks = [TrackFactory(name=f"line {i}", genres=["ambient"], artists=[artist], energy=i / 40, **STEADY)
              for i in range(41)]
    build()
    return tracks


@pytest.fixture
def listener(db):
    return UserFactory(username="listener")


@pytest.fixture
def other_listener(db):
    return UserFactory(username="someone-else")

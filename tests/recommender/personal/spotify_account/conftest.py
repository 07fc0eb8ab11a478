"""A listener, a few catalog tracks and the fake Spotify server (real HTTP, real spotipy) for the account tests."""

import pytest

from tests.factories import TrackFactory, UserFactory
from tests.fake_spotify import connect, fake_spotify, spotify_accounts  # noqa: F401  (fixtures)


@pytest.fixture
def spotify(request):
    """The fake Spotify with the listener's account ("sp-listener"), the settings pointing at it."""
    return request.getfixturevalue("spotify_accounts")


@pytest.fixture
def listener(db):
    return UserFactory(username="listener")


@pytest.fixture
def catalog_tracks(db):
    return [TrackFactory(name=f"Song {number}") for number in range(6)]


@pytest.fixture
def connected(client, listener, spotify):
    """The listener, signed in and connected with the import scopes."""
    client.force_login(listener)
    response = connect(client, spotify)
    assert response.status_code == 302, response.content[:500]
    return listener

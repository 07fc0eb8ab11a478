"""A listener, a few catalog tracks and the fake Spotify server (real HTTP, real spotipy) for the account tests."""

from urllib.parse import urlsplit

import pytest
import requests

from tests.factories import TrackFactory, UserFactory
from tests.fake_spotify import fake_spotify  # noqa: F401  (fixture)


@pytest.fixture
def spotify(settings, fake_spotify):  # noqa: F811
    """The fake Spotify with one listener account, and every Spotify URL of the settings pointing at it."""
    settings.SPOTIFY_CLIENT_ID = fake_spotify.client_id
    settings.SPOTIFY_ACCOUNTS_URL = fake_spotify.url
    settings.SPOTIFY_TOKEN_URL = f"{fake_spotify.url}/api/token"
    settings.SPOTIFY_API_PREFIX = f"{fake_spotify.url}/v1/"
    settings.SPOTIFY_REQUEST_TIMEOUT = 2
    settings.SPOTIFY_ACCOUNT_BACKOFF_SECONDS = 1
    settings.SPOTIFY_REDIRECT_URI = ""
    # In-process tasks retry at once (eager mode applies the retry again) instead of raising Retry to the caller.
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    fake_spotify.add_user("sp-listener", "Listener on Spotify")
    return fake_spotify


@pytest.fixture
def listener(db):
    return UserFactory(username="listener")


@pytest.fixture
def catalog_tracks(db):
    return [TrackFactory(name=f"Song {number}") for number in range(6)]


def authorize(client, spotify, purpose="import", start=None):
    """Follow the connection as a browser does: songrec → Spotify's /authorize → back to the callback."""
    response = start if start is not None else client.get(f"/me/spotify/connect/?for={purpose}")
    assert response.status_code == 302 and response["Location"].startswith(f"{spotify.url}/authorize?")
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    return urlsplit(back.headers["Location"])


def connect(client, spotify, purpose="import", start=None):
    callback = authorize(client, spotify, purpose, start)
    return client.get(f"{callback.path}?{callback.query}")


@pytest.fixture
def connected(client, listener, spotify):
    """The listener, signed in and connected with the import scopes."""
    client.force_login(listener)
    response = connect(client, spotify)
    assert response.status_code == 302, response.content[:500]
    return listener

"""A live server on the real catalog with a committed API client, for real Spotify clients to call over HTTP.

Like tests/realdata/browser/, the server is pytest-django's ``LiveServer`` started here rather than through its
``live_server`` fixture, whose flush after each test would wipe the real catalog the other tests in
tests/realdata share. The client it needs is committed once per module and deleted afterwards.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from pytest_django.live_server_helper import LiveServer

from catalog.models import AUDIO_FEATURES, Track
from catalog.selectors import search_results
from recommender.spotify_api.models import ApiClient
from recommender.spotify_api.services import create_api_client

CLIENT_NAME = "realdata spotify clients"


@dataclass
class Server:
    url: str
    client_id: str
    client_secret: str
    track: Track  # a popular indexed track with an album, an artist and a genre
    other: Track  # another one, by another artist


@pytest.fixture(scope="module")
def spotify_server(real_catalog, real_var_dir, django_db_blocker):
    previous = django_settings.RECOMMENDER_INDEX_DIR
    django_settings.RECOMMENDER_INDEX_DIR = real_var_dir / "index"  # where the session's build wrote its files
    server = None
    try:
        with django_db_blocker.unblock():
            ApiClient.objects.filter(name=CLIENT_NAME).delete()  # left by an interrupted run on a reused database
            credentials = create_api_client(CLIENT_NAME)
            indexed = Track.objects.filter(hidden=False, album__isnull=False, genres__isnull=False,
                                           **{f"{name}__isnull": False for name in AUDIO_FEATURES})
            track = indexed.order_by("-popularity", "pk").first()
            lead = track.track_artists.order_by("position").first().artist_id
            other = indexed.exclude(track_artists__artist_id=lead).order_by("-popularity", "pk").first()
            search_results(track.name, limit=1)  # built once here: the server thread shares this process's index
        server = LiveServer("localhost")
        yield Server(server.url, credentials.client_id, credentials.client_secret, track, other)
    finally:
        if server is not None:
            server.stop()
        django_settings.RECOMMENDER_INDEX_DIR = previous
        with django_db_blocker.unblock():
            ApiClient.objects.filter(name=CLIENT_NAME).delete()

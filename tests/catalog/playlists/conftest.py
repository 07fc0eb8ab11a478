"""A listener, four tracks and their private playlist of the first three."""

import pytest

from catalog.playlists.services import create_listener_playlist
from tests.factories import TrackFactory, UserFactory


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def tracks():
    return TrackFactory.create_batch(4)


@pytest.fixture
def playlist(owner, tracks):
    return create_listener_playlist(owner=owner, name="Evening", track_ids=[track.pk for track in tracks[:3]])

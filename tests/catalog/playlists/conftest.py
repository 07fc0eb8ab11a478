"""Fixtures of the playlist tests: a listener with a private playlist of three tracks, a small catalog of real
song names for imports, a listener signed in, and the fake Spotify server."""

import pytest

from catalog.playlists.services import create_listener_playlist
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, UserFactory
from tests.fake_spotify import crawl_settings, fake_spotify, world  # noqa: F401  (fixtures)


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def tracks():
    return TrackFactory.create_batch(4)


@pytest.fixture
def playlist(owner, tracks):
    return create_listener_playlist(owner=owner, name="Evening", track_ids=[track.pk for track in tracks[:3]])


@pytest.fixture
def songs(db):
    """Six songs by three artists (one with two artists), and filler the fuzzy search must not pick."""
    queen, bowie = ArtistFactory(name="Queen"), ArtistFactory(name="David Bowie")
    harbor = ArtistFactory(name="Blue Harbor")
    tracks = [
        TrackFactory(name="Bohemian Rhapsody", artists=[queen], album=AlbumFactory(name="A Night at the Opera")),
        TrackFactory(name="Under Pressure", artists=[queen, bowie], album=AlbumFactory(name="Hot Space")),
        TrackFactory(name="Heroes", artists=[bowie], album=AlbumFactory(name="\"Heroes\"")),
        TrackFactory(name="Don't Stop Me Now", artists=[queen]),
        TrackFactory(name="Tide & Moor, Part 2", artists=[harbor], album=AlbumFactory(name="=cmd|' /C calc'!A0")),
        TrackFactory(name="Life on Mars?", artists=[bowie]),
    ]
    for n in range(20):
        TrackFactory(name=f"Filler {n}", artists=[ArtistFactory(name=f"Nobody {n}")])
    return tracks


@pytest.fixture
def listener(db):
    return UserFactory(username="ana")


@pytest.fixture
def signed_in(client, listener):
    client.force_login(listener)
    return client

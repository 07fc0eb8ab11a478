"""Fixtures of the playlist tests: a small catalog, a listener signed in, and the fake Spotify server."""

import pytest

from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, UserFactory
from tests.fake_spotify import crawl_settings, fake_spotify, world  # noqa: F401  (fixtures)


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

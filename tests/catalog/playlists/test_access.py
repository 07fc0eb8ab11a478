"""Who may see and change a playlist: the one rule the pages, the API and the exports share."""

import pytest

from catalog.playlists.models import Playlist
from catalog.playlists.selectors import NotYourPlaylist, owned_playlist, playlist_for_viewer
from catalog.playlists.services import create_listener_playlist
from songrec.lib.errors import DomainError, NotFoundError
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory()


def test_a_new_listener_playlist_is_private_and_keeps_the_order_given(owner):
    tracks = TrackFactory.create_batch(3)
    playlist = create_listener_playlist(owner=owner, name="  Evening  ", track_ids=[tracks[2].pk, tracks[0].pk])
    assert playlist.name == "Evening" and playlist.visibility == Playlist.Visibility.PRIVATE
    assert list(playlist.entries.values_list("track_id", flat=True)) == [tracks[2].pk, tracks[0].pk]


def test_a_blank_name_is_refused_and_nothing_is_stored(owner):
    with pytest.raises(DomainError) as error:
        create_listener_playlist(owner=owner, name="   ")
    assert error.value.field == "name" and not Playlist.objects.exists()


def test_a_private_playlist_is_not_found_for_anyone_but_its_owner(owner):
    playlist = create_listener_playlist(owner=owner, name="Mine")
    assert playlist_for_viewer(owner, playlist.pk) == playlist
    with pytest.raises(NotFoundError):
        playlist_for_viewer(UserFactory(), playlist.pk)


def test_others_see_a_public_playlist_but_cannot_change_it(owner):
    playlist = create_listener_playlist(owner=owner, name="Shared", visibility=Playlist.Visibility.PUBLIC)
    assert playlist_for_viewer(UserFactory(), playlist.pk) == playlist
    with pytest.raises(NotYourPlaylist):
        owned_playlist(UserFactory(), playlist.pk)
    assert owned_playlist(owner, playlist.pk) == playlist

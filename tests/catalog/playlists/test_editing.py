"""A listener changes their playlist: facts, add, remove, move, duplicate, delete; positions always 0…n-1."""

import pytest

from catalog.models import Track
from catalog.playlists import editing
from catalog.playlists.models import Playlist, PlaylistTrack
from catalog.playlists.selectors import playlist_track_ids
from catalog.playlists.services import PlaylistTooLong, create_listener_playlist
from songrec.lib.errors import DomainError, NotFoundError
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def track_ids():
    return [track.pk for track in TrackFactory.create_batch(5)]


@pytest.fixture
def four(owner, track_ids):
    """A playlist of the first four of five tracks."""
    return create_listener_playlist(owner=owner, name="Evening", track_ids=track_ids[:4])


def positions(four):
    return list(PlaylistTrack.objects.filter(playlist=four).order_by("position").values_list("position", flat=True))


def test_rename_describe_and_change_visibility_and_a_blank_name_changes_nothing(four):
    editing.update_playlist(four, name="  Late night ", description="quiet", visibility="public")
    four.refresh_from_db()
    assert (four.name, four.description, four.visibility) == ("Late night", "quiet", "public")
    for bad in ({"name": "   "}, {"name": "x" * 301}, {"visibility": "friends"}, {"description": "x" * 5001}):
        with pytest.raises(DomainError):
            editing.update_playlist(four, **bad)
    four.refresh_from_db()
    assert (four.name, four.visibility) == ("Late night", "public")


def test_adding_appends_in_order_keeps_tracks_already_there_and_reports_unknown_ids(four, track_ids):
    result = editing.add_tracks(four, [track_ids[4], track_ids[0], 999_999, track_ids[4]])
    assert (result.added, result.already_there, result.unknown, result.track_count) == (
        [track_ids[4]], [track_ids[0]], [999_999], 5)
    assert playlist_track_ids(four) == [*track_ids[:4], track_ids[4]]
    assert positions(four) == [0, 1, 2, 3, 4]


def test_adding_past_ten_thousand_tracks_is_refused_whole_with_a_clear_message(four, track_ids, monkeypatch):
    monkeypatch.setattr(editing, "MAX_PLAYLIST_TRACKS", 4)
    with pytest.raises(PlaylistTooLong) as error:
        editing.add_tracks(four, [track_ids[4]])
    assert "at most 4 tracks" in error.value.message and error.value.status_code == 400
    assert playlist_track_ids(four) == track_ids[:4]


def test_the_real_cap_is_ten_thousand():
    assert editing.MAX_PLAYLIST_TRACKS == 10_000


def test_removing_closes_the_gap(four, track_ids):
    editing.remove_track(four, track_ids[1])
    assert playlist_track_ids(four) == [track_ids[0], track_ids[2], track_ids[3]]
    assert positions(four) == [0, 1, 2]
    with pytest.raises(NotFoundError):
        editing.remove_track(four, track_ids[1])


@pytest.mark.parametrize(("track", "to", "order"), [
    (0, 2, [1, 2, 0, 3]), (3, 0, [3, 0, 1, 2]), (1, 99, [0, 2, 3, 1]), (2, 2, [0, 1, 2, 3])])
def test_moving_a_track_shifts_the_others_and_past_the_end_means_last(four, track_ids, track, to, order):
    moved_to = editing.move_track(four, track_ids[track], to)
    assert playlist_track_ids(four) == [track_ids[i] for i in order]
    assert moved_to == order.index(track) and positions(four) == [0, 1, 2, 3]


def test_a_duplicate_is_a_private_copy_for_whoever_asked(four, track_ids):
    editing.update_playlist(four, visibility="public")
    someone = UserFactory()
    copy = editing.duplicate_playlist(four, owner=someone)
    assert (copy.owner, copy.name, copy.visibility) == (someone, "Evening (copy)", "private")
    assert playlist_track_ids(copy) == track_ids[:4]


def test_deleting_removes_the_playlist_and_its_entries_but_not_the_tracks(four, track_ids):
    editing.delete_playlist(four)
    assert not Playlist.objects.exists() and not PlaylistTrack.objects.exists()
    assert Track.objects.count() == 5

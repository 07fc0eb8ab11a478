"""Playlist membership: order, duplicates, unknown tracks, empty and over-long playlists each have one outcome."""

import pytest

from catalog.playlists import services
from catalog.playlists.models import MAX_PLAYLIST_TRACKS, Playlist
from catalog.playlists.selectors import playlist_counts_by_source, playlist_memberships, playlist_track_ids
from catalog.playlists.services import (
    ExternalPlaylist,
    PlaylistTooLong,
    replace_playlist_tracks,
    store_external_playlists,
)
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracks():
    return TrackFactory.create_batch(4)


@pytest.fixture
def playlist():
    return Playlist.objects.create(name="Mix", source=Playlist.Source.DATASET, external_id="mix")


def test_membership_keeps_the_order_the_first_place_of_a_duplicate_and_skips_unknown_ids(playlist, tracks):
    a, b, c, _ = (track.pk for track in tracks)
    result = replace_playlist_tracks(playlist, [c, a, c, 999_999, b])

    assert playlist_track_ids(playlist) == [c, a, b]
    assert (result.kept, result.unknown, result.duplicates, result.changed) == (3, [999_999], 1, True)
    assert list(playlist.entries.values_list("position", flat=True)) == [0, 1, 2]
    assert not replace_playlist_tracks(playlist, [c, a, b]).changed  # the same order writes nothing

    replace_playlist_tracks(playlist, [b, c])  # a reorder moves positions through each other
    assert playlist_track_ids(playlist) == [b, c]


def test_an_empty_list_empties_the_playlist(playlist, tracks):
    replace_playlist_tracks(playlist, [tracks[0].pk])
    assert replace_playlist_tracks(playlist, []).changed
    assert playlist_track_ids(playlist) == []


def test_more_than_the_limit_is_refused_whole_and_the_stored_tracks_stay(playlist, tracks):
    replace_playlist_tracks(playlist, [tracks[0].pk])
    with pytest.raises(PlaylistTooLong, match="at most 10,000 tracks; this one has 10,001"):
        replace_playlist_tracks(playlist, range(1, MAX_PLAYLIST_TRACKS + 2))
    assert PlaylistTooLong.status_code == 400
    assert playlist_track_ids(playlist) == [tracks[0].pk]


def test_exactly_the_limit_is_accepted(playlist, tracks, monkeypatch):
    monkeypatch.setattr(services, "MAX_PLAYLIST_TRACKS", 4)
    assert replace_playlist_tracks(playlist, [t.pk for t in tracks]).kept == 4
    monkeypatch.setattr(services, "MAX_PLAYLIST_TRACKS", 3)
    with pytest.raises(PlaylistTooLong):
        replace_playlist_tracks(playlist, [t.pk for t in reversed(tracks)])
    assert len(playlist_track_ids(playlist)) == 4


def test_a_source_s_bad_playlists_are_reported_and_skipped_and_the_good_ones_stored(tracks, monkeypatch):
    ids = [track.spotify_id for track in tracks]
    existing = Playlist.objects.create(name="Old", source=Playlist.Source.DATASET, external_id="unknowns")
    replace_playlist_tracks(existing, [tracks[0].pk])
    monkeypatch.setattr(services, "MAX_PLAYLIST_TRACKS", 3)

    summary = store_external_playlists(Playlist.Source.DATASET, [
        ExternalPlaylist("good", "Good", [ids[1], "nope", ids[0], ids[1]], genre="pop"),
        ExternalPlaylist("empty", "Empty", []),
        ExternalPlaylist("unknowns", "Only unknown", ["nope", "nada"]),
        ExternalPlaylist("long", "Long", ids),
    ])

    assert (summary.created, summary.updated, summary.unchanged) == (1, 0, 0)
    assert (summary.unknown_entries, summary.duplicate_entries) == (3, 1)
    assert summary.skipped == [
        "playlist empty (Empty): empty",
        "playlist unknowns (Only unknown): none of its 2 tracks is in the catalog",
        "playlist long (Long): A playlist holds at most 3 tracks; this one has 4. Split it into smaller playlists.",
    ]
    assert not Playlist.objects.filter(external_id__in=["empty", "long"]).exists()  # nothing half-written
    assert playlist_track_ids(existing) == [tracks[0].pk] and existing.name == "Old"  # left as it was
    good = Playlist.objects.get(external_id="good")
    assert playlist_memberships() == {existing.pk: [tracks[0].pk], good.pk: [tracks[1].pk, tracks[0].pk]}
    assert playlist_memberships(min_tracks=2) == {good.pk: [tracks[1].pk, tracks[0].pk]}
    assert playlist_memberships(sources=["crawl"]) == {}
    assert playlist_counts_by_source() == {"dataset": 2}

    again = store_external_playlists(Playlist.Source.DATASET, [ExternalPlaylist("good", "Good!", [ids[1], ids[0]])])
    assert (again.updated, again.unchanged) == (1, 0)  # the name changed, the membership did not

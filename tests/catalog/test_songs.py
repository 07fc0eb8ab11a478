"""Song identity: one song released under several track ids shares one song key."""

import pytest
from django.core.management import call_command

from catalog.crawl.store import AlbumInfo, ArtistRef, TrackInfo, parse_track, store_tracks
from catalog.models import Track
from catalog.songs import first_of_each_song, other_releases, song_key, song_keys, song_of
from tests.conftest import spotify_row
from tests.factories import TrackFactory


def test_a_song_key_ignores_case_spacing_width_and_artist_order():
    key = song_key("Love Is Gone", ["SLANDER", "Dylan Matthew"])
    assert song_key(" love  is gone ", ["Dylan Matthew ", "slander"]) == key
    assert song_key("Ｌｏｖｅ Is Gone", ["SLANDER", "Dylan Matthew", "SLANDER"]) == key
    assert song_key("Love Is Gone", ["SLANDER"]) != key
    assert song_key("Love Is Gone - Acoustic", ["SLANDER", "Dylan Matthew"]) != key
    assert len(key) == 32


def test_a_track_without_a_title_is_nobodys_song_but_its_own():
    assert song_key("  ", ["Terra"]) == ""
    assert song_of(7, "") == "track:7"
    assert song_of(7, "abc") == "abc"


def test_the_import_gives_releases_of_one_song_one_key(db, write_spotify_csv):
    path = write_spotify_csv([
        spotify_row("5SuOikwiRyPMVoIQDJUgSV", name="Comedy", artists="Gen Hoshino", album="Comedy"),
        spotify_row("4qPNDBW1i3p13qLCt0Ki3A", name="Comedy", artists="Gen Hoshino ", album="POP VIRUS"),
        spotify_row("1iJBSr7s7jYXzM8EGcbK5b", name="Comedy", artists="Someone Else", album="Comedy"),
    ])
    call_command("import_tracks", str(path), "--no-progress")

    keys = dict(Track.objects.values_list("spotify_id", "song_key"))
    assert keys["5SuOikwiRyPMVoIQDJUgSV"] == keys["4qPNDBW1i3p13qLCt0Ki3A"] == song_key("Comedy", ["Gen Hoshino"])
    assert keys["1iJBSr7s7jYXzM8EGcbK5b"] != keys["5SuOikwiRyPMVoIQDJUgSV"]
    single = Track.objects.get(spotify_id="5SuOikwiRyPMVoIQDJUgSV")
    assert [track.spotify_id for track in other_releases(single)] == ["4qPNDBW1i3p13qLCt0Ki3A"]


def _crawled(spotify_id, name, isrc=""):
    artist = ArtistRef("0" * 21 + "A", "The Band")
    album = AlbumInfo(spotify_id=spotify_id[::-1], name=f"{name} (album)", artists=[artist])
    return TrackInfo(spotify_id=spotify_id, name=name, artists=[artist], album=album, isrc=isrc)


def test_a_crawled_track_gets_its_song_key_from_title_and_artists(db):
    store_tracks([_crawled("1" * 22, "Song")])
    assert Track.objects.get().song_key == song_key("Song", ["The Band"])


def test_a_crawled_release_with_a_known_isrc_joins_that_recordings_song(db):
    store_tracks([_crawled("1" * 22, "Song", isrc="USRC17607839")])
    store_tracks([_crawled("2" * 22, "Song - 2011 Remaster", isrc="USRC17607839")])
    store_tracks([_crawled("3" * 22, "Song - Live", isrc="GBAYE0601498")])

    keys = dict(Track.objects.values_list("spotify_id", "song_key"))
    assert keys["2" * 22] == keys["1" * 22] == song_key("Song", ["The Band"])
    assert keys["3" * 22] == song_key("Song - Live", ["The Band"])
    assert Track.objects.get(spotify_id="2" * 22).isrc == "USRC17607839"


def test_the_isrc_is_read_from_spotifys_external_ids_and_malformed_ones_are_ignored():
    item = {"id": "1" * 22, "name": "Song", "artists": [{"id": "2" * 22, "name": "Band"}],
            "external_ids": {"isrc": "usrc17607839"}}
    assert parse_track(item).isrc == "USRC17607839"
    assert parse_track({**item, "external_ids": {"isrc": "not an isrc"}}).isrc == ""
    assert parse_track({**item, "external_ids": None}).isrc == ""


def test_first_of_each_song_keeps_order_and_skips_the_seeds_song(db):
    seed = TrackFactory(name="Comedy")
    artists = list(seed.artists.all())
    copy = TrackFactory(name="comedy", artists=artists)
    other = TrackFactory(name="Idea", artists=artists)
    third = TrackFactory(name="Idea ", artists=artists)
    untitled = Track.objects.filter(pk=TrackFactory().pk)
    untitled.update(song_key="")
    ids = [copy.pk, other.pk, third.pk, untitled.get().pk]
    songs = song_keys([seed.pk, *ids])

    kept = first_of_each_song(ids, songs.get, skip_songs={songs[seed.pk]})

    assert kept == [other.pk, untitled.get().pk]
    assert first_of_each_song(ids, songs.get, limit=1, skip_songs={songs[seed.pk]}) == [other.pk]


def test_a_track_without_a_song_key_has_no_other_releases(db):
    track = TrackFactory()
    Track.objects.filter(pk=track.pk).update(song_key="")
    track.refresh_from_db()
    assert list(other_releases(track)) == []


@pytest.mark.django_db(transaction=True)
def test_other_releases_are_looked_up_only_for_songs_with_several_tracks_until_the_catalog_changes(
        django_assert_num_queries, write_spotify_csv):
    """Which songs have several tracks is read once per process and again after a catalog write commits."""
    from catalog.songs import songs_with_several_tracks

    path = write_spotify_csv([
        spotify_row("5SuOikwiRyPMVoIQDJUgSV", name="Comedy", artists="Gen Hoshino", album="Comedy"),
        spotify_row("4qPNDBW1i3p13qLCt0Ki3A", name="Comedy", artists="Gen Hoshino", album="POP VIRUS"),
        spotify_row("7qiZfU4dY1lWllzX7mPBI3", name="Shape of You", artists="Ed Sheeran"),
    ])
    call_command("import_tracks", str(path), "--no-progress")
    comedy, lone = Track.objects.get(spotify_id="5SuOikwiRyPMVoIQDJUgSV"), Track.objects.get(
        spotify_id="7qiZfU4dY1lWllzX7mPBI3")
    assert songs_with_several_tracks() == {comedy.song_key}
    with django_assert_num_queries(0):  # no read of the set, no query for a song released once
        assert list(other_releases(lone)) == []
    assert [track.spotify_id for track in other_releases(comedy)] == ["4qPNDBW1i3p13qLCt0Ki3A"]

    # A second release of the lone song arrives (an import commits, the catalog revision's token changes).
    path = write_spotify_csv([spotify_row("0lonelyreleaseid000000", name="Shape of You", artists="Ed Sheeran",
                                          album="Divide (Deluxe)")])
    call_command("import_tracks", str(path), "--no-progress")
    assert [track.spotify_id for track in other_releases(lone)] == ["0lonelyreleaseid000000"]
    # A hidden release still counts for the lookup (a staff member sees hidden pages) but is not shown.
    release = Track.objects.get(spotify_id="0lonelyreleaseid000000")
    release.hidden = True
    release.save()
    assert lone.song_key in songs_with_several_tracks()
    assert list(other_releases(lone)) == []
    assert [track.spotify_id for track in other_releases(release)] == ["7qiZfU4dY1lWllzX7mPBI3"]

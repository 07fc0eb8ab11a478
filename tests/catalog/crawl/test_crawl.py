"""The crawl end to end against the fake Spotify server: what it stores, what it skips, what it adopts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.crawl.models import CrawlCursor, CrawlMark, CrawlRun
from catalog.crawl.service import run_crawl
from catalog.models import (
    AUDIO_FEATURES,
    Album,
    Artist,
    CatalogRevision,
    Track,
    TrackArtist,
)
from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_track_ids
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory

pytestmark = pytest.mark.django_db

AURORA_TRACKS = ("dawn", "noon", "dusk", "gale", "calm", "echo")


def stored(world, *names):
    return Track.objects.filter(spotify_id__in=[world["tracks"][name] for name in names])


def test_a_crawl_walks_from_a_search_to_albums_tracks_features_and_artists(crawl_settings, fake_spotify, world):
    crawl_settings.SPOTIFY_PAGE_LIMIT = 2  # the search itself returns only 2 of Aurora's 6 tracks
    run = run_crawl(queries=["genre:synthpop"])

    assert run.status == CrawlRun.Status.SUCCEEDED, run.message
    assert run.message.startswith("3 albums, 6 new and 0 refreshed tracks, 6 given features")
    assert (run.albums_crawled, run.tracks_created, run.features_filled, run.seeds) == (3, 6, 6, 1)
    assert run.requests == len(fake_spotify.requests) - 1  # every call but the token request is counted
    assert run.features_provider == "spotify+reccobeats"
    tracks = {track.spotify_id: track for track in Track.objects.all()}
    assert set(tracks) == {world["tracks"][name] for name in AURORA_TRACKS}
    for track in tracks.values():
        assert track.source == Track.Source.SPOTIFY
        assert track.fetched_at is not None and track.features_updated_at is not None
        assert track.has_all_features
    dawn = tracks[world["tracks"]["dawn"]]
    assert (dawn.name, dawn.popularity, dawn.album.name, dawn.album.release_date) == ("Dawn", 70, "First Light",
                                                                                      "2021-03-04")
    assert dawn.album.spotify_id == world["first"] and dawn.album.artist.spotify_id == world["aurora"]
    # Only the 4 tracks the search did not return needed details: one batch call per album.
    details = fake_spotify.calls("/v1/tracks")
    assert sorted(len(call.query["ids"].split(",")) for call in details) == [1, 1, 2]
    # Artist details came last: popularity and (deprecated, still sent here) genres.
    aurora = Artist.objects.get(spotify_id=world["aurora"])
    assert aurora.popularity == 61 and list(aurora.genres.values_list("name", flat=True)) == ["synthpop"]


def test_credits_follow_spotifys_artist_order(crawl_settings, world):
    run_crawl(queries=["genre:synthpop"])
    noon = Track.objects.get(spotify_id=world["tracks"]["noon"])
    assert [artist.spotify_id for artist in noon.ordered_artists] == [world["aurora"], world["guest"]]


def test_a_rerun_fetches_nothing_fresh_and_duplicates_nothing(crawl_settings, fake_spotify, world):
    run_crawl(queries=["genre:synthpop"])
    before = len(fake_spotify.requests)
    counts = (Track.objects.count(), Artist.objects.count(), Album.objects.count(), TrackArtist.objects.count())

    rerun = run_crawl(queries=["genre:synthpop"])

    assert rerun.status == CrawlRun.Status.SUCCEEDED
    assert (Track.objects.count(), Artist.objects.count(), Album.objects.count(),
            TrackArtist.objects.count()) == counts
    later = fake_spotify.requests[before:]
    # A new token (each run has its own client), one search; no albums, tracks, features or artists again.
    assert [request.path for request in later] == ["/api/token", "/v1/search"]
    assert (rerun.tracks_created, rerun.albums_crawled, rerun.features_filled) == (0, 0, 0)


def test_stale_albums_and_tracks_are_fetched_again(crawl_settings, fake_spotify, world):
    run_crawl(queries=["genre:synthpop"])
    long_ago = timezone.now() - timedelta(days=45)
    Track.objects.update(fetched_at=long_ago)
    CrawlMark.objects.update(fetched_at=long_ago)
    fake_spotify.tracks[world["tracks"]["calm"]]["popularity"] = 99

    run = run_crawl(queries=["genre:synthpop"])

    assert run.albums_crawled == 3 and run.tracks_created == 0 and run.tracks_updated >= 6
    assert stored(world, "calm").get().popularity == 99
    assert not Track.objects.filter(fetched_at=long_ago).exists()


def test_dataset_artists_and_albums_are_adopted_not_duplicated(crawl_settings, world):
    dataset_artist = ArtistFactory(name="Aurora Lines")
    dataset_album = AlbumFactory(name="First Light", artist=dataset_artist)
    dataset_track = TrackFactory(spotify_id=world["tracks"]["dawn"], name="Dawn", album=dataset_album,
                                 artists=[dataset_artist], genres=["synth-pop"], energy=0.123)

    run = run_crawl(queries=["genre:synthpop"])

    assert run.artists_adopted == 1
    assert Artist.objects.filter(name="Aurora Lines").count() == 1
    dataset_artist.refresh_from_db()
    assert dataset_artist.spotify_id == world["aurora"]
    assert Album.objects.filter(name="First Light").count() == 1
    dataset_album.refresh_from_db()
    assert (dataset_album.spotify_id, dataset_album.release_date) == (world["first"], "2021-03-04")
    dataset_track.refresh_from_db()
    # Refreshed from Spotify, yet it keeps its origin, its genre and the features it came with.
    assert dataset_track.source == Track.Source.DATASET and dataset_track.fetched_at is not None
    assert dataset_track.energy == 0.123
    assert list(dataset_track.genres.values_list("name", flat=True)) == ["synth-pop"]
    assert dataset_artist.tracks.count() == 6


def test_a_crawl_without_features_keeps_stored_ones_and_leaves_new_tracks_out_until_filled(crawl_settings, world):
    dataset_track = TrackFactory(spotify_id=world["tracks"]["dawn"], energy=0.321)

    run = run_crawl(queries=["genre:synthpop"], provider="none")

    assert run.features_filled == 0 and run.features_provider == "none"
    dataset_track.refresh_from_db()
    assert dataset_track.energy == 0.321 and dataset_track.has_all_features
    new = Track.objects.exclude(pk=dataset_track.pk)
    assert new.count() == 5
    assert all(not track.has_all_features and track.features_updated_at is None for track in new)

    later = run_crawl(queries=[])  # a later run with a provider backfills what is missing

    assert later.features_filled == 5
    assert all(track.has_all_features for track in Track.objects.all())
    dataset_track.refresh_from_db()
    assert dataset_track.energy == 0.321


def test_a_development_mode_app_falls_back_to_single_calls_and_reccobeats(crawl_settings, fake_spotify, world):
    fake_spotify.batch_endpoints = False
    fake_spotify.audio_features_allowed = False
    crawl_settings.SPOTIFY_PAGE_LIMIT = 2

    run = run_crawl(queries=["genre:synthpop"])

    assert run.status == CrawlRun.Status.SUCCEEDED
    assert run.features_filled == 6 and all(track.has_all_features for track in Track.objects.all())
    assert {track.time_signature for track in Track.objects.all()} == {4}  # ReccoBeats has none; 4/4 assumed
    assert len(fake_spotify.calls("/v1/audio-features")) == 1  # refused once, then not asked again
    assert any("spotify audio features unavailable (403)" in error for error in run.errors)
    batch_calls = [r for r in fake_spotify.calls("/v1/tracks") if r.path == "/v1/tracks"]
    assert len(batch_calls) == 1
    assert len(fake_spotify.calls("/v1/tracks/")) == 4
    assert all(int(r.query["limit"]) <= 10 for r in fake_spotify.calls("/v1/search"))


def test_without_a_time_signature_default_reccobeats_tracks_stay_unindexed(crawl_settings, fake_spotify, world):
    fake_spotify.audio_features_allowed = False
    crawl_settings.RECCOBEATS_DEFAULT_TIME_SIGNATURE = ""
    run = run_crawl(queries=["genre:synthpop"])
    assert run.features_filled == 0 and run.features_missing == 6
    assert set(Track.objects.values_list("time_signature", flat=True)) == {None}
    assert set(Track.objects.values_list("energy", flat=True)) != {None}


def test_reccobeats_is_asked_for_at_most_40_ids_at_a_time(crawl_settings, fake_spotify, world):
    fake_spotify.audio_features_allowed = False
    big = fake_spotify.add_album("Big Box", [world["harbor"]])
    for number in range(45):
        fake_spotify.add_track(f"Box {number}", big, reccobeats=True)

    run = run_crawl(queries=["genre:jazz"])

    sizes = [len(r.query["ids"].split(",")) for r in fake_spotify.calls("/reccobeats/")]
    assert max(sizes) <= 40 and sum(sizes) >= 47
    assert run.features_filled == 47


def test_hidden_tracks_stay_hidden_and_the_catalog_revision_moves(crawl_settings, world):
    hidden = TrackFactory(spotify_id=world["tracks"]["dusk"], hidden=True)
    revision = CatalogRevision.current()
    run_crawl(queries=["genre:synthpop"])
    hidden.refresh_from_db()
    assert hidden.hidden is True and hidden.name == "Dusk"
    assert CatalogRevision.current() > revision


def test_the_album_quota_leaves_the_rest_queued_for_the_next_run(crawl_settings, world):
    first = run_crawl(queries=["genre:synthpop"], max_albums=1)

    assert first.status == CrawlRun.Status.SUCCEEDED and first.albums_crawled == 1
    assert first.cursor["albums_queued"] == 2
    assert "2 albums and 0 artists queued for the next run" in first.message

    second = run_crawl(queries=[], max_albums=5)

    assert second.albums_crawled == 2 and CrawlCursor.load().state["albums"] == []
    assert Track.objects.count() == 6


def test_the_seed_cursor_rotates_through_the_configured_seeds(crawl_settings, fake_spotify, world):
    crawl_settings.SPOTIFY_SEED_QUERIES = ["genre:synthpop", "genre:jazz", "Moor"]
    for _ in range(4):
        run_crawl(max_seeds=1)
    queries = [request.query["q"] for request in fake_spotify.calls("/v1/search")]
    assert queries == ["genre:synthpop", "genre:jazz", "Moor", "genre:synthpop"]
    assert CrawlCursor.load().state["seed"]["key"] == "query:genre:jazz"


def test_tracks_of_a_playlist_seed_are_stored_and_their_artists_crawled(crawl_settings, fake_spotify, world):
    playlist = fake_spotify.add_playlist([world["tracks"]["tide"]])
    crawl_settings.SPOTIFY_SEED_PLAYLISTS = [playlist]

    run = run_crawl()

    assert run.status == CrawlRun.Status.SUCCEEDED
    assert set(Track.objects.values_list("name", flat=True)) == {"Tide", "Moor"}
    assert Album.objects.get(spotify_id=world["nights"]).tracks.count() == 2


def test_catalog_artists_are_looked_up_by_name_and_adopted(crawl_settings, fake_spotify, world):
    harbor = ArtistFactory(name="Blue Harbor")
    ArtistFactory(name="Nobody On Spotify")
    crawl_settings.SPOTIFY_SEED_CATALOG_ARTISTS = 10

    run = run_crawl()

    harbor.refresh_from_db()
    assert harbor.spotify_id == world["harbor"] and run.artists_adopted == 1
    assert set(harbor.tracks.values_list("name", flat=True)) == {"Tide", "Moor"}
    assert CrawlCursor.load().state["catalog_artist_after"] == 0  # wrapped around for the next cycle
    searches = [request.query["q"] for request in fake_spotify.calls("/v1/search")]
    assert searches == ['artist:"Blue Harbor"', 'artist:"Nobody On Spotify"']

    run_crawl()  # names looked up recently are not searched again
    assert len(fake_spotify.calls("/v1/search")) == 2


def test_track_features_partly_out_of_bounds_are_stored_partly(crawl_settings, fake_spotify, world):
    fake_spotify.features[world["tracks"]["tide"]] = dict(fake_spotify.features[world["tracks"]["tide"]],
                                                           tempo=9000, energy="loud")
    fake_spotify.reccobeats.clear()
    run_crawl(queries=["genre:jazz"])
    tide = Track.objects.get(spotify_id=world["tracks"]["tide"])
    assert tide.tempo is None and tide.energy is None and tide.danceability == 0.5
    assert not tide.has_all_features
    assert all(getattr(tide, name) is not None for name in AUDIO_FEATURES if name not in ("tempo", "energy"))


def test_a_provider_that_was_down_is_asked_again_next_run(crawl_settings, fake_spotify, world):
    crawl_settings.SPOTIFY_MAX_RETRIES = 0
    fake_spotify.audio_features_allowed = False
    fake_spotify.fail("/reccobeats/v1/audio-features", 503, times=100)

    first = run_crawl(queries=["genre:jazz"])

    assert first.features_filled == 0 and first.features_missing == 2
    assert not CrawlMark.objects.filter(kind=CrawlMark.Kind.FEATURES).exists()
    fake_spotify.faults.clear()

    second = run_crawl(queries=[])

    assert second.features_filled == 2
    assert CrawlMark.objects.filter(kind=CrawlMark.Kind.FEATURES).count() == 2


def test_tracks_no_provider_knows_are_not_asked_about_again_for_a_while(crawl_settings, fake_spotify, world):
    fake_spotify.features.clear()
    fake_spotify.reccobeats.clear()
    run_crawl(queries=["genre:jazz"])
    asked = len(fake_spotify.calls("/reccobeats/"))

    later = run_crawl(queries=[])

    assert later.features_missing == 0 and len(fake_spotify.calls("/reccobeats/")) == asked


def test_backfill_skips_malformed_ids_from_old_imports(crawl_settings, fake_spotify):
    TrackFactory(spotify_id="not-a-spotify-id", popularity=100, energy=None)
    track = TrackFactory(spotify_id=fake_spotify.unknown_id("tr", 5), popularity=1, energy=None)
    fake_spotify.reccobeats[track.spotify_id] = fake_spotify.sample_features(5)
    fake_spotify.audio_features_allowed = False

    run = run_crawl(queries=[], feature_backfill=1)

    track.refresh_from_db()
    assert run.features_filled == 1 and track.has_all_features


def test_a_seed_playlist_is_stored_with_its_membership_in_order(crawl_settings, fake_spotify, world):
    tracks = world["tracks"]
    playlist = fake_spotify.add_playlist([tracks["moor"], "a local file", tracks["tide"], tracks["moor"]],
                                         name="Night Drive", description="Slow ones")
    empty = fake_spotify.add_playlist(["only a local file"])
    crawl_settings.SPOTIFY_SEED_PLAYLISTS = [playlist, empty]

    run = run_crawl()

    assert run.status == CrawlRun.Status.SUCCEEDED, run.message
    stored_playlist = Playlist.objects.get(source=Playlist.Source.CRAWL)
    assert (stored_playlist.external_id, stored_playlist.name, stored_playlist.description) == (
        playlist, "Night Drive", "Slow ones")
    assert [Track.objects.get(pk=pk).spotify_id for pk in playlist_track_ids(stored_playlist)] == [
        tracks["moor"], tracks["tide"]]
    assert f"skipped playlist {empty} (Playlist {empty}): empty" in run.errors

    run_crawl()
    assert Playlist.objects.count() == 1 and len(playlist_track_ids(stored_playlist)) == 2

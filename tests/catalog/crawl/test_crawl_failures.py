"""How a crawl ends when things go wrong: rate limits, outages, crashes, bad input, missing credentials."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.crawl import crawler as crawler_module
from catalog.crawl.models import CrawlCursor, CrawlRun
from catalog.crawl.service import NOT_CONFIGURED, run_crawl
from catalog.models import Track, TrackArtist

pytestmark = pytest.mark.django_db


def test_a_long_retry_after_stops_the_run_cleanly_and_the_next_run_resumes(crawl_settings, fake_spotify, world):
    crawl_settings.SPOTIFY_SEED_QUERIES = ["genre:synthpop"]
    crawl_settings.SPOTIFY_PAGE_LIMIT = 1
    fake_spotify.fail(f"/v1/albums/{world['second']}/tracks", 429, headers={"Retry-After": "7200"})

    stopped = run_crawl()

    assert stopped.status == CrawlRun.Status.PARTIAL
    assert "Retry-After 7200s is longer than the 2s we wait; resuming next run" in stopped.message
    assert stopped.cursor["albums_queued"] == 2  # the refused album and the one after it
    assert stopped.finished_at is not None
    assert Track.objects.count() == 3  # First Light's tracks (the search result, Dawn, is one of them)

    resumed = run_crawl()

    assert resumed.status == CrawlRun.Status.SUCCEEDED
    assert resumed.albums_crawled == 2
    assert Track.objects.count() == 6 and TrackArtist.objects.count() == 7
    assert CrawlCursor.load().state["albums"] == []


def test_a_short_retry_after_is_waited_out_within_the_run(crawl_settings, fake_spotify, world):
    fake_spotify.fail("/v1/artists/*", 429, headers={"Retry-After": "1"})
    run = run_crawl(queries=["genre:jazz"])
    assert run.status == CrawlRun.Status.SUCCEEDED
    assert run.rate_limit_waits == 1
    assert Track.objects.count() == 2


def test_the_time_budget_stops_the_run_and_keeps_the_queue(crawl_settings, world):
    CrawlCursor.objects.create(pk=1, state={"albums": [world["first"], world["nights"]], "artists": []})
    run = run_crawl(queries=[], time_budget=0)
    assert run.status == CrawlRun.Status.PARTIAL
    assert run.message == "time budget of 0s used up; resuming next run"
    assert CrawlCursor.load().state["albums"] == [world["first"], world["nights"]]


def test_an_album_that_keeps_failing_is_skipped_and_tried_again_next_run(crawl_settings, fake_spotify, world):
    crawl_settings.SPOTIFY_MAX_RETRIES = 1
    crawl_settings.SPOTIFY_PAGE_LIMIT = 1  # the search returns Dawn only; Dusk comes from the album
    fake_spotify.fail(f"/v1/albums/{world['first']}/tracks", 500, times=2)

    run = run_crawl(queries=["genre:synthpop"], provider="none")

    assert run.status == CrawlRun.Status.SUCCEEDED
    assert run.error_count == 1 and f"tracks of album {world['first']}" in run.errors[0]
    assert not Track.objects.filter(name="Dusk").exists()

    run_crawl(queries=["genre:synthpop"], provider="none")
    assert Track.objects.filter(name="Dusk").exists()


def test_spotify_failing_again_and_again_stops_the_run(crawl_settings, fake_spotify, world):
    crawl_settings.SPOTIFY_MAX_RETRIES = 0
    crawl_settings.SPOTIFY_MAX_CONSECUTIVE_FAILURES = 2
    fake_spotify.fail("/v1/albums/*", 503, times=100)

    run = run_crawl(queries=["genre:synthpop"], provider="none")

    assert run.status == CrawlRun.Status.PARTIAL
    assert run.message.startswith("Spotify failed 2 times in a row")
    assert run.cursor["albums_queued"] == 2  # the album it stopped on stays queued, with the one after it


def test_a_crash_mid_run_loses_nothing_and_the_rerun_duplicates_nothing(crawl_settings, monkeypatch, world):
    real_store, calls = crawler_module.store_tracks, []

    def store_then_crash(tracks, now=None):
        calls.append(len(tracks))
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real_store(tracks, now)

    monkeypatch.setattr(crawler_module, "store_tracks", store_then_crash)
    crawl_settings.SPOTIFY_PAGE_LIMIT = 1  # stores: the search result, First Light, then (crash) Second Wind
    with pytest.raises(RuntimeError, match="power cut"):
        run_crawl(queries=["genre:synthpop"])
    crashed = CrawlRun.objects.get()
    assert crashed.status == CrawlRun.Status.FAILED
    assert crashed.message == "unexpected error: RuntimeError: power cut"
    kept = set(Track.objects.values_list("spotify_id", flat=True))
    assert kept and all(Track.objects.get(spotify_id=i).has_all_features for i in kept)

    monkeypatch.setattr(crawler_module, "store_tracks", real_store)
    rerun = run_crawl(queries=["genre:synthpop"])

    assert rerun.status == CrawlRun.Status.SUCCEEDED
    assert Track.objects.count() == 6 and TrackArtist.objects.count() == 7
    assert kept <= set(Track.objects.values_list("spotify_id", flat=True))


def test_invalid_ids_empty_pages_and_partial_responses_are_logged_and_skipped(crawl_settings, fake_spotify, world):
    empty = fake_spotify.add_album("Silence", [world["harbor"]])
    fake_spotify.fail(f"/v1/albums/{world['nights']}/tracks", 200, body="<html>oops</html>")
    crawl_settings.SPOTIFY_SEED_PLAYLISTS = ["not a playlist!"]
    crawl_settings.SPOTIFY_SEED_QUERIES = ["genre:synthpop", "genre:jazz"]
    crawl_settings.SPOTIFY_PAGE_LIMIT = 1
    partial = {"tracks": [None, {"id": world["tracks"]["dusk"], "artists": []},
                          {"id": "bad id", "name": "Broken"}]}
    fake_spotify.fail("/v1/tracks", 200, body=json.dumps(partial), query_contains=world["tracks"]["dusk"])

    run = run_crawl()

    assert run.status == CrawlRun.Status.SUCCEEDED
    messages = "\n".join(run.errors)
    assert "playlist 'not a playlist!': not a Spotify id, skipped" in messages
    assert f"tracks of album {empty}: empty" in messages
    assert f"tracks of album {world['nights']}: " in messages and "not JSON" in messages
    assert f"track {world['tracks']['noon']}: not returned by Spotify" in messages
    assert f"skipped track {world['tracks']['dusk']} has no name" in messages
    assert run.error_count == len(run.errors) == 5
    assert set(Track.objects.values_list("name", flat=True)) == {"Dawn", "Gale", "Calm", "Echo", "Tide"}


def test_invalid_items_inside_a_response_are_skipped(crawl_settings, fake_spotify, world):
    body = {"artists": {"items": [], "next": None},
            "tracks": {"items": [{"id": world["tracks"]["tide"], "name": "", "artists": []}, "junk",
                                 {"id": "x", "name": "Bad"}], "next": None}}
    fake_spotify.fail("/v1/search", 200, body=json.dumps(body))
    run = run_crawl(queries=["anything"])
    assert run.status == CrawlRun.Status.SUCCEEDED
    assert run.errors == [f"skipped track {world['tracks']['tide']} has no name", "skipped track with invalid id 'x'"]
    assert Track.objects.count() == 0


def test_missing_credentials_record_a_skipped_run_and_call_nothing(crawl_settings, fake_spotify):
    crawl_settings.SPOTIFY_CLIENT_SECRET = ""
    run = run_crawl()
    assert (run.status, run.message) == (CrawlRun.Status.SKIPPED, NOT_CONFIGURED)
    assert fake_spotify.requests == []


def test_wrong_credentials_fail_the_run(crawl_settings, world):
    crawl_settings.SPOTIFY_CLIENT_ID = "someone-else"
    run = run_crawl(queries=["genre:jazz"])
    assert run.status == CrawlRun.Status.FAILED
    assert run.message == "Spotify rejected the client credentials: Invalid client"


def test_an_unknown_features_provider_fails_the_run_with_a_reason(crawl_settings):
    crawl_settings.SPOTIFY_FEATURES_PROVIDER = "echonest"
    run = run_crawl()
    assert run.status == CrawlRun.Status.FAILED
    assert run.message.startswith("configuration error: unknown audio-features provider 'echonest'")


def test_a_second_crawl_while_one_runs_is_skipped(crawl_settings, fake_spotify):
    running = CrawlRun.objects.create(status=CrawlRun.Status.RUNNING, heartbeat_at=timezone.now())
    run = run_crawl()
    assert (run.status, run.message) == (CrawlRun.Status.SKIPPED, f"crawl #{running.pk} is still running")
    assert fake_spotify.requests == []


def test_a_crawl_whose_process_died_is_closed_and_a_new_one_starts(crawl_settings):
    dead = CrawlRun.objects.create(status=CrawlRun.Status.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=2))
    run = run_crawl(queries=[])
    dead.refresh_from_db()
    assert dead.status == CrawlRun.Status.FAILED and dead.message.startswith("interrupted")
    assert run.status == CrawlRun.Status.SUCCEEDED


def test_the_error_log_is_capped_but_the_count_is_not(crawl_settings, fake_spotify):
    run = run_crawl(playlists=[f"bad-{n}" for n in range(60)])
    assert run.error_count == 60 and len(run.errors) == 50


def test_an_unknown_album_or_artist_id_is_logged_and_skipped(crawl_settings, fake_spotify, world):
    CrawlCursor.objects.create(pk=1, state={"albums": [fake_spotify.unknown_id("al")],
                                            "artists": [fake_spotify.unknown_id("ar")]})
    run = run_crawl(queries=[])
    assert run.status == CrawlRun.Status.SUCCEEDED
    assert len(run.errors) == 2 and all("HTTP 404" in error for error in run.errors)

"""The spotipy client against the fake Spotify server: tokens, bounded 429 waits, backoff, dev-mode fallbacks."""

import time
from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone
from spotipy.oauth2 import SpotifyClientCredentials

from catalog.crawl.client import Requester, build_gateway, retry_after_seconds
from catalog.crawl.errors import AuthFailed, BudgetExhausted, MalformedResponse, NotAvailable, RateLimited, Unreachable


class RecordingSleep:
    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)


@pytest.fixture
def catalog(fake_spotify):
    artist = fake_spotify.add_artist("Aurora Lines")
    album = fake_spotify.add_album("First Light", [artist])
    tracks = [fake_spotify.add_track(f"Song {n}", album) for n in range(3)]
    return {"artist": artist, "album": album, "tracks": tracks}


def test_a_token_is_fetched_once_and_reused(crawl_settings, fake_spotify, catalog):
    gateway = build_gateway()
    gateway.tracks(catalog["tracks"])
    gateway.artists([catalog["artist"]])
    assert len(fake_spotify.calls("/api/token")) == 1
    assert SpotifyClientCredentials.OAUTH_TOKEN_URL == "https://accounts.spotify.com/api/token"


def test_wrong_credentials_stop_the_run_with_a_clear_reason(crawl_settings, fake_spotify, catalog):
    crawl_settings.SPOTIFY_CLIENT_SECRET = "wrong"
    with pytest.raises(AuthFailed, match="rejected the client credentials"):
        build_gateway().tracks(catalog["tracks"])


def test_an_expired_token_is_replaced_once(crawl_settings, fake_spotify, catalog):
    gateway = build_gateway()
    gateway.tracks(catalog["tracks"][:1])
    fake_spotify.revoke_tokens()
    found, problems = gateway.tracks(catalog["tracks"][:1])
    assert list(found) == catalog["tracks"][:1] and not problems
    assert len(fake_spotify.calls("/api/token")) == 2


def test_a_short_retry_after_is_waited_out_then_the_call_succeeds(crawl_settings, fake_spotify, catalog):
    fake_spotify.fail("/v1/tracks", 429, headers={"Retry-After": "1"})
    sleep = RecordingSleep()
    gateway = build_gateway(sleep=sleep)
    found, _ = gateway.tracks(catalog["tracks"])
    assert set(found) == set(catalog["tracks"])
    assert sleep.calls == [1.0]
    assert gateway.requester.rate_limit_waits == 1
    assert len(fake_spotify.calls("/v1/tracks")) == 2


def test_a_real_one_second_retry_after_really_waits(crawl_settings, fake_spotify, catalog):
    fake_spotify.fail("/v1/albums/*", 429, headers={"Retry-After": "1"})
    started = time.monotonic()
    page = build_gateway().album_tracks(catalog["album"])
    assert time.monotonic() - started >= 1.0
    assert len(page["items"]) == 3


def test_a_retry_after_beyond_the_bound_stops_instead_of_sleeping(crawl_settings, fake_spotify, catalog):
    fake_spotify.fail("/v1/tracks", 429, headers={"Retry-After": "3600"})
    sleep = RecordingSleep()
    with pytest.raises(RateLimited) as stopped:
        build_gateway(sleep=sleep).tracks(catalog["tracks"])
    assert stopped.value.retry_after == 3600
    assert "3600s is longer than the 2s we wait" in str(stopped.value)
    assert sleep.calls == []


def test_a_wait_that_would_run_past_the_time_budget_stops_the_run(crawl_settings, fake_spotify, catalog):
    fake_spotify.fail("/v1/tracks", 429, headers={"Retry-After": "2"})
    gateway = build_gateway(sleep=RecordingSleep())
    gateway.requester.deadline = time.monotonic() + 1
    with pytest.raises(RateLimited, match="past the time budget"):
        gateway.tracks(catalog["tracks"])


def test_server_errors_are_retried_with_growing_backoff(crawl_settings, fake_spotify, catalog):
    fake_spotify.fail("/v1/tracks", 503, times=2)
    sleep = RecordingSleep()
    found, _ = build_gateway(sleep=sleep).tracks(catalog["tracks"])
    assert len(found) == 3
    assert sleep.calls == [0.01, 0.02]


def test_server_errors_that_persist_make_the_call_unreachable(crawl_settings, fake_spotify, catalog):
    crawl_settings.SPOTIFY_MAX_RETRIES = 2
    fake_spotify.fail("/v1/tracks", 500, times=10)
    with pytest.raises(Unreachable, match="after 2 retries"):
        build_gateway(sleep=RecordingSleep()).tracks(catalog["tracks"])
    assert len(fake_spotify.calls("/v1/tracks")) == 3


def test_timeouts_are_retried(crawl_settings, fake_spotify, catalog):
    crawl_settings.SPOTIFY_REQUEST_TIMEOUT = 0.3
    fake_spotify.fail("/v1/tracks", delay=1.0)
    found, _ = build_gateway(sleep=RecordingSleep()).tracks(catalog["tracks"])
    assert len(found) == 3


def test_backoff_that_would_pass_the_deadline_ends_the_run(crawl_settings, fake_spotify, catalog):
    crawl_settings.SPOTIFY_BACKOFF_SECONDS = 5
    fake_spotify.fail("/v1/tracks", 502)
    gateway = build_gateway(sleep=RecordingSleep())
    gateway.requester.deadline = time.monotonic() + 1
    with pytest.raises(BudgetExhausted):
        gateway.tracks(catalog["tracks"])


def test_malformed_json_is_reported_not_crashed_on(crawl_settings, fake_spotify, catalog):
    fake_spotify.fail("/v1/albums/*", 200, body="{not json")
    with pytest.raises(MalformedResponse, match="not JSON"):
        build_gateway().album_tracks(catalog["album"])


def test_batch_403_falls_back_to_single_calls_and_is_remembered(crawl_settings, fake_spotify, catalog):
    fake_spotify.batch_endpoints = False
    gateway = build_gateway()
    found, problems = gateway.tracks(catalog["tracks"])
    assert set(found) == set(catalog["tracks"]) and not problems
    gateway.tracks(catalog["tracks"])
    assert len(fake_spotify.calls("/v1/tracks")) == 1 + 6  # one refused batch, then one call per track
    assert gateway.batch_allowed["tracks"] is False


def test_unknown_and_invalid_ids_are_reported_per_item(crawl_settings, fake_spotify, catalog):
    fake_spotify.batch_endpoints = False
    missing = fake_spotify.unknown_id("tr", 999)
    found, problems = build_gateway().tracks([catalog["tracks"][0], missing])
    assert list(found) == [catalog["tracks"][0]]
    assert problems == [f"track {missing}: HTTP 404: {fake_spotify.url}/v1/tracks/{missing}:\n Resource not found"]


def test_ids_a_batch_left_out_are_reported(crawl_settings, fake_spotify, catalog):
    missing = fake_spotify.unknown_id("tr", 999)
    found, problems = build_gateway().tracks([catalog["tracks"][0], missing])
    assert list(found) == [catalog["tracks"][0]]
    assert problems == [f"track {missing}: not returned by Spotify"]


def test_403_on_a_single_endpoint_is_not_available(crawl_settings, fake_spotify):
    fake_spotify.audio_features_allowed = False
    with pytest.raises(NotAvailable) as refused:
        build_gateway().audio_features([fake_spotify.unknown_id("tr", 1)])
    assert refused.value.status == 403


def test_next_links_are_followed(crawl_settings, fake_spotify, catalog):
    fake_spotify.max_page = 2
    gateway = build_gateway()
    first = gateway.album_tracks(catalog["album"])
    second = gateway.next_page(first, "album")
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert gateway.next_page(second, "album") is None


def test_the_throttle_spaces_calls_out():
    now, slept = [100.0], []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    requester = Requester("test", 4, max_retry_after=1, max_retries=0, backoff=0.1, sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        requester.call("x", lambda: {})
    now[0] += 1.0  # a slow caller is not made to wait at all
    requester.call("x", lambda: {})
    assert slept == [0.25, 0.25]
    assert requester.requests == 4


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds({"Retry-After": "7"}) == 7
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    later = format_datetime(timezone.now() + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds({"Retry-After": later}) <= 30

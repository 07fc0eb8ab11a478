"""Audio-feature providers: Spotify's endpoint, ReccoBeats, and asking them in turn."""

import pytest

from catalog.crawl.audio_features import build_features, clean_features, is_complete, spotify_id_from_href
from catalog.crawl.client import build_gateway
from catalog.crawl.errors import CrawlConfigError, RateLimited


@pytest.fixture
def album(fake_spotify):
    artist = fake_spotify.add_artist("Signal Flow")
    album = fake_spotify.add_album("Patterns", [artist])
    return [fake_spotify.add_track(f"Pattern {n}", album, reccobeats=True) for n in range(5)]


def test_clean_features_keeps_valid_values_and_drops_the_rest(fake_spotify):
    features_for = fake_spotify.sample_features
    raw = dict(features_for(3), tempo=-1, key=2.5, mode=True, loudness=float("nan"), energy="high", extra=1)
    cleaned = clean_features(raw)
    assert set(cleaned) == set(features_for(3))
    assert [cleaned[name] for name in ("tempo", "key", "mode", "loudness", "energy")] == [None] * 5
    assert cleaned["time_signature"] == 4 and isinstance(cleaned["time_signature"], int)
    assert cleaned["danceability"] == 0.5
    assert is_complete(clean_features(features_for(3))) and not is_complete(cleaned)


@pytest.mark.parametrize("href, expected", [
    ("https://open.spotify.com/track/0eGsygTp906u18L0Oimnem", "0eGsygTp906u18L0Oimnem"),
    ("https://api.spotify.com/v1/tracks/0eGsygTp906u18L0Oimnem", "0eGsygTp906u18L0Oimnem"),
    ("https://open.spotify.com/album/0eGsygTp906u18L0Oimnem", None),
    ("https://open.spotify.com/track/short", None),
    (None, None),
])
def test_spotify_ids_are_read_from_reccobeats_links(href, expected):
    assert spotify_id_from_href(href) == expected


def test_spotify_features_come_first_when_the_app_still_has_access(crawl_settings, fake_spotify, album):
    sources = build_features("auto", build_gateway())
    found = sources.fetch(album)
    assert set(found) == set(album) and all(is_complete(values) for values in found.values())
    assert fake_spotify.calls("/reccobeats/") == []


def test_a_403_closes_spotify_features_for_the_run_and_reccobeats_fills_in(crawl_settings, fake_spotify, album):
    fake_spotify.audio_features_allowed = False
    sources = build_features("auto", build_gateway())
    first = sources.fetch(album[:2])
    second = sources.fetch(album[2:])
    assert set(first) | set(second) == set(album)
    assert len(fake_spotify.calls("/v1/audio-features")) == 1
    assert sources.problems == ["spotify audio features unavailable (403); not asked again this run"]
    assert all(values["time_signature"] == 4 for values in first.values())


def test_batches_follow_each_providers_limit(crawl_settings, fake_spotify, album):
    crawl_settings.SPOTIFY_FEATURES_BATCH_SIZE = 2
    crawl_settings.RECCOBEATS_BATCH_SIZE = 3
    for track_id in album:
        fake_spotify.features.pop(track_id)
    build_features("auto", build_gateway()).fetch(album)
    assert [len(r.query["ids"].split(",")) for r in fake_spotify.calls("/v1/audio-features")] == [2, 2, 1]
    assert [len(r.query["ids"].split(",")) for r in fake_spotify.calls("/reccobeats/")] == [3, 2]


def test_reccobeats_rate_limiting_closes_it_without_stopping_the_crawl(crawl_settings, fake_spotify, album):
    fake_spotify.fail("/reccobeats/v1/audio-features", 429, headers={"Retry-After": "600"})
    sources = build_features("reccobeats", build_gateway())
    assert sources.fetch(album) == {}
    assert "reccobeats rate-limited us" in sources.problems[0]
    assert sources.fetch(album) == {} and len(fake_spotify.calls("/reccobeats/")) == 1


def test_spotify_rate_limiting_stops_the_crawl(crawl_settings, fake_spotify, album):
    fake_spotify.fail("/v1/audio-features", 429, headers={"Retry-After": "600"})
    with pytest.raises(RateLimited):
        build_features("spotify", build_gateway()).fetch(album)


def test_a_malformed_reccobeats_answer_is_a_problem_not_a_crash(crawl_settings, fake_spotify, album):
    fake_spotify.fail("/reccobeats/v1/audio-features", 200, body='{"items": []}')
    sources = build_features("reccobeats", build_gateway())
    assert sources.fetch(album) == {}
    assert sources.problems == ["reccobeats: ReccoBeats audio features: no 'content' list in the response"]


def test_none_means_no_providers(crawl_settings):
    assert build_features("none", build_gateway()).providers == []


def test_unknown_provider_names_and_time_signatures_are_configuration_errors(crawl_settings):
    with pytest.raises(CrawlConfigError, match="unknown audio-features provider"):
        build_features("magic", build_gateway())
    crawl_settings.RECCOBEATS_DEFAULT_TIME_SIGNATURE = "13"
    with pytest.raises(CrawlConfigError, match="RECCOBEATS_DEFAULT_TIME_SIGNATURE"):
        build_features("auto", build_gateway())

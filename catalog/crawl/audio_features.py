"""Where audio features come from now that Spotify closed audio-features to new apps (27 Nov 2024).

Providers take Spotify track ids and return ``{spotify_id: {feature: value or None}}`` with every value checked
against FEATURE_BOUNDS. `FeatureSources` asks them in order and remembers, for the rest of the run, a provider
that turned out to be closed to us (403/404) so it is not asked again.
"""

import logging
import math
import time
from urllib.parse import urljoin, urlparse

import requests
from django.conf import settings

from catalog.models import AUDIO_FEATURES, FEATURE_BOUNDS

from .client import Requester, is_spotify_id
from .errors import (
    BadRequest,
    CrawlConfigError,
    HttpFailure,
    MalformedResponse,
    NotAvailable,
    RateLimited,
    Unreachable,
)

logger = logging.getLogger(__name__)

INTEGER_FEATURES = {"key", "mode", "time_signature"}
PROVIDER_NAMES = ("auto", "spotify", "reccobeats", "none")


def clean_features(raw):
    """Each of the 12 features as a checked number, or None when absent, not numeric or out of bounds."""
    values = {}
    for name in AUDIO_FEATURES:
        value = raw.get(name) if isinstance(raw, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            values[name] = None
            continue
        if name in INTEGER_FEATURES:
            if not float(value).is_integer():
                values[name] = None
                continue
            value = int(value)
        low, high = FEATURE_BOUNDS[name]
        values[name] = value if low <= value <= high else None
    return values


def is_complete(features):
    return features is not None and all(features.get(name) is not None for name in AUDIO_FEATURES)


def spotify_id_from_href(href):
    """The track id of an open.spotify.com or api.spotify.com track link (ReccoBeats' way of naming tracks)."""
    if not isinstance(href, str):
        return None
    parts = [part for part in urlparse(href).path.split("/") if part]
    if len(parts) >= 2 and parts[-2] in ("track", "tracks"):
        return parts[-1] if is_spotify_id(parts[-1]) else None
    return None


class SpotifyFeatures:
    """GET /audio-features?ids= (≤100): still works for apps with extended quota, 403 for new ones."""

    name = "spotify"
    stops_run_when_rate_limited = True  # it shares Spotify's rate limit with the rest of the crawl

    def __init__(self, gateway, batch_size=100):
        self.gateway = gateway
        self.batch_size = batch_size

    def fetch(self, ids):
        body = self.gateway.audio_features(ids)
        items = body.get("audio_features") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise MalformedResponse("audio features: no 'audio_features' list in the response")
        wanted = set(ids)
        return {item["id"]: clean_features(item) for item in items
                if isinstance(item, dict) and item.get("id") in wanted}


class ReccoBeatsFeatures:
    """ReccoBeats' GET /v1/audio-features?ids= (≤40 Spotify ids); items name their track through ``href``."""

    name = "reccobeats"
    stops_run_when_rate_limited = False

    def __init__(self, base_url, requester, *, timeout=10.0, batch_size=40, default_time_signature=None):
        self.url = urljoin(base_url if base_url.endswith("/") else base_url + "/", "audio-features")
        self.requester = requester
        self.timeout = timeout
        self.batch_size = batch_size
        self.default_time_signature = default_time_signature
        self.session = requests.Session()

    def _get(self, ids):
        response = self.session.get(self.url, params={"ids": ",".join(ids)}, timeout=self.timeout,
                                    headers={"Accept": "application/json"})
        if response.status_code >= 400:
            raise HttpFailure(response.status_code, response.headers, response.text[:200])
        try:
            return response.json()
        except ValueError:
            raise MalformedResponse("ReccoBeats audio features: the response is not JSON") from None

    def fetch(self, ids):
        body = self.requester.call(f"ReccoBeats features of {len(ids)} tracks", lambda: self._get(ids))
        items = body.get("content") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise MalformedResponse("ReccoBeats audio features: no 'content' list in the response")
        wanted, found = set(ids), {}
        for item in items:
            spotify_id = spotify_id_from_href(item.get("href")) if isinstance(item, dict) else None
            if spotify_id not in wanted:
                continue
            features = clean_features(item)
            if features["time_signature"] is None and self.default_time_signature is not None:
                features["time_signature"] = self.default_time_signature
            found[spotify_id] = features
        return found


class FeatureSources:
    """Ask providers in order, each in its own batch size; later providers only see what is still missing."""

    def __init__(self, providers):
        self.providers = list(providers)
        self.closed = set()
        self.problems = []  # messages for the run's error log
        self.answered = set()  # ids some provider gave a definite answer for (features or "unknown")

    @property
    def name(self):
        return "+".join(provider.name for provider in self.providers) or "none"

    def fetch(self, ids):
        """Return {spotify_id: features} for the ids any provider knows; values may still be partly None."""
        found = {}
        for provider in self.providers:
            missing = [track_id for track_id in ids if not is_complete(found.get(track_id))]
            if not missing or provider.name in self.closed:
                continue
            for start in range(0, len(missing), provider.batch_size):
                batch = missing[start:start + provider.batch_size]
                try:
                    result = provider.fetch(batch)
                except NotAvailable as exc:
                    self._close(provider, f"{provider.name} audio features unavailable ({exc.status}); "
                                          "not asked again this run")
                    break
                except RateLimited as exc:
                    if provider.stops_run_when_rate_limited:
                        raise
                    self._close(provider, f"{provider.name} rate-limited us: {exc}")
                    break
                except (BadRequest, MalformedResponse, Unreachable) as exc:
                    self.problems.append(f"{provider.name}: {exc}")
                    continue
                self.answered.update(batch)
                for track_id, features in result.items():
                    merged = found.setdefault(track_id, dict.fromkeys(AUDIO_FEATURES))
                    for name, value in features.items():
                        if merged[name] is None:
                            merged[name] = value
        return found

    def _close(self, provider, message):
        logger.info("%s", message)
        self.closed.add(provider.name)
        self.problems.append(message)


def _default_time_signature():
    raw = str(settings.RECCOBEATS_DEFAULT_TIME_SIGNATURE).strip()
    if not raw:
        return None
    low, high = FEATURE_BOUNDS["time_signature"]
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise CrawlConfigError(
            f"RECCOBEATS_DEFAULT_TIME_SIGNATURE must be empty or a whole number {low}..{high}, not {raw!r}")
    return int(raw)


def build_features(name, gateway, sleep=time.sleep):
    """The configured providers: "auto" = Spotify first, then ReccoBeats; "none" stores tracks without features."""
    if name not in PROVIDER_NAMES:
        raise CrawlConfigError(f"unknown audio-features provider {name!r}; choose one of {', '.join(PROVIDER_NAMES)}")
    providers = []
    if name in ("auto", "spotify"):
        providers.append(SpotifyFeatures(gateway, batch_size=settings.SPOTIFY_FEATURES_BATCH_SIZE))
    if name in ("auto", "reccobeats"):
        requester = Requester(
            "ReccoBeats", settings.RECCOBEATS_REQUESTS_PER_SECOND, max_retry_after=settings.SPOTIFY_MAX_RETRY_AFTER,
            max_retries=settings.SPOTIFY_MAX_RETRIES, backoff=settings.SPOTIFY_BACKOFF_SECONDS, sleep=sleep)
        providers.append(ReccoBeatsFeatures(
            settings.RECCOBEATS_API_URL, requester, timeout=settings.SPOTIFY_REQUEST_TIMEOUT,
            batch_size=settings.RECCOBEATS_BATCH_SIZE, default_time_signature=_default_time_signature()))
    return FeatureSources(providers)

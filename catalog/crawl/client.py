"""The HTTP side of the crawl: a spotipy client that never sleeps silently, a throttle, and retry rules.

spotipy's own retry adapter sleeps through any Retry-After (hours, if Spotify says so) and turns an exhausted
429 into an exception without the header. The client here gets a plain requests session (no retry adapter,
``retries=0``), so every non-2xx reaches us as a SpotifyException carrying ``http_status`` and ``headers``,
and `Requester` decides: wait a bounded Retry-After, back off on 5xx/timeouts, or give up.
"""

import logging
import re
import time
from email.utils import parsedate_to_datetime

import requests
import spotipy
from django.conf import settings
from django.utils import timezone
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.exceptions import SpotifyException
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOauthError

from .errors import (
    AuthFailed,
    BadRequest,
    BudgetExhausted,
    HttpFailure,
    MalformedResponse,
    NotAvailable,
    RateLimited,
    Unreachable,
)

logger = logging.getLogger(__name__)

SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
NOT_CONFIGURED = "Spotify crawling is not configured: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET."
MAX_PAGES = 20  # of one album's tracks or one playlist; guards against a `next` link that never ends
# OAuth error codes that mean the credentials themselves are wrong; retrying will not help.
BAD_CREDENTIALS = {"invalid_client", "unauthorized_client", "invalid_grant", "invalid_request"}


def is_spotify_id(value):
    return isinstance(value, str) and bool(SPOTIFY_ID.match(value))


def credentials_configured():
    return bool(settings.SPOTIFY_CLIENT_ID and settings.SPOTIFY_CLIENT_SECRET)


def retry_after_seconds(headers):
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None when absent or unreadable."""
    value = (headers or {}).get("Retry-After")
    if value is None:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - timezone.now()).total_seconds())
    except (TypeError, ValueError):
        return None


class Requester:
    """Runs HTTP calls politely: a minimum interval between calls, bounded 429 waits, backoff on 5xx/timeouts."""

    def __init__(self, name, rate, *, max_retry_after, max_retries, backoff, sleep=time.sleep, clock=time.monotonic):
        self.name = name
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.max_retry_after = max_retry_after
        self.max_retries = max_retries
        self.backoff = backoff
        self.sleep = sleep
        self.clock = clock
        self.deadline = None  # set by the crawler: no wait may run past the run's time budget
        self.on_unauthorized = None
        self.requests = 0
        self.rate_limit_waits = 0
        self._next_at = 0.0

    def _wait_turn(self):
        now = self.clock()
        if self._next_at > now:
            self.sleep(self._next_at - now)
            now = self._next_at
        self._next_at = now + self.interval

    def _remaining(self):
        return float("inf") if self.deadline is None else self.deadline - self.clock()

    def _pause(self, label, seconds, rate_limited):
        if rate_limited and seconds > self.max_retry_after:
            raise RateLimited(f"{self.name} rate limit on {label}: Retry-After {seconds:.0f}s is longer than the "
                              f"{self.max_retry_after}s we wait; resuming next run", seconds)
        if seconds > self._remaining():
            if rate_limited:
                raise RateLimited(f"{self.name} rate limit on {label}: Retry-After {seconds:.0f}s runs past the "
                                  f"time budget; resuming next run", seconds)
            raise BudgetExhausted(f"time budget used up while retrying {label}")
        if rate_limited:
            self.rate_limit_waits += 1
            logger.info("%s asked us to wait %.1fs (%s)", self.name, seconds, label)
        self.sleep(seconds)

    def call(self, label, func):
        """Return func()'s result; func raises HttpFailure for non-2xx responses."""
        failures = rate_limited = 0
        refreshed = False
        while True:
            self._wait_turn()
            self.requests += 1
            try:
                return func()
            except HttpFailure as failure:
                status = failure.status
                if status == 429:
                    rate_limited += 1
                    wait = retry_after_seconds(failure.headers)
                    if wait is None:
                        wait = self.backoff * 2 ** min(rate_limited - 1, 6)
                    if rate_limited > self.max_retries + 1:
                        raise RateLimited(f"{self.name} kept rate-limiting {label}; resuming next run", wait) from None
                    self._pause(label, wait, rate_limited=True)
                    continue
                if status == 401 and not refreshed and self.on_unauthorized is not None:
                    refreshed = True  # an expired or revoked token: fetch a new one, once
                    self.on_unauthorized()
                    continue
                if status in (403, 404):
                    raise NotAvailable(f"{label}: {failure}", status) from None
                if status < 500:
                    raise BadRequest(f"{label}: {failure}") from None
                error = failure
            except (requests.Timeout, requests.ConnectionError) as exc:
                error = exc
            failures += 1
            if failures > self.max_retries:
                raise Unreachable(f"{label}: {error} (after {self.max_retries} retries)")
            self._pause(label, self.backoff * 2 ** (failures - 1), rate_limited=False)


class _ClientCredentials(SpotifyClientCredentials):
    """Client credentials with a per-instance token URL, so tests and proxies never touch the class attribute."""

    def __init__(self, *args, token_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.OAUTH_TOKEN_URL = token_url


class SpotifyGateway:
    """The Spotify Web API calls the crawl makes, each through the Requester, with dev-mode fallbacks."""

    def __init__(self, client_id, client_secret, *, api_prefix, token_url, timeout, requester, market=None):
        # A plain session: no urllib3 Retry, so 429s and 5xx come back to Requester with their headers.
        session = requests.Session()
        self.auth = _ClientCredentials(client_id, client_secret, token_url=token_url, requests_session=session,
                                       requests_timeout=timeout, cache_handler=MemoryCacheHandler())
        self.spotify = spotipy.Spotify(auth_manager=self.auth, requests_session=session, retries=0,
                                       status_retries=0, requests_timeout=timeout)
        self.spotify.prefix = api_prefix
        self.requester = requester
        requester.on_unauthorized = self._forget_token
        self.market = market or None
        # Development-mode apps lost the batch endpoints in Feb 2026; after one 403/404 we go item by item.
        self.batch_allowed = {"tracks": True, "artists": True}

    def _forget_token(self):
        self.auth.cache_handler.save_token_to_cache(None)

    def call(self, label, method, *args, **kwargs):
        def attempt():
            try:
                result = method(*args, **kwargs)
            except SpotifyException as exc:
                raise HttpFailure(exc.http_status, exc.headers, exc.msg) from None
            except SpotifyOauthError as exc:
                if exc.error in BAD_CREDENTIALS:
                    raise AuthFailed(f"Spotify rejected the client credentials: {exc.error_description or exc.error}"
                                     ) from None
                raise HttpFailure(503, message=f"token endpoint: {exc}") from None
            except requests.exceptions.JSONDecodeError:
                raise MalformedResponse(f"{label}: the token endpoint sent invalid JSON") from None
            # spotipy returns None when a 2xx body is not JSON.
            if not isinstance(result, dict | list):
                raise MalformedResponse(f"{label}: the response is not JSON")
            return result

        return self.requester.call(label, attempt)

    def search(self, query, types, limit, offset=0):
        return self.call(f"search {query!r}", self.spotify.search, query, limit=limit, offset=offset, type=types,
                         market=self.market)

    def next_page(self, page, label):
        if not isinstance(page, dict) or not page.get("next"):
            return None
        return self.call(f"{label} (next page)", self.spotify.next, page)

    def items(self, first, label, max_items=None):
        """The items of a paged response and of the pages its `next` links lead to."""
        items, page, count = [], first, 0
        while page is not None:
            page_items = page.get("items") if isinstance(page, dict) else None
            if not isinstance(page_items, list):
                raise MalformedResponse(f"{label}: a page without an 'items' list")
            items += [item for item in page_items if isinstance(item, dict)]
            count += 1
            if count >= MAX_PAGES or (max_items is not None and len(items) >= max_items):
                break
            page = self.next_page(page, label)
        return items[:max_items] if max_items is not None else items

    def artist_albums(self, artist_id, groups, limit):
        return self.call(f"albums of artist {artist_id}", self.spotify.artist_albums, artist_id,
                         include_groups=groups, limit=limit)

    def album_tracks(self, album_id):
        return self.call(f"tracks of album {album_id}", self.spotify.album_tracks, album_id, limit=50)

    def playlist(self, playlist_id):
        """The playlist's name and description (its tracks come from ``playlist_items``)."""
        return self.call(f"playlist {playlist_id}", self.spotify.playlist, playlist_id, fields="name,description",
                         market=self.market)

    def playlist_items(self, playlist_id, limit=50):
        return self.call(f"playlist {playlist_id}", self.spotify.playlist_items, playlist_id, limit=limit,
                         market=self.market, additional_types=("track",))

    def audio_features(self, ids):
        # spotipy's audio_features() warns and crashes on a non-JSON body; the raw GET lets us report it instead.
        return self.call(f"audio features of {len(ids)} tracks", self.spotify._get,
                         "audio-features", ids=",".join(ids))

    def tracks(self, ids):
        return self._several("tracks", ids, self.spotify.tracks, self.spotify.track)

    def artists(self, ids):
        return self._several("artists", ids, self.spotify.artists, self.spotify.artist)

    def _several(self, kind, ids, batch_method, single_method):
        """Fetch objects by id: one batch call when allowed, else one call each. Returns (found, problems)."""
        found, problems = {}, []
        if self.batch_allowed[kind]:
            try:
                body = self.call(f"{kind} batch of {len(ids)}", batch_method, ids)
            except NotAvailable as exc:
                logger.info("the %s batch endpoint answered %s; fetching one by one from now on", kind, exc.status)
                self.batch_allowed[kind] = False
            else:
                items = body.get(kind) if isinstance(body, dict) else None
                if not isinstance(items, list):
                    raise MalformedResponse(f"{kind} batch: no '{kind}' list in the response")
                for item in items:
                    if isinstance(item, dict) and item.get("id") in ids:
                        found[item["id"]] = item
                problems += [f"{kind[:-1]} {i}: not returned by Spotify" for i in ids if i not in found]
                return found, problems
        for item_id in ids:
            try:
                item = self.call(f"{kind[:-1]} {item_id}", single_method, item_id)
            except (NotAvailable, BadRequest, MalformedResponse) as exc:
                problems.append(str(exc))
                continue
            found[item_id] = item
        return found, problems


def build_gateway(sleep=time.sleep):
    """A gateway configured from settings (callers check `credentials_configured()` first)."""
    requester = Requester(
        "Spotify", settings.SPOTIFY_REQUESTS_PER_SECOND, max_retry_after=settings.SPOTIFY_MAX_RETRY_AFTER,
        max_retries=settings.SPOTIFY_MAX_RETRIES, backoff=settings.SPOTIFY_BACKOFF_SECONDS, sleep=sleep)
    return SpotifyGateway(
        settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET, api_prefix=settings.SPOTIFY_API_PREFIX,
        token_url=settings.SPOTIFY_TOKEN_URL, timeout=settings.SPOTIFY_REQUEST_TIMEOUT, requester=requester,
        market=settings.SPOTIFY_MARKET)

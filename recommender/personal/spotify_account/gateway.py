"""The HTTP side of a listener's account: spotipy's PKCE flow and user client, Spotify's failures as our errors.

spotipy gets a plain requests session and ``retries=0``, so a 429 or 5xx comes back at once with its headers
(spotipy's own adapter would sleep through any Retry-After): the caller is a Celery task that retries later
instead (see tasks.py). Accounts and API base URLs come from settings (SPOTIFY_ACCOUNTS_URL, SPOTIFY_TOKEN_URL,
SPOTIFY_API_PREFIX), so tests point them at the fake Spotify server.
"""

from collections.abc import Callable
from typing import Any

import requests
import spotipy
from django.conf import settings
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.exceptions import SpotifyException
from spotipy.oauth2 import SpotifyOauthError, SpotifyPKCE

from catalog.crawl.client import retry_after_seconds

from .errors import (
    AuthorizationFailed,
    MissingScope,
    NeedsReconnect,
    SpotifyBusy,
    SpotifyNotConfigured,
    SpotifyRefused,
)

UNREACHABLE = "Spotify could not be reached"
NOT_SENT = "http://127.0.0.1/not-sent"  # spotipy insists on a redirect URI even where none is sent (refreshing)


def pkce(redirect_uri: str, scope: str = "") -> SpotifyPKCE:
    """spotipy's PKCE auth manager on the configured accounts service, caching nothing outside this object."""
    if not settings.SPOTIFY_CLIENT_ID:
        raise SpotifyNotConfigured()
    auth = SpotifyPKCE(client_id=settings.SPOTIFY_CLIENT_ID, redirect_uri=redirect_uri, scope=scope or None,
                       cache_handler=MemoryCacheHandler(), open_browser=False, requests_session=requests.Session(),
                       requests_timeout=settings.SPOTIFY_REQUEST_TIMEOUT)
    auth.OAUTH_AUTHORIZE_URL = f"{settings.SPOTIFY_ACCOUNTS_URL}/authorize"
    auth.OAUTH_TOKEN_URL = settings.SPOTIFY_TOKEN_URL
    return auth


def new_verifier(redirect_uri: str, scope: str, state: str) -> tuple[str, str]:
    """(authorize URL, PKCE code verifier) for a new authorization asking ``scope``."""
    auth = pkce(redirect_uri, scope)
    auth.get_pkce_handshake_parameters()
    return auth.get_authorize_url(state=state), auth.code_verifier


def exchange_code(*, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
    """The token info (access_token, refresh_token, expires_at, scope) for an authorization code."""
    auth = pkce(redirect_uri)
    auth.code_verifier, auth.code_challenge = verifier, "-"  # the challenge was sent with the authorize step
    try:
        auth.get_access_token(code=code, check_cache=False)
    except SpotifyOauthError as error:
        if error.error in ("invalid_grant", "invalid_request", "invalid_client"):
            reason = error.error_description or error.error
            raise AuthorizationFailed(f"Spotify did not accept the authorization ({reason}). Nothing was stored; "
                                      f"connect again.") from None
        raise SpotifyBusy(f"Spotify's accounts service failed ({error.error}); try again in a moment.", 60) from None
    except (requests.ConnectionError, requests.Timeout):
        raise SpotifyBusy(f"{UNREACHABLE}; try connecting again in a moment.", 60) from None
    token = auth.cache_handler.get_cached_token()
    if not token or not token.get("access_token") or not token.get("refresh_token"):
        raise AuthorizationFailed("Spotify's answer held no tokens. Nothing was stored; connect again.")
    return token


def refresh(refresh_token: str) -> dict[str, Any]:
    """New token info for a refresh token; NeedsReconnect when Spotify refuses it (revoked), SpotifyBusy when down."""
    auth = pkce(redirect_uri=NOT_SENT)
    try:
        return auth.refresh_access_token(refresh_token)
    except SpotifyOauthError as error:
        if error.error in ("invalid_grant", "invalid_client", "unauthorized_client"):
            raise NeedsReconnect() from None
        raise SpotifyBusy(f"Spotify's accounts service failed ({error.error}).") from None
    except (requests.ConnectionError, requests.Timeout):
        raise SpotifyBusy(f"{UNREACHABLE} to renew access.") from None


def user_client(access_token: str) -> spotipy.Spotify:
    client = spotipy.Spotify(auth=access_token, requests_session=requests.Session(), retries=0, status_retries=0,
                             requests_timeout=settings.SPOTIFY_REQUEST_TIMEOUT)
    client.prefix = settings.SPOTIFY_API_PREFIX
    return client


class Unauthorized(Exception):
    """Spotify answered 401: the access token expired early; the caller refreshes once and tries again."""


class NotFoundOnSpotify(Exception):
    """Spotify answered 404 (e.g. the listener deleted the playlist there)."""


def call(label: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``method(*args, **kwargs)`` with Spotify's failures mapped: 429/5xx/unreachable → SpotifyBusy (with the
    Retry-After), 401 → Unauthorized, 403 → MissingScope, 404 → NotFoundOnSpotify."""
    try:
        return method(*args, **kwargs)
    except SpotifyException as error:
        status = error.http_status
        if status == 429:
            wait = retry_after_seconds(error.headers)
            raise SpotifyBusy(f"Spotify is rate-limiting requests ({label}); it will be retried.",
                              int(wait) + 1 if wait is not None else None) from None
        if status == 401:
            raise Unauthorized() from None
        if status == 403:
            raise MissingScope(f"Spotify refused {label}: connect Spotify again to grant the permission.") from None
        if status == 404:
            raise NotFoundOnSpotify(label) from None
        if status >= 500:
            raise SpotifyBusy(f"Spotify failed ({status}) on {label}; it will be retried.") from None
        raise SpotifyRefused(f"Spotify refused {label} ({status}: {error.msg}).") from None
    except (requests.ConnectionError, requests.Timeout):
        raise SpotifyBusy(f"{UNREACHABLE} ({label}); it will be retried.") from None

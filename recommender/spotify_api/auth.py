"""Bearer tokens for the Spotify-compatible API: issued at /api/token, checked on every /v1/ request.

A token is signed, not stored: ``client id`` and the first 12 hex digits of the client's secret hash, with the
time it was issued, signed with SECRET_KEY (``django.core.signing``, its own salt). Checking one costs an HMAC
and a look-up in the active clients, which each process keeps until a client is saved or deleted anywhere
(songrec.lib.process_cache: one cache read per request; a token of a client the process doesn't know yet is
checked in the database); nothing is written per token. It ends after
``SPOTIFY_API_TOKEN_SECONDS`` (an hour, as Spotify's), when the client is deactivated, when the client gets a
new secret, or when SECRET_KEY changes. Messages are Spotify's: "No token provided", "Invalid access token",
"The access token expired".
"""

import base64
import binascii
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.throttling import SimpleRateThrottle

from songrec.lib.process_cache import ProcessCachedRead

from .models import ApiClient

SALT = "recommender.spotify_api.token"
FINGERPRINT_LENGTH = 12


def secret_sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _signer():
    # "." keeps the token within RFC 6750's token characters (the default ":" is not).
    return signing.TimestampSigner(salt=SALT, sep=".")


def issue_token(client: ApiClient) -> dict:
    """The token response body: ``access_token``, ``token_type``, ``expires_in`` (seconds)."""
    payload = {"c": client.client_id, "s": client.secret_sha256[:FINGERPRINT_LENGTH]}
    token = _signer().sign_object(payload, compress=False)
    return {"access_token": token, "token_type": "Bearer", "expires_in": settings.SPOTIFY_API_TOKEN_SECONDS}


def client_for_token(token: str) -> ApiClient:
    """The active client a token was issued to; raises AuthenticationFailed with Spotify's message."""
    try:
        payload = _signer().unsign_object(token, max_age=settings.SPOTIFY_API_TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise AuthenticationFailed("The access token expired") from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise AuthenticationFailed("Invalid access token") from None
    if not isinstance(payload, dict):
        raise AuthenticationFailed("Invalid access token")
    client_id, fingerprint = str(payload.get("c")), str(payload.get("s"))
    client = active_clients().get(client_id)
    if not _issued_to(client, fingerprint):
        # A client created or re-keyed since this process read them: the database decides. (A signed token
        # names a real client, so only tokens the process hasn't met yet come here.)
        client = ApiClient.objects.filter(client_id=client_id, active=True).first()
        if not _issued_to(client, fingerprint):
            raise AuthenticationFailed("Invalid access token")
    return client


def _issued_to(client, fingerprint):
    return client is not None and hmac.compare_digest(client.secret_sha256[:FINGERPRINT_LENGTH], fingerprint)


def _read_active_clients():
    return {client.client_id: client for client in ApiClient.objects.filter(active=True)}


_active_clients = ProcessCachedRead("spotify_api:clients-token", _read_active_clients, max_age=30)


def active_clients() -> dict:
    """{client id: ApiClient} of the active clients, as this process last read them (see the module docstring)."""
    return _active_clients.get()


def clients_changed():
    """Called on every write to API clients (signals in apps.py, services.rotate_secret)."""
    _active_clients.changed()


def authenticate_client(client_id: str, secret: str) -> ApiClient | None:
    """The active client with these credentials, or None (the same time whether the id or the secret is wrong)."""
    client = ApiClient.objects.filter(client_id=client_id, active=True).first()
    expected = client.secret_sha256 if client is not None else "0" * 64
    matches = hmac.compare_digest(expected, secret_sha256(secret))
    return client if client is not None and matches else None


def basic_credentials(request) -> tuple[str, str] | None:
    """(client id, secret) from ``Authorization: Basic …``, or None when the header is absent or malformed."""
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"basic":
        return None
    try:
        client_id, sep, secret = base64.b64decode(parts[1], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (client_id, secret) if sep else None


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>`` → (ApiClient, token)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            raise NotAuthenticated("No token provided")
        if parts[0].lower() != b"bearer" or len(parts) != 2:
            raise AuthenticationFailed("Only valid bearer authentication supported")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Invalid access token") from None
        return client_for_token(token), token

    def authenticate_header(self, request):
        return 'Bearer realm="songrec"'


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per API client (``API_THROTTLE_SPOTIFY``), counted in the shared cache; over it → 429."""

    scope = "spotify-api"

    def get_cache_key(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.client_id}

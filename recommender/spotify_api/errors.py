"""Errors of the Spotify-compatible API, and the one adapter that answers every /v1/ error in Spotify's body.

Spotify answers ``{"error": {"status": 400, "message": "invalid id"}}``; songrec's handler
(``songrec.lib.errors.exception_handler``) answers ``{"detail": message}``. ``exception_handler`` below lets
songrec's handler decide status, message and headers (``Retry-After``, ``WWW-Authenticate``) and rewrites only
the body, after mapping the errors lower layers raise in their own terms (a bad parameter, no index yet).
"""

from rest_framework.exceptions import ValidationError

from catalog.search import QueryError
from recommender.errors import IndexFilesMissing, NoActiveIndex, UnknownTrack
from songrec.lib.errors import DomainError, NotFoundError, UnavailableError
from songrec.lib.errors import exception_handler as songrec_exception_handler
from songrec.lib.request_params import InvalidQuery

PREFIX = "/v1/"


class SpotifyApiError(DomainError):
    """A request Spotify would refuse, refused with Spotify's status and message."""


class BadRequest(SpotifyApiError):
    default_message = "invalid request"


class InvalidId(BadRequest):
    default_message = "invalid id"


class NonExistingId(NotFoundError):
    def __init__(self, kind: str, spotify_id: str):
        super().__init__(f"Non existing id: 'spotify:{kind}:{spotify_id}'")


def _as_domain_error(exc):
    """Errors of the layers below, in the API's terms (they don't know about HTTP)."""
    if isinstance(exc, InvalidQuery):
        return BadRequest(f"{exc.field}: {exc.message}")
    if isinstance(exc, QueryError):
        return BadRequest(f"q: {exc}")
    if isinstance(exc, UnknownTrack):
        return NotFoundError(str(exc))
    if isinstance(exc, NoActiveIndex | IndexFilesMissing):
        return UnavailableError(str(exc))
    return exc


def exception_handler(exc, context):
    """The /v1/ views' EXCEPTION_HANDLER: songrec's answer, in Spotify's error body."""
    response = songrec_exception_handler(_as_domain_error(exc), context)
    if response is not None:
        response.data = error_body(response.status_code, _message(exc, response.data))
    return response


def error_body(status: int, message: str) -> dict:
    return {"error": {"status": status, "message": message}}


def _message(exc, data):
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    if isinstance(exc, ValidationError):
        return "; ".join(f"{field}: {' '.join(map(str, messages))}" if isinstance(messages, list)
                         else f"{field}: {messages}" for field, messages in data.items())
    return str(data)

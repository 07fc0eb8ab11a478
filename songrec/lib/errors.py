"""Domain errors that carry their HTTP answer, and the one DRF exception handler that gives it.

A service raises a ``DomainError`` subclass with a message written for the person who sent the request; the
API answers ``{"detail": message}`` with the error's ``status_code`` (and ``Retry-After`` when it has
``retry_after``), pages show the same message with the same status. Views never catch domain errors
themselves: this handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) and ``songrec.middleware`` do it in one place.
"""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """An expected failure a user can act on: bad input (400), not yours (403), missing (404), conflict (409)…"""

    status_code = 400
    default_message = "The request could not be carried out."
    # Seconds a client should wait before trying again (503 and 429 answers), or None.
    retry_after: int | None = None

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message
        super().__init__(self.message)


class NotFoundError(DomainError):
    status_code = 404
    default_message = "Not found."


class ConflictError(DomainError):
    status_code = 409


class UnavailableError(DomainError):
    """Something the answer needs is not ready or not reachable yet (no index, broker down): try again later."""

    status_code = 503
    retry_after = 30


def exception_handler(exc, context):
    """DRF's handler, plus domain errors answered with their own status and message."""
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return Response({"detail": exc.message}, status=exc.status_code, headers=headers)
    return drf_exception_handler(exc, context)

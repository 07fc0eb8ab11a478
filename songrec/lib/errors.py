"""Domain errors that carry their HTTP answer, and the one DRF exception handler that gives it.

A service raises a ``DomainError`` subclass with a message written for the person who sent the request; the
API answers ``{"detail": message}`` with the error's ``status_code`` (and ``Retry-After`` when it has
``retry_after``), pages show the same message with the same status. Views never catch domain errors
themselves: this handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) and ``songrec.middleware`` do it in one place.
"""

import logging

from django.core.signals import got_request_exception
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

request_logger = logging.getLogger("django.request")


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
    response = drf_exception_handler(exc, context)
    if response is None:
        response = _server_error(exc, context.get("request"))
    return response


def _server_error(exc, request):
    """A bug: logged with its traceback as Django logs a 500, and answered in JSON even with DEBUG on, where Django
    would send its HTML debug page to an API client. The signal still lets the test client re-raise it."""
    django_request = getattr(request, "_request", request)
    request_logger.error("Internal Server Error: %s", getattr(django_request, "path", "?"), exc_info=exc,
                         extra={"status_code": 500, "request": django_request})
    got_request_exception.send(sender=None, request=django_request)
    set_rollback()
    return Response({"detail": "Server error; it has been logged."}, status=500)

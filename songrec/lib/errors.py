"""Domain errors that carry their HTTP answer, and the one DRF exception handler that gives it.

A service raises a ``DomainError`` subclass with a message written for the person who sent the request; the
API answers ``{"detail": message}`` with the error's ``status_code`` (and ``Retry-After`` when it has
``retry_after``), or ``{field: [message]}`` when the error names the request ``field`` it is about (DRF's shape
for a bad parameter); pages show the same message with the same status. Views never translate domain errors
themselves: this handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) answers the API and
``songrec.middleware.DomainErrorMiddleware`` the pages, each in one place. (A page whose form shows the error
beside its field still catches it: that is the page's content, not an HTTP mapping.)
"""

import logging
from collections.abc import Callable
from typing import Any

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
    # The request parameter or form field the error is about, or None when it is about the request as a whole.
    field: str | None = None
    # How a page shows it: the error page's heading (None: the status's usual title) and template.
    title: str | None = None
    template = "http_error.html"

    def __init__(self, message: str | None = None, *, field: str | None = None):
        self.message = message or self.default_message
        if field is not None:
            self.field = field
        super().__init__(self.message)

    def payload(self) -> dict:
        """The JSON body of the answer: DRF's ``{field: [message]}`` for a bad field, else ``{"detail": message}``."""
        return {self.field: [self.message]} if self.field else {"detail": self.message}


class NotFoundError(DomainError):
    status_code = 404
    default_message = "Not found."


class ConflictError(DomainError):
    status_code = 409


class UnavailableError(DomainError):
    """Something the answer needs is not ready or not reachable yet (no index, broker down): try again later."""

    status_code = 503
    retry_after: int | None = 30


def response_headers(exc: DomainError) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus domain errors answered with their own status and message."""
    if isinstance(exc, DomainError):
        set_rollback()  # as DRF does for its own errors: nothing half-written survives under ATOMIC_REQUESTS
        return Response(exc.payload(), status=exc.status_code, headers=response_headers(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        response = _server_error(exc, context.get("request"))
    return response


def _server_error(exc: Exception, request: Any) -> Response:
    """A bug: logged with its traceback as Django logs a 500, and answered in JSON even with DEBUG on, where Django
    would send its HTML debug page to an API client. The signal still lets the test client re-raise it."""
    django_request = getattr(request, "_request", request)
    request_logger.error("Internal Server Error: %s", getattr(django_request, "path", "?"), exc_info=exc,
                         extra={"status_code": 500, "request": django_request})
    got_request_exception.send(sender=None, request=django_request)
    set_rollback()
    return Response({"detail": "Server error; it has been logged."}, status=500)


# Path prefix → the JSON body its API answers errors with, for errors found outside its views (no route, a server
# error, a malformed request); an app whose API has its own error shape registers it in its AppConfig.ready().
_error_bodies: dict[str, Callable[[int, str], dict]] = {}


def register_error_body(prefix: str, body: Callable[[int, str], dict]) -> None:
    _error_bodies[prefix] = body


def error_body_for(path: str) -> Callable[[int, str], dict] | None:
    """The registered error body of the API ``path`` belongs to, if any."""
    for prefix, body in _error_bodies.items():
        if path.startswith(prefix):
            return body
    return None

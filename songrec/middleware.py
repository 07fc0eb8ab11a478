"""Refuses malformed requests before any view sees them (NUL bytes, over-deep JSON); answers domain errors on pages.

PostgreSQL text cannot hold NUL, and Python's json module recurses once per nesting level, so both used to
surface as 500s deep inside whichever view happened to get them. One middleware answers them for every view:
404 for a NUL in the path (no URL can match it), 400 for one in the query string or body, 400 for JSON nested
deeper than ``SONGREC_MAX_JSON_DEPTH``. API paths get ``{"detail": …}`` JSON, pages get the HTML error page.

``DomainErrorMiddleware`` is the pages' half of ``songrec.lib.errors``: a ``DomainError`` a page view lets
through is answered with the site's error page, the error's status and its message (DRF views never get here:
their exception handler answers first).
"""

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404

from .errors import error_response
from .lib.errors import DomainError, response_headers
from .lib.json_limits import json_depth

# An escaped NUL: a \u0000 whose backslash is not itself escaped.
_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_problem(request):
    """``(status, message)`` for a request no view should see, or None when it is fine."""
    if "\x00" in request.path_info:
        return 404, "No page has a NUL character in its address."
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return 400, f"Query parameter {key.replace(chr(0), '')!r} contains a NUL character."
    content_type = request.content_type or ""
    if request.method in ("GET", "HEAD", "OPTIONS") and not request.META.get("CONTENT_LENGTH"):
        return None
    if content_type in _FORM_TYPES:
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return 400, f"Form field {key.replace(chr(0), '')!r} contains a NUL character."
        return None
    body = request.body
    if b"\x00" in body:
        return 400, "The request body contains a NUL byte."
    if content_type == "application/json" or content_type.endswith("+json"):
        if _ESCAPED_NUL.search(body):
            return 400, "JSON strings may not contain NUL characters (\\u0000)."
        limit = settings.SONGREC_MAX_JSON_DEPTH
        if json_depth(body) > limit:
            return 400, f"JSON nested deeper than {limit} levels is not accepted."
    return None


class RejectMalformedRequestsMiddleware:
    """Answers requests with NUL bytes or over-deep JSON with a 400/404 before routing (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = request_problem(request)
        if problem is None:
            return self.get_response(request)
        status, message = problem
        exception = Http404(message) if status == 404 else BadRequest(message)
        return error_response(request, status, message, exception)


class DomainErrorMiddleware:
    """Answers a ``DomainError`` raised in a view with its status and message (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        return error_response(request, exception.status_code, exception.message, exception,
                              payload=exception.payload(), headers=response_headers(exception) or None,
                              title=exception.title, template=exception.template)

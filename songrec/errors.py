"""Error responses outside the views: JSON ``{"detail": …}`` under /api/, the body an app registered for its own
API's prefix (``songrec.lib.errors.register_error_body``: Spotify's under /v1/), the HTML error page elsewhere.

The URL conf's ``handler400/403/404/500`` point here, so a request the router can't match (``/api/tasks/abc/``)
or a view that fails answers an API client in JSON like every other API error.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

from songrec.lib.errors import error_body_for

API_PREFIX = "/api/"
TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 409: "Conflict", 429: "Too many attempts",
          500: "Server error", 503: "Not available yet"}


def is_api_request(request):
    return request.path_info.startswith(API_PREFIX)


def error_response(request, status, message, exception=None, *, payload=None, headers=None, title=None,
                   template="http_error.html"):
    """The response for an error found outside a DRF view: JSON (``payload``, by default ``{"detail": message}``)
    for the API, the site's error page (``template`` extends it) otherwise."""
    registered = error_body_for(request.path_info)
    if registered is not None:
        return JsonResponse(registered(status, message), status=status, headers=headers)
    if is_api_request(request):
        return JsonResponse(payload or {"detail": message}, status=status, headers=headers)
    context = {"title": title or TITLES.get(status, "Error"), "message": message, "status": status}
    response = render(request, template, context, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    return error_response(request, 400, _message(exception, "The request was malformed."))


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    return error_response(request, 403, _message(exception, "You do not have permission to do this."))


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if error_body_for(request.path_info) is not None:
        return error_response(request, 404, "Service not found")
    if is_api_request(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if error_body_for(request.path_info) is not None:
        return error_response(request, 500, "Server error; it has been logged.")
    if is_api_request(request):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return defaults.server_error(request, template_name)


def _message(exception, default):
    """The exception's own message when it was raised with one (Django's resolver 404s carry a dict: skipped)."""
    message = exception.args[0] if exception is not None and exception.args else None
    return message if isinstance(message, str) and message else default

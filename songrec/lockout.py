"""What a client locked out by django-axes (too many failed logins) gets: 429, in JSON under /api/."""

from django.conf import settings

from songrec.lib.login_lockout import lockout_message

from .errors import error_response


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: a 429 with Retry-After, like the API's throttles."""
    response = error_response(request, 429, lockout_message())
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response

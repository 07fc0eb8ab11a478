"""What a client locked out by django-axes (too many failed logins) is told: shared by the login pages and the API."""

from django.conf import settings


def lockout_message():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (f"Too many failed logins: this account or address is locked for {minutes} minutes. "
            "An admin can unlock it sooner.")

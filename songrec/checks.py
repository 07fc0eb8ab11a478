"""``manage.py check --deploy`` warnings about settings that look wrong, also logged when a web process starts."""

import logging

from django.conf import settings
from django.core import checks

logger = logging.getLogger(__name__)
MOST_PROXIES_EXPECTED = 3


@checks.register(checks.Tags.security, deploy=True)
def check_trusted_proxy_count(app_configs=None, **kwargs):
    """Throttles and login lockouts key on the client address; a wrong TRUSTED_PROXY_COUNT makes it the proxy's
    (everyone shares one count) or a value the client chose (X-Forwarded-For is then forged at will)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0 and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return [checks.Warning(
            "USE_X_FORWARDED_PROTO says a proxy terminates TLS, but TRUSTED_PROXY_COUNT is 0: every client then "
            "has the proxy's address, so one client's throttle or failed logins count against everyone.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For (1 for one nginx).",
            id="songrec.W001")]
    if count > MOST_PROXIES_EXPECTED:
        return [checks.Warning(
            f"TRUSTED_PROXY_COUNT is {count}: with fewer real proxies, clients choose their own address by sending "
            f"X-Forwarded-For, escaping throttles and lockouts.",
            hint="Count only the proxies in front of gunicorn that append to X-Forwarded-For.", id="songrec.W002")]
    return []


def log_deploy_warnings():
    """Log the warnings above once, as a starting web process (``check --deploy`` is easy to forget)."""
    for warning in check_trusted_proxy_count():
        logger.warning("%s (%s) %s", warning.msg, warning.id, warning.hint)

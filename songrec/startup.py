"""Checks a web process makes before it serves anything, so a broken deployment fails once and clearly."""

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured


def require_collected_static_files():
    """With DEBUG off, pages link hashed file names from collectstatic's manifest: refuse to start without it.

    Otherwise every page that links a stylesheet or script would answer 500 ("Missing staticfiles manifest
    entry"), one request at a time, instead of the server refusing to start with the fix in its log.
    """
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if settings.DEBUG or manifest is None or staticfiles_storage.exists(manifest):
        return
    raise ImproperlyConfigured(
        f"Static files are not collected: {settings.STATIC_ROOT / manifest} does not exist. "
        "Run `python manage.py collectstatic --noinput` (with the same STATIC_ROOT) before starting the server.")

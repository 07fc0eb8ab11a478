"""``reverse()`` for the addresses lists print by the dozen: one object's page, named by a plain id.

``reverse()`` walks the URL resolver on every call (~20 µs); a track page links ~50 tracks and artists and a
search result 20 (issue 14). For an id of ASCII letters and digits, which ``reverse()`` would copy into the
address unchanged, the address is the reversed text around a marker id with the id put in its place; the
text is reversed once per (URL name, script prefix, URLconf). Any other id goes through ``reverse()`` itself.
"""

import re
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

PLAIN_ID = re.compile(r"[A-Za-z0-9]+\Z")
MARKER = "9876543210123456789"  # matches both the int and the str path converters


@lru_cache(maxsize=64)
def _around_marker(name, script_prefix, urlconf):
    before, marker, after = reverse(name, args=[MARKER], urlconf=urlconf).rpartition(MARKER)
    if not marker or MARKER in before:
        raise ValueError(f"URL {name!r} does not hold its one argument once")
    return before, after


def object_url(name, object_id):
    """``reverse(name, args=[object_id])`` for a URL taking one id."""
    text = str(object_id)
    if not PLAIN_ID.match(text):
        return reverse(name, args=[object_id])
    before, after = _around_marker(name, get_script_prefix(), get_urlconf())
    return before + text + after

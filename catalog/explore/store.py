"""Profiles cached per catalog revision in the shared cache, so pages and the API never compute one inline.

Written by the profile task (tasks.py), read by selectors.py.
Keys: ``explore:profile:<revision>:<genre or *>`` for each computed revision, and ``explore:profile:latest:…``
for the newest profile computed, served (marked stale) while the current revision's is being computed. The genre is
percent-encoded ("dance%20pop"): a key with spaces or control characters is not portable between cache backends.
"""

from urllib.parse import quote

from django.core.cache import cache
from django.utils import timezone

from .profile import compute_profile, load_frame

REVISION_TIMEOUT = 7 * 24 * 3600  # old revisions' profiles expire; the latest is kept
ALL = "*"


def genre_part(genre):
    return quote(genre, safe="") if genre else ALL


def profile_key(revision, genre=None):
    return f"explore:profile:{revision}:{genre_part(genre)}"


def latest_key(genre=None):
    return f"explore:profile:latest:{genre_part(genre)}"


def store_profiles(frame=None):
    """Compute the whole-catalog profile and one per genre from one read, cache them all; return the count."""
    frame = frame if frame is not None else load_frame()
    computed_at = timezone.now().isoformat()
    entries = {}
    for genre in [None, *frame.genre_names]:
        profile = compute_profile(frame, genre)
        profile["computed_at"] = computed_at
        entries[profile_key(frame.revision, genre)] = profile
        entries[latest_key(genre)] = profile
    latest = {key: value for key, value in entries.items() if key.startswith("explore:profile:latest:")}
    cache.set_many({key: value for key, value in entries.items() if key not in latest}, timeout=REVISION_TIMEOUT)
    cache.set_many(latest, timeout=None)
    return len(latest)

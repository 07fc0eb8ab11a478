"""Profiles cached per catalog revision in the shared cache, so pages and the API never compute one inline.

Keys: ``explore:profile:<revision>:<genre or *>`` for each computed revision, and ``explore:profile:latest:…``
for the newest profile computed, served (marked stale) while the current revision's is being computed. The genre is
percent-encoded ("dance%20pop"): a key with spaces or control characters is not portable between cache backends.
"""

import logging
from urllib.parse import quote

from django.core.cache import cache
from django.utils import timezone

from ..models import CatalogRevision
from .profile import compute_profile, load_frame

logger = logging.getLogger(__name__)

REVISION_TIMEOUT = 7 * 24 * 3600  # old revisions' profiles expire; the latest is kept
QUEUED_TIMEOUT = 15 * 60  # one queued computation per revision at a time
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


def cached_profile(genre=None):
    """(profile, stale): the current revision's profile, else the latest one computed (stale=True), else None.

    A miss queues the computation (once per revision).
    """
    revision = CatalogRevision.current()
    profile = cache.get(profile_key(revision, genre))
    if profile is not None:
        return profile, False
    request_profile(revision)
    return cache.get(latest_key(genre)), True


def request_profile(revision=None):
    """Queue the profile task unless it was queued for this revision already; never raises."""
    from .tasks import build_profile  # deferred: tasks imports this module

    revision = CatalogRevision.current() if revision is None else revision
    if not cache.add(f"explore:profile:queued:{revision}", 1, timeout=QUEUED_TIMEOUT):
        return False
    try:
        build_profile.apply_async(retry=False)  # no publish retries: a broker that is down costs one timeout
    except Exception as error:  # a broker outage must not break the page or the import that asked
        logger.warning("could not queue the catalog profile: %s", error)
        cache.delete(f"explore:profile:queued:{revision}")
        return False
    return True

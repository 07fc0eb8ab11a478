"""The active index version, read from the database once per process until an index version changes.

Every similar list, recommendation and track page needs the active version: a query each (~0.75 ms of worker
and PostgreSQL CPU, issue 14). Instead, each write to an IndexVersion row (save, delete, or a queryset
``update``) puts a new random token in the shared cache once its transaction commits, and a process keeps the
version it read together with the token it saw before reading: a request then costs one cache read, and the
database is read again only after a write. The token is read before the version, so a write committed in
between only makes the next request read again, never the other way round.

Exact only when the cache is shared by every process that writes or serves (Redis): with a per-process cache
(LocMemCache, the demo without REDIS_URL) every call reads the database, as does a call inside a transaction
(it may see uncommitted writes, which must not outlive a rollback) and any call while the cache is down. A
token is also trusted for at most ``MAX_AGE`` seconds, in case a write's token was lost to a Redis outage.
"""

import copy
import threading
import time
import uuid

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction

from .models import IndexVersion

TOKEN_KEY = "recommender:index-versions-token"
MAX_AGE = 2.0  # seconds

_lock = threading.Lock()
_cached = None  # (token, monotonic time read, IndexVersion or None)


def read_active_version():
    """The active IndexVersion from the database, or None before the first build."""
    return IndexVersion.objects.filter(status=IndexVersion.Status.ACTIVE).first()


def cache_is_shared():
    """Whether every process sees the same cache (a LocMemCache is one per process)."""
    return not isinstance(caches["default"], LocMemCache)


def active_version():
    """The active IndexVersion (a copy the caller may change), or None before the first build."""
    global _cached
    if not cache_is_shared() or connection.in_atomic_block:
        return read_active_version()
    token = cache.get(TOKEN_KEY)
    if token is None:
        cache.add(TOKEN_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(TOKEN_KEY)
        if token is None:  # the cache is down
            return read_active_version()
    now = time.monotonic()
    with _lock:
        cached = _cached
    if cached is None or cached[0] != token or now - cached[1] > MAX_AGE:
        cached = (token, now, read_active_version())
        with _lock:
            _cached = cached
    return copy.copy(cached[2])


def index_versions_changed():
    """Called on every IndexVersion write: processes read the active version again once it is committed."""
    transaction.on_commit(lambda: cache.set(TOKEN_KEY, uuid.uuid4().hex, timeout=None))


def forget_active_version():
    global _cached
    with _lock:
        _cached = None

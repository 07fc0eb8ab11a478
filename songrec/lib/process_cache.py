"""A value read from the database once per process, read again after a write anywhere commits.

Hot pages need a few small facts on every request (the active index version, which seeds have human ratings):
a query each costs ~0.75 ms of worker and PostgreSQL CPU (issue 14). Instead, each write that can change such
a fact puts a new random token in the shared cache once its transaction commits (``changed()``), and a process
keeps the value it read together with the token it saw before reading: a request then costs one cache read,
and the database is read again only after a write. The token is read before the value, so a write committed in
between only makes the next request read again, never the other way round.

Exact only when the cache is shared by every process that writes or serves (Redis): with a per-process cache
(LocMemCache, the demo without REDIS_URL) every call reads the database, as does a call inside a transaction
(it may see uncommitted writes, which must not outlive a rollback) and any call while the cache is down. A
token is also trusted for at most ``max_age`` seconds, in case a write's token was lost to a Redis outage (a
value that is costly to read sets a longer one). One thread of a process reads at a time; the others wait for it.
"""

import copy
import threading
import time
import uuid

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction


def cache_is_shared():
    """Whether every process sees the same cache (a LocMemCache is one per process)."""
    return not isinstance(caches["default"], LocMemCache)


def caching():
    """Whether ``ProcessCachedRead.get()`` may answer from the process here (else it reads the database)."""
    return cache_is_shared() and not connection.in_atomic_block


class ProcessCachedRead:
    """``get()`` is ``read()``, cached in this process until ``changed()`` commits or ``max_age`` passes."""

    def __init__(self, token_key, read, max_age=2.0, copy_value=False):
        self.token_key = token_key
        self.read = read
        self.max_age = max_age
        self.copy_value = copy_value  # hand out copies of a mutable value (a model instance)
        self._lock = threading.Lock()
        self._read_lock = threading.Lock()  # one thread reads; the others wait for its value
        self._cached = None  # (token, monotonic time read, value)

    def get(self):
        if not caching():
            return self.read()
        token = cache.get(self.token_key)
        if token is None:
            cache.add(self.token_key, uuid.uuid4().hex, timeout=None)
            token = cache.get(self.token_key)
            if token is None:  # the cache is down
                return self.read()
        cached = self._current(token)
        if cached is None:
            with self._read_lock:
                cached = self._current(token)  # another thread may have read it meanwhile
                if cached is None:
                    cached = (token, time.monotonic(), self.read())
                    with self._lock:
                        self._cached = cached
        return copy.copy(cached[2]) if self.copy_value else cached[2]

    def _current(self, token):
        with self._lock:
            cached = self._cached
        if cached is None or cached[0] != token or time.monotonic() - cached[1] > self.max_age:
            return None
        return cached

    def changed(self):
        """Called on every write that may change the value: processes read it again once this commits."""
        transaction.on_commit(lambda: cache.set(self.token_key, uuid.uuid4().hex, timeout=None))

    def forget(self):
        with self._lock:
            self._cached = None

"""Per-process caches in one registry: values read from the database once per process, and keyed dicts.

Hot pages need a few small facts on every request (the active index version, which seeds have human ratings):
a query each costs ~0.75 ms of worker and PostgreSQL CPU (issue 14). Instead, each write that can change such
a fact puts a new random token in the shared cache once its transaction commits (``changed()``), and a process
keeps the value it read together with the token it saw before reading: a request then costs one cache read,
and the database is read again only after a write. The token is read before the value, so a write committed in
between only makes the next request read again, never the other way round.

Within a request the tokens are read once, together: the first ``get()`` of a request reads every registered
token in one round trip (``get_many``) and the request's later ``get()`` calls use them (a track page asks for
seven facts). A write the request itself commits (``changed()``) is seen by the rest of the request.

Exact only when the cache is shared by every process that writes or serves (Redis): with a per-process cache
(LocMemCache, the demo without REDIS_URL) every call reads the database, as does a call inside a transaction
(it may see uncommitted writes, which must not outlive a rollback) and any call while the cache is down. A
token is also trusted for at most ``max_age`` seconds, in case a write's token was lost to a Redis outage (a
value that is costly to read sets a longer one). One thread of a process reads at a time; the others wait for it.

Invalidation, one rule per kind of cache:

- ``ProcessCachedRead`` (a fact read from tables: the active index version, the rated seeds, the active
  clusters, the served catalog revision, the songs with several tracks): the writer calls the cache's
  ``changed()``, and the place for that call is the model's ``post_save``/``post_delete`` signal, connected in
  the owning app's ``AppConfig.ready()``. Where Django sends no signal the writer calls ``changed()`` itself:
  ``QuerySet.update`` (``IndexVersion``'s queryset overrides ``update`` to do it, so a status switch written as
  an update can't be forgotten), ``bulk_create`` (ratings) and the catalog revision's own counter bump (one
  ``UPDATE``). Signals alone would miss those writes; explicit calls alone would miss the admin's saves.
- ``ProcessCacheDict`` (data loaded from immutable things: an index version's files, a personal model's files,
  a catalog revision's search index and visible rows): keyed by what they were loaded from, so a stale entry is
  never found and nothing needs invalidating; entries are dropped to bound memory, and explicitly by key when
  the thing itself is deleted (an index version's files).
- Tests flush tables between tests, so ids repeat: ``forget_all()`` empties every cache of both kinds (each
  registers itself when created), and is the only call tests need.
"""

import copy
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction

# Every per-process cache of this process (weakly: a cache made for a test goes away with it).
_registry: "weakref.WeakSet[ProcessCachedRead | ProcessCacheDict]" = weakref.WeakSet()


def forget_all() -> None:
    """Empty every per-process cache (tests, whose flushed tables reuse ids; see the module doc)."""
    for process_cache in list(_registry):
        process_cache.forget()


# The tokens this thread's current request has read ({token key: token or None}); None outside a request.
_request = threading.local()


def _begin_request(**kwargs: Any) -> None:
    _request.tokens = {}


def _end_request(**kwargs: Any) -> None:
    _request.tokens = None


request_started.connect(_begin_request, dispatch_uid="songrec-process-cache-request-started")
request_finished.connect(_end_request, dispatch_uid="songrec-process-cache-request-finished")


def _token(key: str) -> Any:
    """The token under ``key``: from the shared cache, or, within a request, as the request first read it (every
    registered token in one round trip)."""
    tokens = getattr(_request, "tokens", None)
    if tokens is None:
        return cache.get(key)
    if tokens.get(key) is None:
        keys = {key} | {read.token_key for read in list(_registry) if isinstance(read, ProcessCachedRead)}
        found = cache.get_many(sorted(keys))
        tokens.update({name: found.get(name) for name in keys})
    return tokens[key]


def _forget_token(key: str) -> None:
    """A write this thread committed: its request reads the token again."""
    tokens = getattr(_request, "tokens", None)
    if tokens is not None:
        tokens.pop(key, None)


def cache_is_shared() -> bool:
    """Whether every process sees the same cache (a LocMemCache is one per process)."""
    return not isinstance(caches["default"], LocMemCache)


def caching() -> bool:
    """Whether ``ProcessCachedRead.get()`` may answer from the process here (else it reads the database)."""
    return cache_is_shared() and not connection.in_atomic_block


class ProcessCachedRead:
    """``get()`` is ``read()``, cached in this process until ``changed()`` commits or ``max_age`` passes."""

    def __init__(self, token_key: str, read: Callable[[], Any], max_age: float = 2.0, copy_value: bool = False) -> None:
        self.token_key = token_key
        self.read = read
        self.max_age = max_age
        self.copy_value = copy_value  # hand out copies of a mutable value (a model instance)
        self._lock = threading.Lock()
        self._read_lock = threading.Lock()  # one thread reads; the others wait for its value
        self._cached: tuple[str, float, Any] | None = None  # (token, monotonic time read, value)
        _registry.add(self)

    def get(self) -> Any:
        if not caching():
            return self.read()
        token = _token(self.token_key)
        if token is None:
            cache.add(self.token_key, uuid.uuid4().hex, timeout=None)
            _forget_token(self.token_key)
            token = _token(self.token_key)
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

    def _current(self, token: str) -> tuple[str, float, Any] | None:
        with self._lock:
            cached = self._cached
        if cached is None or cached[0] != token or time.monotonic() - cached[1] > self.max_age:
            return None
        return cached

    def changed(self) -> None:
        """Called on every write that may change the value: processes read it again once this commits."""
        def new_token() -> None:
            cache.set(self.token_key, uuid.uuid4().hex, timeout=None)
            _forget_token(self.token_key)

        transaction.on_commit(new_token)

    def forget(self) -> None:
        with self._lock:
            self._cached = None


class ProcessCacheDict:
    """A thread-safe per-process dict of at most ``keep`` entries (least recently used dropped first) for data
    loaded from something immutable, keyed by it (see the module doc); registered for ``forget_all()``."""

    def __init__(self, keep: int = 1):
        self.keep = keep
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        _registry.add(self)

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: Any) -> Any:
        """Store ``value`` under ``key`` (dropping the least recently used beyond ``keep``); returns it."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.keep:
                self._entries.popitem(last=False)
        return value

    def get_or_load(self, key: Hashable, load: Callable[[], Any],
                    lock: AbstractContextManager[Any] | None = None) -> Any:
        """The entry for ``key``, else ``load()``'s value stored under it (under ``lock`` when given, so that
        one thread loads and the others wait for it)."""
        value = self.get(key)
        if value is not None:
            return value
        if lock is None:
            return self.put(key, load())
        with lock:
            value = self.get(key)
            return value if value is not None else self.put(key, load())

    def pop(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()

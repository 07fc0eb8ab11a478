"""The shared Redis cache, forgiving when Redis is unreachable.

The cache holds nothing that cannot be recomputed (throttle counts, cached profiles and "For you" lists), so a
Redis outage must not turn reads into 500s. Django's RedisCache raises on every call while Redis is down; this
one logs the outage once, answers as a cache miss (``get`` → default, ``add``/``set`` → not stored), and for
``RETRY_SECONDS`` after a failure does not try Redis again, so requests don't each wait for a connect timeout.
Throttles keep limiting meanwhile by counting in their process's memory (``shared_cache_down``, see
songrec.lib.throttles); logins stay protected by django-axes, which counts in PostgreSQL.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 10.0


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every cache call, which costs more than the round trip
    (~0.2 ms registering its response callbacks; an API request makes several calls for its throttle). A
    ``redis.Redis`` is safe to share between threads, so one per connection pool is kept (issue 14)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def shared_cache_down():
    """Whether the shared Redis cache failed within the last ``RETRY_SECONDS`` (calls answer as misses)."""
    return time.monotonic() < ForgivingRedisCache._down_until


class ForgivingRedisCache(RedisCache):
    _down_until = 0.0  # shared by the process's cache objects: one per thread, one Redis

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def _call(self, method, fallback, *args, **kwargs):
        if time.monotonic() < ForgivingRedisCache._down_until:
            return fallback
        try:
            return getattr(super(), method)(*args, **kwargs)
        except UNREACHABLE as exc:
            if not ForgivingRedisCache._down_until:
                log.warning("Redis cache unreachable (%s); answering as cache misses for now", exc)
            ForgivingRedisCache._down_until = time.monotonic() + RETRY_SECONDS
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", None, key, delta, version)

    def clear(self):
        return self._call("clear", False)

"""Redis down: the cache answers as misses, so reads and throttled API calls keep working (no 500, still limited)."""

import time

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from songrec.lib.cache import ForgivingRedisCache
from songrec.lib.throttles import PROCESS_COUNTS
from tests.broker import closed_port
from tests.factories import ArtistFactory


@pytest.fixture
def redis_cache_down(settings):
    ForgivingRedisCache._down_until = 0.0
    settings.CACHES = {"default": {"BACKEND": "songrec.lib.cache.ForgivingRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    yield
    ForgivingRedisCache._down_until = 0.0


def test_cache_calls_answer_as_misses_while_redis_is_down(redis_cache_down):
    assert cache.get("anything", "default") == "default"
    assert cache.add("key", 1) is False
    cache.set("key", 1)
    assert cache.get("key") is None


def test_api_reads_and_pages_work_while_the_cache_is_down(client, db, redis_cache_down, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                        {"anon": "5/minute", "user": "5/minute", "evaluation-token": "5/minute"})
    ArtistFactory(name="Gen Hoshino")
    started = time.monotonic()
    PROCESS_COUNTS.clear()
    statuses = [client.get("/api/artists/").status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3  # no 500; throttles count in the process's memory meanwhile
    assert client.get("/").status_code == 200
    assert time.monotonic() - started < 5  # one failed connection, then no retry for a while


def test_the_cache_tries_redis_again_after_a_while(redis_cache_down, monkeypatch):
    cache.get("key")
    assert ForgivingRedisCache._down_until > time.monotonic()
    monkeypatch.setattr(ForgivingRedisCache, "_down_until", time.monotonic() - 1)
    calls = []
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.get",
                        lambda self, *args, **kwargs: calls.append(args) or "fresh")
    assert cache.get("key") == "fresh" and calls

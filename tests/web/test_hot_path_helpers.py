"""Helpers that make the hot read paths cheaper give exactly what the slow way gives (issue 14)."""

import numpy as np
import pytest
from django.core.cache import cache
from django.urls import reverse, set_script_prefix

from recommender.ranking import ranked_positions
from songrec.links import object_url


@pytest.mark.parametrize(("name", "object_id"), [
    ("catalog:track", "4uLU6hMCjMI75M1A2tKUQC"), ("catalog:artist", 123), ("catalog:track", "0"),
    ("catalog:track", "id with spaces & ünïcode"), ("catalog:track", "a:b@c"),
])
def test_object_url_is_what_reverse_gives(name, object_id):
    assert object_url(name, object_id) == reverse(name, args=[object_id])


def test_object_url_follows_the_script_prefix():
    try:
        set_script_prefix("/songrec/")
        assert object_url("catalog:track", "abc123") == "/songrec/tracks/abc123/" == reverse(
            "catalog:track", args=["abc123"])
    finally:
        set_script_prefix("/")
    assert object_url("catalog:track", "abc123") == "/tracks/abc123/"


def reference_ranked_positions(key, count):
    """The definition: finite keys, best first, ties by position."""
    finite = [position for position in range(len(key)) if np.isfinite(key[position])]
    return sorted(finite, key=lambda position: (-key[position], position))[:count]


@pytest.mark.parametrize("seed", range(20))
def test_ranked_positions_takes_the_best_finite_keys_ties_by_position(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 300))
    key = rng.integers(0, 8, size).astype(np.float64)  # many ties, also at the cut
    key[rng.random(size) < 0.3] = -np.inf
    key[rng.random(size) < 0.05] = np.nan
    for count in (1, 5, 20, size, size + 10):
        assert ranked_positions(key, count).tolist() == reference_ranked_positions(key, count)


def test_the_redis_cache_reuses_one_client_per_server():
    if not hasattr(cache, "_cache"):
        pytest.skip("the cache is not Redis here (no REDIS_URL)")
    cache.set("hot-path-test", 1)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache.get("hot-path-test") == 1
    cache.delete("hot-path-test")

"""A value cached per process: one thread reads it while the others wait, and a committed change is seen."""

import threading
import time

import pytest
from django.core.cache import cache

from songrec.lib import process_cache
from songrec.lib.process_cache import ProcessCachedRead


@pytest.fixture(autouse=True)
def shared_cache(monkeypatch):
    monkeypatch.setattr(process_cache, "cache_is_shared", lambda: True)
    cache.delete("test:process-cache-token")


def test_threads_that_miss_together_read_once_and_share_the_value():
    reads = []

    def slow_read():
        reads.append(1)
        time.sleep(0.2)
        return len(reads)

    value = ProcessCachedRead("test:process-cache-token", slow_read, max_age=60)
    results = []
    threads = [threading.Thread(target=lambda: results.append(value.get())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(reads), results) == (1, [1, 1, 1, 1])


def test_a_new_token_is_read_again_and_max_age_bounds_a_lost_one():
    reads = []
    value = ProcessCachedRead("test:process-cache-token", lambda: reads.append(1) or len(reads), max_age=0.05)
    assert value.get() == value.get() == 1
    cache.set("test:process-cache-token", "another process committed")
    assert value.get() == 2
    time.sleep(0.06)
    assert value.get() == 3  # the token did not change, but the value was older than max_age

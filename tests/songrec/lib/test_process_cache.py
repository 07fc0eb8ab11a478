"""A value cached per process: one thread reads it while the others wait, and a committed change is seen."""

import threading
import time

import pytest
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started

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


def test_forget_all_empties_every_registered_cache_of_both_kinds():
    reads = []
    value = ProcessCachedRead("test:process-cache-token", lambda: reads.append(1) or len(reads), max_age=60)
    loaded = process_cache.ProcessCacheDict(keep=2)
    assert value.get() == value.get() == 1
    assert loaded.get_or_load("a", lambda: "A") == "A" and loaded.get("a") == "A"
    process_cache.forget_all()
    assert loaded.get("a") is None
    assert value.get() == 2  # read again although the token did not change


def test_a_process_cache_dict_keeps_the_most_recently_used_entries():
    loaded = process_cache.ProcessCacheDict(keep=2)
    loaded.put(1, "one")
    loaded.put(2, "two")
    assert loaded.get(1) == "one"  # 1 is now the most recently used
    loaded.put(3, "three")
    assert (loaded.get(1), loaded.get(2), loaded.get(3)) == ("one", None, "three")
    loaded.pop(1)
    assert loaded.get(1) is None


@pytest.mark.django_db(transaction=True)  # changed() then commits at once, as a view's write does
def test_a_request_reads_every_token_in_one_round_trip_and_sees_the_writes_it_commits(monkeypatch):
    counts = {"first": 0, "second": 0}

    def counted(name):
        return lambda: counts.__setitem__(name, counts[name] + 1) or counts[name]

    first = ProcessCachedRead("test:process-cache-token", counted("first"), max_age=60)
    second = ProcessCachedRead("test:process-cache-token-2", counted("second"), max_age=60)
    cache.set("test:process-cache-token", "one")
    cache.set("test:process-cache-token-2", "two")
    shared, round_trips = caches["default"], []
    for method in ("get", "get_many"):
        original = getattr(shared, method)
        monkeypatch.setattr(shared, method, lambda *args, _m=method, _o=original: round_trips.append(_m) or _o(*args))

    request_started.send(sender=None)
    assert (first.get(), second.get(), first.get()) == (1, 1, 1)
    assert round_trips == ["get_many"]
    cache.set("test:process-cache-token", "another process committed")
    assert first.get() == 1  # the request keeps the tokens it began with
    first.changed()  # this request's own write: seen by the rest of it
    assert first.get() == 2
    request_finished.send(sender=None)

    round_trips.clear()
    assert (first.get(), second.get()) == (2, 1)
    assert round_trips == ["get", "get"]  # outside a request (a Celery task): each read asks for its token

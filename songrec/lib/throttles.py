"""API throttles that keep limiting when Redis is down, each client meeting exactly one rate.

DRF's ``UserRateThrottle`` also counts anonymous clients, by address, against the signed-in rate; then an
anonymous client is held to the lower of the two rates and every request costs two more cache round trips. Here
each client meets exactly one rate: anonymous ones ``anon``, signed-in ones ``user``.

Counts live in the shared cache (Redis) so every web process agrees. While Redis is unreachable the shared cache
answers every read as a miss, which would let every request through; then each process counts in its own memory
instead (``PROCESS_COUNTS``): a client gets at most the rate per process until Redis is back.
"""

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from .cache import shared_cache_down

PROCESS_COUNTS = LocMemCache("songrec-throttle-fallback", {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4})


class FallbackCache:
    """The shared cache, or this process's ``PROCESS_COUNTS`` while the shared one is unreachable."""

    def get(self, key, default=None):
        value = caches["default"].get(key, default)
        return PROCESS_COUNTS.get(key, default) if shared_cache_down() else value

    def set(self, key, value, timeout=None):
        caches["default"].set(key, value, timeout)
        if shared_cache_down():
            PROCESS_COUNTS.set(key, value, timeout)


class _Fallback:
    cache = FallbackCache()


class AnonymousRateThrottle(_Fallback, AnonRateThrottle):
    pass


class SignedInRateThrottle(_Fallback, UserRateThrottle):
    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # anonymous: AnonymousRateThrottle's business alone
        return super().get_cache_key(request, view)


class ScopedThrottle(_Fallback, ScopedRateThrottle):
    pass


class SignUpThrottle(_Fallback, AnonRateThrottle):
    """Accounts created per address (the sign-up page is a plain Django view: it asks ``allow_request`` itself)."""

    scope = "signup"

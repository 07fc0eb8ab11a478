"""API throttles. DRF's ``UserRateThrottle`` also counts anonymous clients, by address, against the signed-in
rate; then an anonymous client is held to the lower of the two rates and every request costs two more cache
round trips. Here each client meets exactly one rate: anonymous ones ``anon``, signed-in ones ``user``."""

from rest_framework.throttling import UserRateThrottle


class SignedInRateThrottle(UserRateThrottle):
    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # anonymous: AnonRateThrottle's business alone
        return super().get_cache_key(request, view)

"""Per-listener cache of the computed "For you" ranking, valid until the listener's signals change.

Reading a listener's likes and plays, finding their tastes and scoring the catalog is most of a request; the
result only changes when they like, unlike, dislike, pick, import a history or delete their data, when the
index version or the collaborative model changes, or (slowly) as plays age. So the ranking (track ids, scores,
reasons — not names or visibility, which are read per request) is cached under a key made of the user id, a
per-listener token replaced on every change to their signals, the index version id, the model id and the
limit. A replaced token orphans every earlier entry of that listener at once; orphans expire after
PERSONAL_CACHE_SECONDS, which also bounds how stale play recency weights get. Keys are per user id, so one
listener's list is never served to another.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def _token_key(user_id):
    return f"personal:signals:{user_id}"


def signals_changed(user_id):
    """Mark the listener's signals as changed: their next "For you" is computed afresh.

    Called now and again when the surrounding transaction commits, so a request that read the old rows
    while the change was being written cannot leave its (stale) result under the token that stays.
    """
    cache.set(_token_key(user_id), uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(_token_key(user_id), uuid.uuid4().hex, None))


def _list_key(user_id, version_id, model_id, limit):
    token = cache.get(_token_key(user_id))
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(_token_key(user_id), token, None):  # another request set it first
            token = cache.get(_token_key(user_id))
    return f"personal:foryou:{user_id}:{token}:{version_id}:{model_id or 0}:{limit}"


def cached_ranking(user_id, version_id, model_id, limit, *, compute):
    """``compute()``'s result for this listener, version, model and limit, from the cache when still valid."""
    key = _list_key(user_id, version_id, model_id, limit)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.PERSONAL_CACHE_SECONDS)
    return found

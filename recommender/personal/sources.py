"""Where the collaborative model's interactions come from: likes, plays and sources other apps register.

Evaluation (which may import the recommender, not the other way round) registers its evaluators' ratings
from its AppConfig.ready. A source yields (user id, track id, weight > 0) rows; rows of one pair add up.
"""

from collections import defaultdict

from django.db.models import Count, Max
from django.utils import timezone

from .interactions import LIKE_WEIGHT, play_weight
from .models import Play, Reaction

_extra_sources = []


def register_interaction_source(source):
    """Add a callable returning (user id, track id, weight) rows; registering twice is harmless."""
    if source not in _extra_sources:
        _extra_sources.append(source)


def listener_interactions():
    """{(user id, track id): weight} over every listener; disliked pairs are left out whatever else they have."""
    weights = defaultdict(float)
    disliked = set()
    for user_id, track_id, value in Reaction.objects.values_list("user_id", "track_id", "value").iterator(10000):
        if value == Reaction.LIKE:
            weights[(user_id, track_id)] += LIKE_WEIGHT
        else:
            disliked.add((user_id, track_id))
    now = timezone.now()
    plays = (Play.objects.values("user_id", "track_id").order_by()
             .annotate(count=Count("id"), last=Max("played_at")).values_list("user_id", "track_id", "count", "last"))
    for user_id, track_id, count, last in plays.iterator(10000):
        weights[(user_id, track_id)] += play_weight(count, last, now)
    for source in _extra_sources:
        for user_id, track_id, weight in source():
            if weight > 0:
                weights[(int(user_id), int(track_id))] += float(weight)
    for pair in disliked:
        weights.pop(pair, None)
    return weights

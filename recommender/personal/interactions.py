"""A listener's signals, gathered in one place: what they liked, disliked, played (recency-weighted) and picked.

``Interactions`` is plain data, so the recommenders can also be fed a training split (offline evaluation and
the benchmark) instead of the database.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from catalog.models import TrackArtist, TrackGenre

from .models import Play, Reaction, TastePick

LIKE_WEIGHT = 3.0
GENRE_PICK_WEIGHT, ARTIST_PICK_WEIGHT = 1.0, 1.5
# Tracks standing in for one picked genre / artist (its most popular visible ones).
TRACKS_PER_GENRE_PICK, TRACKS_PER_ARTIST_PICK = 8, 5


@dataclass(frozen=True)
class Reason:
    """Why a track is in the profile, for "because you …" lines: kind is liked, played, genre or artist."""

    kind: str
    label: str  # the liked/played track's name, or the picked genre / artist
    track_id: int | None = None
    plays: int = 0

    def text(self):
        if self.kind == "liked":
            return f"because you liked {self.label}"
        if self.kind == "played":
            return f"because you played {self.label} {self.plays} time{'s' if self.plays != 1 else ''}"
        return f"because you picked {self.label}"


@dataclass
class Interactions:
    positives: dict = field(default_factory=dict)  # track id → weight
    reasons: dict = field(default_factory=dict)  # track id → Reason
    negatives: set = field(default_factory=set)  # disliked track ids
    excluded: set = field(default_factory=set)  # never recommended: liked, disliked, played, picked

    def __bool__(self):
        return bool(self.positives)

    def add(self, track_id, weight, reason):
        self.positives[track_id] = self.positives.get(track_id, 0.0) + weight
        current = self.reasons.get(track_id)
        if current is None or (reason.kind == "liked" and current.kind != "liked"):
            self.reasons[track_id] = reason


def play_weight(count, last_played, now, half_life_days=None):
    """log(1 + plays), halved for every half-life since the last play: habits fade, favourites stay."""
    half_life = half_life_days or settings.PERSONAL_PLAY_HALF_LIFE_DAYS
    age_days = max(0.0, (now - last_played).total_seconds() / 86400.0)
    return math.log1p(count) * 0.5 ** (age_days / half_life)


def load_interactions(user):
    """The listener's Interactions from the database (3 queries, and one per genre or artist picked)."""
    interactions = Interactions()
    reactions = list(Reaction.objects.filter(user=user).values_list("track_id", "value", "track__name"))
    for track_id, value, name in reactions:
        interactions.excluded.add(track_id)
        if value == Reaction.DISLIKE:
            interactions.negatives.add(track_id)
        else:
            interactions.add(track_id, LIKE_WEIGHT, Reason("liked", name, track_id))
    now = timezone.now()
    plays = (Play.objects.filter(user=user).values("track_id", "track__name").order_by()
             .annotate(count=Count("id"), last=Max("played_at"))
             .values_list("track_id", "track__name", "count", "last"))
    for track_id, name, count, last in plays:
        interactions.excluded.add(track_id)
        if track_id not in interactions.negatives:
            interactions.add(track_id, play_weight(count, last, now), Reason("played", name, track_id, count))
    _add_picks(user, interactions)
    return interactions


def _add_picks(user, interactions):
    picks = list(TastePick.objects.filter(user=user).select_related("genre", "artist"))
    for pick in picks:
        if pick.genre_id:
            rows = (TrackGenre.objects.filter(genre_id=pick.genre_id, track__hidden=False)
                    .order_by("-track__popularity", "track_id").values_list("track_id", flat=True)
                    [:TRACKS_PER_GENRE_PICK])
            weight, reason = GENRE_PICK_WEIGHT, Reason("genre", pick.genre.name)
        else:
            rows = (TrackArtist.objects.filter(artist_id=pick.artist_id, track__hidden=False)
                    .order_by("-track__popularity", "track_id").values_list("track_id", flat=True)
                    [:TRACKS_PER_ARTIST_PICK])
            weight, reason = ARTIST_PICK_WEIGHT, Reason("artist", pick.artist.name)
        for track_id in rows:
            if track_id not in interactions.negatives:
                interactions.add(track_id, weight, reason)
                interactions.excluded.add(track_id)  # stand-ins for the pick, not news to the listener

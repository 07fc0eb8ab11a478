"""A listener's signals, gathered in one place: what they liked, disliked, played (recency-weighted) and picked.

``Interactions`` is plain data, so the recommenders can also be fed a training split (offline evaluation and
the benchmark) instead of the database.
"""

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from catalog.models import Artist, Genre, TrackArtist, TrackGenre

from .models import Play, Reaction, TastePick

LIKE_WEIGHT = 3.0
GENRE_PICK_WEIGHT, ARTIST_PICK_WEIGHT = 1.0, 1.5
# Tracks standing in for one picked genre / artist (its most popular visible ones).
TRACKS_PER_GENRE_PICK, TRACKS_PER_ARTIST_PICK = 8, 5


@dataclass(frozen=True)
class Reason:
    """Why a track is in the profile, for "because you …" lines: kind is liked, played, genre or artist."""

    kind: str
    label: str | None  # the liked/played track's name (None until named), or the picked genre / artist
    track_id: int | None = None
    plays: int = 0

    def named(self, tracks):
        """This reason with its track's current name from ``tracks`` ({track id: anything with a .name})."""
        track = tracks.get(self.track_id) if self.track_id is not None else None
        return replace(self, label=track.name) if track is not None else self

    def text(self):
        label = self.label or "a track no longer in the catalog"
        if self.kind == "liked":
            return f"because you liked {label}"
        if self.kind == "played":
            return f"because you played {label} {self.plays} time{'s' if self.plays != 1 else ''}"
        return f"because you picked {label}"


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


def _as_datetime(value):
    """A raw ``MAX(played_at)``: PostgreSQL gives an aware datetime, SQLite (the demo's default) gives the stored
    text, UTC without an offset ("2024-05-01 12:00:00" or with microseconds)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Everything a listener told us in one round trip (likes and dislikes, plays grouped per track, picks). The
# order is the one the recommender has always seen, as the taste clustering's start depends on it: reactions
# first (so a disliked track's plays are skipped), newest change first; plays by track id; picks as made.
# Names of liked and played tracks are not read here: only the ~20 shown reasons need one (Reason.named).
_SIGNALS_SQL = """
    SELECT 1 AS part, updated_at AS changed, -id AS row_key, track_id, value, NULL AS plays,
           NULL AS last_played, NULL AS label
      FROM {reaction} WHERE user_id = %s
    UNION ALL
    SELECT 2, NULL, track_id, track_id, 0, COUNT(*), MAX(played_at), NULL
      FROM {play} WHERE user_id = %s GROUP BY track_id
    UNION ALL
    SELECT 3, NULL, pick.id, pick.genre_id, {genre_pick}, NULL, NULL, genre.name
      FROM {pick} pick JOIN {genre} genre ON genre.id = pick.genre_id WHERE pick.user_id = %s
    UNION ALL
    SELECT 3, NULL, pick.id, pick.artist_id, {artist_pick}, NULL, NULL, artist.name
      FROM {pick} pick JOIN {artist} artist ON artist.id = pick.artist_id WHERE pick.user_id = %s
    ORDER BY part, changed DESC, row_key
"""
_GENRE_PICK, _ARTIST_PICK = 1, 2  # the value column of a pick's row


def load_interactions(user):
    """The listener's Interactions from the database: one query, and one more per genre or artist picked.

    Liked and played reasons carry the track's id with no label: ``Reason.named`` fills in the name.
    """
    interactions = Interactions()
    now = timezone.now()
    query = _SIGNALS_SQL.format(reaction=Reaction._meta.db_table, play=Play._meta.db_table,
                                pick=TastePick._meta.db_table, genre=Genre._meta.db_table,
                                artist=Artist._meta.db_table, genre_pick=_GENRE_PICK, artist_pick=_ARTIST_PICK)
    with connection.cursor() as cursor:
        cursor.execute(query, [user.pk] * 4)
        rows = cursor.fetchall()
    for part, _, _, some_id, value, plays, last_played, label in rows:
        if part == 1:
            interactions.excluded.add(some_id)
            if value == Reaction.DISLIKE:
                interactions.negatives.add(some_id)
            else:
                interactions.add(some_id, LIKE_WEIGHT, Reason("liked", None, some_id))
        elif part == 2:
            interactions.excluded.add(some_id)
            if some_id not in interactions.negatives:
                interactions.add(some_id, play_weight(plays, _as_datetime(last_played), now),
                                 Reason("played", None, some_id, plays))
        elif value == _GENRE_PICK:
            _add_pick(interactions, _genre_tracks(some_id), GENRE_PICK_WEIGHT, Reason("genre", label))
        else:
            _add_pick(interactions, _artist_tracks(some_id), ARTIST_PICK_WEIGHT, Reason("artist", label))
    return interactions


def _genre_tracks(genre_id):
    return (TrackGenre.objects.filter(genre_id=genre_id, track__hidden=False)
            .order_by("-track__popularity", "track_id").values_list("track_id", flat=True)[:TRACKS_PER_GENRE_PICK])


def _artist_tracks(artist_id):
    return (TrackArtist.objects.filter(artist_id=artist_id, track__hidden=False)
            .order_by("-track__popularity", "track_id").values_list("track_id", flat=True)[:TRACKS_PER_ARTIST_PICK])


def _add_pick(interactions, track_ids, weight, reason):
    for track_id in track_ids:
        if track_id not in interactions.negatives:
            interactions.add(track_id, weight, reason)
            interactions.excluded.add(track_id)  # stand-ins for the pick, not news to the listener

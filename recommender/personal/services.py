"""Writes on a listener's own data: reactions, cold-start picks, export and deletion.

Every function takes the acting user and only ever touches that user's rows.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from catalog.models import Artist, Genre, Track
from songrec.lib.errors import DomainError

from .freshness import signals_changed
from .models import HistoryImport, Play, Reaction, TastePick

MAX_PICKS = 20


class PickError(DomainError, ValueError):
    """A cold-start pick names nothing in the catalog, or too many things."""


def set_reaction(user: User, track: Track, value: str | None) -> str | None:
    """Like (``"like"``) or dislike (``"dislike"``) a track, or undo (``None``); returns the stored label or None."""
    if value is not None and value not in Reaction.VALUES:
        raise ValueError(f"reaction must be 'like' or 'dislike', got {value!r}")
    if value is None:
        Reaction.objects.filter(user=user, track=track).delete()
    else:
        _upsert_reaction(user, track, Reaction.VALUES[value])
    signals_changed(user.pk)
    return value


def _upsert_reaction(user: User, track: Track, value: int) -> None:
    """One INSERT … ON CONFLICT statement: update_or_create's SELECT-then-INSERT raced a concurrent undo (a 500)."""
    Reaction.objects.bulk_create([Reaction(user=user, track=track, value=value)], update_conflicts=True,
                                 unique_fields=["user", "track"], update_fields=["value", "updated_at"])


def reactions_of(user: User, track_ids: Iterable[int]) -> dict[int, str]:
    """{track id: "like" | "dislike"} of the user for the given tracks (one query)."""
    rows = Reaction.objects.filter(user=user, track_id__in=list(track_ids)).values_list("track_id", "value")
    return {track_id: "like" if value == Reaction.LIKE else "dislike" for track_id, value in rows}


@transaction.atomic
def save_picks(user: User, genre_ids: Iterable[int] = (), artist_ids: Iterable[int] = (),
               track_ids: Iterable[int] = ()) -> dict[str, int]:
    """Replace the listener's genre/artist picks and like the picked tracks; returns how many of each."""
    genres = list(Genre.objects.filter(pk__in=list(genre_ids)))
    artists = list(Artist.objects.filter(pk__in=list(artist_ids)))
    tracks = list(Track.objects.visible().filter(pk__in=list(track_ids)))
    if len(genres) + len(artists) + len(tracks) == 0:
        raise PickError("Pick at least one genre, artist or track.")
    if len(genres) + len(artists) + len(tracks) > MAX_PICKS:
        raise PickError(f"Pick at most {MAX_PICKS} genres, artists and tracks in all.")
    TastePick.objects.filter(user=user).delete()
    TastePick.objects.bulk_create([TastePick(user=user, genre=genre) for genre in genres]
                                  + [TastePick(user=user, artist=artist) for artist in artists])
    for track in tracks:
        _upsert_reaction(user, track, Reaction.LIKE)
    signals_changed(user.pk)
    return {"genres": len(genres), "artists": len(artists), "tracks": len(tracks)}


def export_data(user: User) -> dict[str, Any]:
    """Everything songrec stores about the listener's taste, in the shape MyDataExportSerializer writes out."""
    return {
        "user": user.get_username(),
        "reactions": [{"track": spotify_id, "name": name, "reaction": "like" if value == Reaction.LIKE else "dislike",
                       "at": at} for spotify_id, name, value, at in
                      Reaction.objects.filter(user=user).order_by("id")
                      .values_list("track__spotify_id", "track__name", "value", "updated_at")],
        "plays": Play.objects.filter(user=user).order_by("played_at", "id")
                 .values("track__spotify_id", "track__name", "played_at", "ms_played").iterator(5000),
        "picks": TastePick.objects.filter(user=user).values("genre__name", "artist__name"),
        "imports": HistoryImport.objects.filter(user=user).order_by("id")
                   .values("filename", "status", "created_at", "summary"),
    }


@transaction.atomic
def delete_data(user: User) -> dict[str, int]:
    """Delete the listener's reactions, plays, picks and imports; the next model training no longer sees them."""
    counts = {
        "reactions": Reaction.objects.filter(user=user).delete()[0],
        "plays": Play.objects.filter(user=user).delete()[0],
        "picks": TastePick.objects.filter(user=user).delete()[0],
    }
    counts["imports"] = HistoryImport.objects.filter(user=user).delete()[0]
    signals_changed(user.pk)
    return counts

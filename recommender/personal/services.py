"""Writes on a listener's own data: reactions, plays from elsewhere, cold-start picks, export and deletion.

Every function takes the acting user and only ever touches that user's rows. Apps nested above (a connected
Spotify account) add their part of "download my data" and "delete my data" with ``register_data_section``.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from catalog.models import Artist, Genre, Track
from catalog.playlists.models import Playlist, PlaylistTrack
from songrec.lib.errors import DomainError

from .freshness import signals_changed
from .models import HistoryImport, Play, Reaction, TastePick

MAX_PICKS = 20
# name → (export(user) → list of rows, delete(user) → count): what nested apps add to the export and deletion.
_data_sections: dict[str, tuple[Callable[[User], list], Callable[[User], int]]] = {}


def register_data_section(name: str, *, export: Callable[[User], list], delete: Callable[[User], int]) -> None:
    """Add ``name`` to "download my data" (``export(user)``'s rows) and "delete my data" (``delete(user)``)."""
    _data_sections[name] = (export, delete)


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


def add_likes(user: User, track_ids: Iterable[int]) -> int:
    """Like each track the listener has no reaction to yet (a like or a dislike they gave stays as it is);
    returns how many likes were added, so a second import of the same likes adds none."""
    track_ids = list(dict.fromkeys(track_ids))
    before = Reaction.objects.filter(user=user).count()
    Reaction.objects.bulk_create([Reaction(user=user, track_id=track_id, value=Reaction.LIKE)
                                  for track_id in track_ids], ignore_conflicts=True, batch_size=2000)
    added = Reaction.objects.filter(user=user).count() - before
    if added:
        signals_changed(user.pk)
    return added


def add_plays(user: User, plays: Iterable[tuple[int, datetime, int]]) -> int:
    """Store (track id, played at, ms played) plays from elsewhere; one already stored at the same time is skipped
    (the unique (listener, track, time) makes a re-import add nothing). Returns how many were added."""
    rows = [Play(user=user, track_id=track_id, played_at=played_at, ms_played=ms_played)
            for track_id, played_at, ms_played in plays]
    before = Play.objects.filter(user=user).count()
    Play.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    added = Play.objects.filter(user=user).count() - before
    if added:
        signals_changed(user.pk)
    return added


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
        "playlists": _exported_playlists(user),
        **{name: export(user) for name, (export, _delete) in _data_sections.items()},
    }


def _exported_playlists(user: User) -> list[dict[str, Any]]:
    playlists = list(Playlist.objects.filter(owner=user).order_by("id")
                     .values("id", "name", "description", "visibility", "recipe", "created_at", "updated_at"))
    tracks: dict[int, list[str]] = {}
    for playlist_id, spotify_id in (PlaylistTrack.objects.filter(playlist__owner=user)
                                    .order_by("playlist_id", "position")
                                    .values_list("playlist_id", "track__spotify_id")):
        tracks.setdefault(playlist_id, []).append(spotify_id)
    return [{**playlist, "tracks": tracks.get(playlist["id"], [])} for playlist in playlists]


@transaction.atomic
def delete_data(user: User) -> dict[str, int]:
    """Delete the listener's reactions, plays, picks, imports, playlists and what nested apps registered (a
    connected Spotify account); the next model training no longer sees them."""
    counts = {
        "reactions": Reaction.objects.filter(user=user).delete()[0],
        "plays": Play.objects.filter(user=user).delete()[0],
        "picks": TastePick.objects.filter(user=user).delete()[0],
    }
    counts["imports"] = HistoryImport.objects.filter(user=user).delete()[0]
    counts["playlists"] = Playlist.objects.filter(owner=user, source=Playlist.Source.LISTENER).count()
    Playlist.objects.filter(owner=user, source=Playlist.Source.LISTENER).delete()
    for name, (_export, delete) in _data_sections.items():
        counts[name] = delete(user)
    signals_changed(user.pk)
    return counts

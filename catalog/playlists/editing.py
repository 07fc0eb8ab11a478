"""Change a listener's own playlist: its facts, adding, removing and moving tracks, duplicating and deleting it.

Callers pass a playlist they got from ``selectors.owned_playlist`` (the access rule); every change here runs in one
transaction holding the playlist's row lock, so two tabs adding at once cannot give two tracks one position, and
positions stay 0…n-1. Tracks are the catalog's pks; the API and pages translate Spotify ids first.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from songrec.lib.errors import DomainError, NotFoundError

from .models import MAX_PLAYLIST_TRACKS, Playlist, PlaylistTrack
from .selectors import playlist_track_ids
from .services import PlaylistTooLong, create_listener_playlist, first_occurrences, known_track_ids

MAX_NAME = 300
MAX_DESCRIPTION = 5000


@dataclass
class AddResult:
    """What ``add_tracks`` did: tracks appended, ones the playlist already had, ids the catalog does not know."""

    added: list = field(default_factory=list)
    already_there: list = field(default_factory=list)
    unknown: list = field(default_factory=list)
    track_count: int = 0


def _locked(playlist: Playlist) -> Playlist:
    """The playlist's row, locked until the transaction ends (one writer per playlist)."""
    locked = Playlist.objects.select_for_update().filter(pk=playlist.pk).first()
    if locked is None:
        raise NotFoundError(f"No playlist {playlist.pk}.")
    return locked


def _touch(playlist: Playlist) -> None:
    Playlist.objects.filter(pk=playlist.pk).update(updated_at=timezone.now())


def clean_name(name: str) -> str:
    """The name as stored (surrounding spaces dropped); a blank or over-long name is refused."""
    name = (name or "").strip()
    if not name:
        raise DomainError("A playlist needs a name.", field="name")
    if len(name) > MAX_NAME:
        raise DomainError(f"A playlist's name is at most {MAX_NAME} characters.", field="name")
    return name


@transaction.atomic
def update_playlist(playlist: Playlist, *, name: str | None = None, description: str | None = None,
                    visibility: str | None = None) -> Playlist:
    """Rename, describe or change who sees ``playlist``; arguments left None stay as they are."""
    playlist = _locked(playlist)
    changes = {}
    if name is not None:
        changes["name"] = clean_name(name)
    if description is not None:
        if len(description) > MAX_DESCRIPTION:
            raise DomainError(f"A description is at most {MAX_DESCRIPTION} characters.", field="description")
        changes["description"] = description.strip()
    if visibility is not None:
        if visibility not in Playlist.Visibility.values:
            raise DomainError(f"Visibility is one of {', '.join(Playlist.Visibility.values)}.", field="visibility")
        changes["visibility"] = visibility
    changes = {key: value for key, value in changes.items() if getattr(playlist, key) != value}
    if changes:
        for key, value in changes.items():
            setattr(playlist, key, value)
        playlist.save(update_fields=[*changes, "updated_at"])
    return playlist


@transaction.atomic
def add_tracks(playlist: Playlist, track_ids: Iterable[int]) -> AddResult:
    """Append ``track_ids`` (in order) to the end of ``playlist``; tracks it already has stay where they are.

    Unknown ids are skipped and reported; going over ``MAX_PLAYLIST_TRACKS`` refuses the whole addition.
    """
    _locked(playlist)
    wanted, _ = first_occurrences(int(pk) for pk in track_ids)
    stored = playlist_track_ids(playlist)
    present = set(stored)
    known = known_track_ids([pk for pk in wanted if pk not in present])
    result = AddResult(already_there=[pk for pk in wanted if pk in present],
                       unknown=[pk for pk in wanted if pk not in present and pk not in known])
    result.added = [pk for pk in wanted if pk in known]
    total = len(stored) + len(result.added)
    if total > MAX_PLAYLIST_TRACKS:
        raise PlaylistTooLong(f"A playlist holds at most {MAX_PLAYLIST_TRACKS:,} tracks; this one has "
                              f"{len(stored):,}, and adding {len(result.added):,} would make {total:,}. "
                              "Start another playlist for the rest.", field="tracks")
    if result.added:
        PlaylistTrack.objects.bulk_create([PlaylistTrack(playlist_id=playlist.pk, track_id=pk, position=position)
                                           for position, pk in enumerate(result.added, start=len(stored))],
                                          batch_size=2000)
        _touch(playlist)
    result.track_count = total
    return result


def _entry(playlist: Playlist, track_id: int) -> PlaylistTrack:
    entry = PlaylistTrack.objects.filter(playlist_id=playlist.pk, track_id=track_id).first()
    if entry is None:
        raise NotFoundError("That track is not in this playlist.")
    return entry


@transaction.atomic
def remove_track(playlist: Playlist, track_id: int) -> None:
    """Take ``track_id`` out of ``playlist``; the tracks after it move up one place."""
    _locked(playlist)
    entry = _entry(playlist, track_id)
    entry.delete()
    PlaylistTrack.objects.filter(playlist_id=playlist.pk, position__gt=entry.position).update(
        position=F("position") - 1)
    _touch(playlist)


@transaction.atomic
def move_track(playlist: Playlist, track_id: int, position: int) -> int:
    """Move ``track_id`` to ``position`` (0 first; past the end means last), the others keeping their order.

    Returns the position it ended at. The position constraint is deferred, so the shift and the move may pass
    through each other's places inside this transaction.
    """
    _locked(playlist)
    entry = _entry(playlist, track_id)
    last = PlaylistTrack.objects.filter(playlist_id=playlist.pk).count() - 1
    target = max(0, min(int(position), last))
    if target == entry.position:
        return target
    others = PlaylistTrack.objects.filter(playlist_id=playlist.pk).exclude(pk=entry.pk)
    if target < entry.position:
        others.filter(position__gte=target, position__lt=entry.position).update(position=F("position") + 1)
    else:
        others.filter(position__gt=entry.position, position__lte=target).update(position=F("position") - 1)
    PlaylistTrack.objects.filter(pk=entry.pk).update(position=target)
    _touch(playlist)
    return target


def duplicate_playlist(playlist: Playlist, *, owner: User) -> Playlist:
    """A private copy of ``playlist`` (one ``owner`` may see) in ``owner``'s playlists, its tracks in order."""
    name = f"{playlist.name} (copy)"
    if len(name) > MAX_NAME:
        name = playlist.name
    return create_listener_playlist(owner=owner, name=name, description=playlist.description,
                                    track_ids=playlist_track_ids(playlist), recipe=playlist.recipe)


@transaction.atomic
def delete_playlist(playlist: Playlist) -> None:
    """Delete ``playlist`` and its entries (the tracks stay in the catalog)."""
    _locked(playlist).delete()

"""Write playlists: a playlist's ordered tracks, and the playlists a file or a crawl brings, bad entries reported.

The one way every source (the TidyTuesday file, the crawl's seed playlists, listeners) stores membership is
``replace_playlist_tracks``: a track is in a playlist once (the first occurrence keeps its place), ids the catalog
does not know are skipped and reported, and a playlist longer than ``MAX_PLAYLIST_TRACKS`` is refused whole. Each
playlist is written in its own transaction, so a refused or failing playlist leaves the stored one as it was.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalog.models import Track
from songrec.lib.errors import DomainError

from .models import MAX_PLAYLIST_TRACKS, Playlist, PlaylistTrack

ID_CHUNK = 5000


class PlaylistTooLong(DomainError):
    status_code = 400


@dataclass
class MembershipResult:
    """What ``replace_playlist_tracks`` did: the tracks kept, the entries it dropped, whether anything changed."""

    kept: int = 0
    unknown: list = field(default_factory=list)
    duplicates: int = 0
    changed: bool = False


@dataclass
class PlaylistImportSummary:
    """A whole source's playlists stored: counts, and one line per skipped playlist (why)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown_entries: int = 0
    duplicate_entries: int = 0
    skipped: list = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self):
        return (f"{self.stored} playlists ({self.created} new, {self.updated} updated, {self.unchanged} unchanged), "
                f"{len(self.skipped)} skipped, {self.unknown_entries} unknown and {self.duplicate_entries} "
                f"duplicate entries dropped")


def first_occurrences(ids: Iterable) -> tuple[list, int]:
    """The ids in order with repeats removed (the first place wins), and how many repeats there were."""
    ids = list(ids)
    unique = list(dict.fromkeys(ids))
    return unique, len(ids) - len(unique)


def known_track_ids(track_ids: list[int]) -> set[int]:
    """The pks among ``track_ids`` that are tracks of the catalog (hidden ones included), read in chunks."""
    known: set[int] = set()
    for start in range(0, len(track_ids), ID_CHUNK):
        known.update(Track.objects.filter(pk__in=track_ids[start:start + ID_CHUNK]).values_list("pk", flat=True))
    return known


def track_ids_by_spotify_id(spotify_ids: Iterable[str]) -> dict[str, int]:
    """Map the catalog's Spotify ids among ``spotify_ids`` to track pks (unknown ids are absent)."""
    spotify_ids = list(dict.fromkeys(spotify_ids))
    found = {}
    for start in range(0, len(spotify_ids), ID_CHUNK):
        found.update(Track.objects.filter(spotify_id__in=spotify_ids[start:start + ID_CHUNK])
                     .values_list("spotify_id", "pk"))
    return found


def _membership(track_ids):
    """(kept ids in order, unknown ids, duplicates), refusing a playlist over the limit before anything is written."""
    unique, duplicates = first_occurrences(track_ids)
    if len(unique) > MAX_PLAYLIST_TRACKS:
        raise PlaylistTooLong(f"A playlist holds at most {MAX_PLAYLIST_TRACKS:,} tracks; this one has "
                              f"{len(unique):,}. Split it into smaller playlists.")
    known = known_track_ids(unique)
    return [pk for pk in unique if pk in known], [pk for pk in unique if pk not in known], duplicates


@transaction.atomic
def replace_playlist_tracks(playlist: Playlist, track_ids: Iterable[int]) -> MembershipResult:
    """Make ``playlist``'s tracks exactly ``track_ids`` in that order (positions 0…n-1); an empty list empties it.

    Duplicates keep their first place and unknown ids are skipped (both counted in the result); more than
    ``MAX_PLAYLIST_TRACKS`` distinct tracks raises ``PlaylistTooLong`` with nothing changed. Writes only when the
    stored order differs, so re-running an import costs no writes.
    """
    kept, unknown, duplicates = _membership(track_ids)
    Playlist.objects.select_for_update().filter(pk=playlist.pk).first()  # one writer per playlist at a time
    stored = list(PlaylistTrack.objects.filter(playlist=playlist).order_by("position")
                  .values_list("track_id", flat=True))
    result = MembershipResult(kept=len(kept), unknown=unknown, duplicates=duplicates, changed=stored != kept)
    if result.changed:
        PlaylistTrack.objects.filter(playlist=playlist).delete()
        PlaylistTrack.objects.bulk_create([PlaylistTrack(playlist=playlist, track_id=track_id, position=position)
                                           for position, track_id in enumerate(kept)], batch_size=2000)
        Playlist.objects.filter(pk=playlist.pk).update(updated_at=timezone.now())
    return result


@dataclass
class ExternalPlaylist:
    """A playlist as a file or the crawl gives it: its id there, facts about it, its members' Spotify ids in order."""

    external_id: str
    name: str
    spotify_ids: list
    genre: str = ""
    subgenre: str = ""
    description: str = ""


@transaction.atomic
def _store_one(source, incoming, track_ids, summary):
    facts = {"name": incoming.name[:300] or incoming.external_id, "genre": incoming.genre[:100],
             "subgenre": incoming.subgenre[:100], "description": incoming.description}
    playlist = (Playlist.objects.select_for_update()
                .filter(source=source, external_id=incoming.external_id).first())
    created = playlist is None
    if created:
        playlist = Playlist.objects.create(source=source, external_id=incoming.external_id, **facts)
    facts_changed = any(getattr(playlist, name) != value for name, value in facts.items())
    if facts_changed:
        for name, value in facts.items():
            setattr(playlist, name, value)
        playlist.save(update_fields=[*facts, "updated_at"])
    result = replace_playlist_tracks(playlist, track_ids)
    summary.unknown_entries += len(result.unknown)
    summary.duplicate_entries += result.duplicates
    if created:
        summary.created += 1
    elif facts_changed or result.changed:
        summary.updated += 1
    else:
        summary.unchanged += 1


def store_external_playlists(source: str, playlists: Iterable[ExternalPlaylist]) -> PlaylistImportSummary:
    """Create or update each playlist by (source, external id) with its membership; bad ones skipped and reported.

    A playlist none of whose tracks the catalog knows is skipped (an existing one is left as it was), and so is
    one over the length limit; the others are stored, each in its own transaction.
    """
    playlists = list(playlists)
    pks = track_ids_by_spotify_id(spotify_id for playlist in playlists for spotify_id in playlist.spotify_ids)
    summary = PlaylistImportSummary()
    for incoming in playlists:
        label = f"playlist {incoming.external_id} ({incoming.name})"
        if not incoming.spotify_ids:
            summary.skipped.append(f"{label}: empty")
            continue
        track_ids = [pks[spotify_id] for spotify_id in incoming.spotify_ids if spotify_id in pks]
        if not track_ids:
            summary.unknown_entries += len(set(incoming.spotify_ids))
            summary.skipped.append(f"{label}: none of its {len(incoming.spotify_ids)} tracks is in the catalog")
            continue
        summary.unknown_entries += len(set(incoming.spotify_ids) - set(pks))
        try:
            _store_one(source, incoming, track_ids, summary)
        except PlaylistTooLong as error:
            summary.skipped.append(f"{label}: {error.message}")
    return summary


@transaction.atomic
def create_listener_playlist(*, owner, name: str, description: str = "",
                             visibility: str = Playlist.Visibility.PRIVATE, track_ids: Iterable[int] = (),
                             recipe: dict | None = None) -> Playlist:
    """A new playlist of ``owner``'s (private unless asked otherwise) holding ``track_ids`` in order.

    Every way a listener gets a playlist (made by hand, generated, imported from a file or from Spotify) goes through
    here: a blank name is refused, and so is a list over the length limit, with nothing stored.
    """
    name = name.strip()
    if not name:
        raise DomainError("A playlist needs a name.", field="name")
    if len(name) > 300:
        raise DomainError("A playlist's name is at most 300 characters.", field="name")
    if visibility not in Playlist.Visibility.values:
        raise DomainError(f"Visibility is one of {', '.join(Playlist.Visibility.values)}.", field="visibility")
    playlist = Playlist.objects.create(source=Playlist.Source.LISTENER, owner=owner, name=name,
                                       description=description, visibility=visibility, recipe=recipe)
    replace_playlist_tracks(playlist, track_ids)
    return playlist

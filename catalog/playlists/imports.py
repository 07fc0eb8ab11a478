"""Import a playlist from a file (JSPF, XSPF, M3U/M3U8) or a public Spotify link as a listener's new playlist.

Read (``readers``, ``spotify_links``), match (``matching``), then one ``create_listener_playlist`` call: the
playlist appears whole or not at all. What did not match is reported entry by entry, never silently dropped; a
file none of whose tracks the catalog has is refused (400) with a few of them named, and stores nothing.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile

from songrec.lib.errors import DomainError

from .matching import BY_ID, match_entries
from .models import Playlist
from .readers import Entry, IncomingPlaylist, PlaylistFileError, read_playlist_file
from .services import create_listener_playlist, first_occurrences
from .spotify_links import fetch_spotify_playlist

# The API and the page list this many unmatched entries (the count says how many there are in all).
UNMATCHED_SHOWN = 500


@dataclass
class UnmatchedEntry:
    position: int
    title: str
    artists: str
    album: str
    spotify_id: str
    reason: str


@dataclass
class ImportReport:
    """What an import made: the playlist, how its entries matched, and the ones that did not."""

    playlist: Playlist
    kind: str
    entries: int
    matched_by_id: int = 0
    matched_by_name: int = 0
    duplicates: int = 0
    unmatched_count: int = 0
    unmatched: list[UnmatchedEntry] = field(default_factory=list)

    @property
    def tracks(self) -> int:
        return self.matched_by_id + self.matched_by_name - self.duplicates


def import_playlist_file(*, owner: User, upload: UploadedFile, name: str = "") -> ImportReport:
    """A new private playlist of ``owner``'s from an uploaded playlist file (its size checked before reading)."""
    limit = settings.PLAYLIST_IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise PlaylistFileError(_too_big(limit))
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise PlaylistFileError(_too_big(limit))
    filename = upload.name or ""
    incoming = read_playlist_file(content, filename)
    fallback = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return _store(owner, incoming, name.strip() or incoming.name or fallback or "Imported playlist")


def import_spotify_playlist(*, owner: User, link: str, name: str = "") -> ImportReport:
    """A new private playlist of ``owner``'s with the tracks of the public Spotify playlist ``link`` names."""
    incoming = fetch_spotify_playlist(link)
    return _store(owner, incoming, name.strip() or incoming.name)


def _too_big(limit: int) -> str:
    return f"The file is larger than the {limit / 1024 ** 2:g} MB limit for playlists ({limit:,} bytes)."


def _store(owner: User, incoming: IncomingPlaylist, name: str) -> ImportReport:
    entries = incoming.entries
    if not entries:
        raise PlaylistFileError("The playlist has no tracks.", field="url" if incoming.kind == "spotify" else None)
    matches = match_entries(entries)
    matched = [match.track_id for match in matches if match.track_id is not None]
    unmatched = [_unmatched(entry, match.reason) for entry, match in zip(entries, matches, strict=True)
                 if match.track_id is None]
    if not matched:
        examples = "; ".join(_describe(item) for item in unmatched[:3])
        raise DomainError(f"None of the playlist's {len(entries):,} tracks is in the catalog (for example "
                          f"{examples}); nothing was imported.")
    track_ids, duplicates = first_occurrences(matched)
    playlist = create_listener_playlist(owner=owner, name=name[:300], description=incoming.description,
                                        track_ids=track_ids)
    by_id = sum(1 for match in matches if match.how == BY_ID)
    return ImportReport(playlist=playlist, kind=incoming.kind, entries=len(entries), matched_by_id=by_id,
                        matched_by_name=len(matched) - by_id, duplicates=duplicates, unmatched_count=len(unmatched),
                        unmatched=unmatched[:UNMATCHED_SHOWN])


def _unmatched(entry: Entry, reason: str) -> UnmatchedEntry:
    return UnmatchedEntry(position=entry.position, title=entry.title, artists=entry.artist_text, album=entry.album,
                          spotify_id=entry.spotify_id, reason=reason)


def _describe(item: UnmatchedEntry) -> str:
    label = " – ".join(part for part in (item.artists, item.title) if part) or item.spotify_id or "an unnamed entry"
    return f"#{item.position} {label}"

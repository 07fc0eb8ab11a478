"""Read playlist files (JSPF, XSPF, M3U/M3U8) into entries to match, refusing hostile or malformed ones clearly.

Every reader works on bytes already bounded by ``PLAYLIST_IMPORT_MAX_BYTES`` and answers ``PlaylistFileError``
(400, about the form field ``file``) saying what is wrong and where ("track 3: 'title' must be text"). XML goes
through defusedxml with DTDs forbidden, so no entity is ever expanded (billion laughs) or fetched (external
entities); JSON's nesting is measured without recursion before it is parsed; a file with more than
``MAX_PLAYLIST_TRACKS`` entries is refused before any is read further.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings

from songrec.lib.errors import DomainError
from songrec.lib.json_limits import json_depth

from .models import MAX_PLAYLIST_TRACKS

XSPF_NAMESPACE = "{http://xspf.org/ns/0/}"
# A Spotify track as a link (open.spotify.com, with or without a locale segment) or as a URI.
SPOTIFY_TRACK = re.compile(r"(?:open\.spotify\.com/(?:intl-[A-Za-z-]+/)?track/|spotify:track:)([0-9A-Za-z]{22})")
SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Longer names than this are not names (they would only slow the fuzzy match down).
MAX_TEXT = 500


class PlaylistFileError(DomainError):
    status_code = 400
    field = "file"


@dataclass
class Entry:
    """One track as a file or Spotify lists it: its place (from 1), names, and its Spotify id when it has one."""

    position: int
    title: str = ""
    artists: list[str] = field(default_factory=list)
    album: str = ""
    spotify_id: str = ""

    @property
    def artist_text(self) -> str:
        return ", ".join(self.artists)


@dataclass
class IncomingPlaylist:
    """A playlist read from a file or fetched from Spotify, before matching."""

    kind: str
    name: str
    description: str
    entries: list[Entry]


def spotify_track_id(*texts: str) -> str:
    """The first Spotify track id found in these URLs or URIs, or ""."""
    for text in texts:
        found = SPOTIFY_TRACK.search(text)
        if found:
            return found.group(1)
    return ""


def read_playlist_file(content: bytes, filename: str) -> IncomingPlaylist:
    """The playlist in ``content``: the format from the file's extension, else from its first characters."""
    if not content.strip():
        raise PlaylistFileError("The file is empty.")
    suffix = PurePosixPath(filename.lower()).suffix
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if suffix in (".jspf", ".json") or (suffix not in (".xspf", ".xml", ".m3u", ".m3u8") and start == b"{"):
        return read_jspf(content)
    if suffix in (".xspf", ".xml") or (suffix not in (".m3u", ".m3u8") and start == b"<"):
        return read_xspf(content)
    if suffix in (".m3u", ".m3u8") or content.lstrip(b"\xef\xbb\xbf").startswith(b"#EXTM3U"):
        return read_m3u(content)
    raise PlaylistFileError("This is not a playlist file songrec reads: upload a JSPF, XSPF, M3U or M3U8 file.")


def _check_count(count: int) -> None:
    if count > MAX_PLAYLIST_TRACKS:
        raise PlaylistFileError(f"A playlist holds at most {MAX_PLAYLIST_TRACKS:,} tracks; this file has "
                                f"{count:,}. Split it into smaller playlists.")


def clean_text(text: str) -> str:
    """One line of at most ``MAX_TEXT`` characters, without NUL or lone surrogates (JSON can spell both; neither
    can be stored in PostgreSQL or written as UTF-8)."""
    return " ".join(UNSTORABLE.sub("", text).split())[:MAX_TEXT]


def _decoded(content: bytes, what: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlaylistFileError(f"The {what} file is not valid UTF-8 (byte {error.start}).") from None


# --- JSPF -------------------------------------------------------------------------------------------------------

def read_jspf(content: bytes) -> IncomingPlaylist:
    limit = settings.SONGREC_MAX_JSON_DEPTH
    if json_depth(content) > limit:
        raise PlaylistFileError(f"The JSPF file is nested deeper than {limit} levels; no playlist needs that.")
    try:
        document = json.loads(_decoded(content, "JSPF"))
    except ValueError as error:
        raise PlaylistFileError(f"The file is not valid JSON: {error}.") from None
    playlist = document.get("playlist") if isinstance(document, dict) else None
    if not isinstance(playlist, dict):
        raise PlaylistFileError('A JSPF file is an object with a "playlist" object in it.')
    tracks = playlist.get("track", [])
    if not isinstance(tracks, list):
        raise PlaylistFileError('"playlist.track" must be a list of tracks.')
    _check_count(len(tracks))
    entries = [_jspf_entry(position, track) for position, track in enumerate(tracks, start=1)]
    return IncomingPlaylist("jspf", _text_of(playlist, "title", "playlist"),
                            _text_of(playlist, "annotation", "playlist"), entries)


def _text_of(item: dict, key: str, where: str) -> str:
    value = item.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PlaylistFileError(f'{where}: "{key}" must be text, not {type(value).__name__}.')
    return clean_text(value)


def _texts_of(item: dict, key: str, where: str) -> list[str]:
    """A JSPF location/identifier: one URL or a list of them (both forms are in the wild)."""
    value = item.get(key)
    values = [] if value is None else [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(text, str) for text in values):
        raise PlaylistFileError(f'{where}: "{key}" must be a URL or a list of URLs.')
    return values[:20]


def _jspf_entry(position: int, track) -> Entry:
    where = f"track {position}"
    if not isinstance(track, dict):
        raise PlaylistFileError(f"{where} must be an object, not {type(track).__name__}.")
    urls = _texts_of(track, "identifier", where) + _texts_of(track, "location", where)
    creator = _text_of(track, "creator", where)
    return Entry(position=position, title=_text_of(track, "title", where), artists=[creator] if creator else [],
                 album=_text_of(track, "album", where), spotify_id=spotify_track_id(*urls) or _extension_id(track))


def _extension_id(track: dict) -> str:
    """The Spotify id songrec (and ListenBrainz) put in the track extension's additional metadata, if any."""
    extensions = track.get("extension")
    for extension in extensions.values() if isinstance(extensions, dict) else ():
        metadata = extension.get("additional_metadata") if isinstance(extension, dict) else None
        value = metadata.get("spotify_id") if isinstance(metadata, dict) else None
        if isinstance(value, str):
            return value if SPOTIFY_ID.fullmatch(value) else spotify_track_id(value)
    return ""


# --- XSPF -------------------------------------------------------------------------------------------------------

def read_xspf(content: bytes) -> IncomingPlaylist:
    try:
        root = SafeET.fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise PlaylistFileError("The XSPF file declares a DTD or entities; songrec does not read those "
                                "(they are how XML bombs and external-entity attacks work).") from None
    except (SafeET.ParseError, LookupError, ValueError) as error:  # LookupError: an encoding nobody knows
        raise PlaylistFileError(f"The file is not well-formed XML: {error}.") from None
    if _local(root.tag) != "playlist":
        raise PlaylistFileError(f"An XSPF file's root element is <playlist>, not <{_local(root.tag)}>.")
    track_list = _child(root, "trackList")
    tracks = [child for child in track_list if _local(child.tag) == "track"] if track_list is not None else []
    _check_count(len(tracks))
    entries = []
    for position, track in enumerate(tracks, start=1):
        urls = [(child.text or "").strip() for child in track if _local(child.tag) in ("location", "identifier")]
        creator = _child_text(track, "creator")
        entries.append(Entry(position=position, title=_child_text(track, "title"),
                             artists=[creator] if creator else [], album=_child_text(track, "album"),
                             spotify_id=spotify_track_id(*urls)))
    return IncomingPlaylist("xspf", _child_text(root, "title"), _child_text(root, "annotation"), entries)


def _local(tag) -> str:
    """The element's name without the XSPF namespace (files without the namespace are read too)."""
    return tag[len(XSPF_NAMESPACE):] if isinstance(tag, str) and tag.startswith(XSPF_NAMESPACE) else str(tag)


def _child(element, name):
    return next((child for child in element if _local(child.tag) == name), None)


def _child_text(element, name) -> str:
    child = _child(element, name)
    return clean_text("".join(child.itertext())) if child is not None else ""


# --- M3U / M3U8 -------------------------------------------------------------------------------------------------

def read_m3u(content: bytes) -> IncomingPlaylist:
    """Extended M3U: ``#EXTINF:<seconds>,<artist> - <title>`` names the next line's URL or file. An M3U that is not
    UTF-8 is read as Latin-1 (the old .m3u default)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    name, pending, locations = "", None, []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#EXTINF:"):
            pending = line.partition(",")[2]
        elif line.startswith("#PLAYLIST:"):
            name = clean_text(line[len("#PLAYLIST:"):])
        elif line and not line.startswith("#"):
            locations.append((line, pending))
            pending = None
    _check_count(len(locations))
    entries = [_m3u_entry(position, location, info) for position, (location, info) in enumerate(locations, start=1)]
    return IncomingPlaylist("m3u", name, "", entries)


def _m3u_entry(position: int, location: str, info: str | None) -> Entry:
    spotify_id = spotify_track_id(location)
    if info is None and not spotify_id:
        # A bare file path: its name is often "Artist - Title.mp3".
        info = PureWindowsPath(unquote(location)).stem if "\\" in location else PurePosixPath(unquote(location)).stem
    artist, separator, title = (info or "").partition(" - ")
    if not separator:
        artist, title = "", artist
    artist = clean_text(artist)
    return Entry(position=position, title=clean_text(title), artists=[artist] if artist else [], spotify_id=spotify_id)

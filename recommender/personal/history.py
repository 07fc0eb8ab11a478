"""Reading Spotify account-data exports: streaming-history JSON files, alone or in the export's .zip.

Two layouts are understood: the basic ``StreamingHistory_music_*.json`` (``endTime``, ``artistName``,
``trackName``, ``msPlayed``) and the extended ``Streaming_History_Audio_*.json`` (``ts``, ``ms_played``,
``master_metadata_track_name``, ``master_metadata_album_artist_name``, ``spotify_track_uri``, …). Anything else
raises HistoryFormatError with a message meant for the listener. Zips are read member by member in memory,
never extracted, and refused when a member's path escapes the archive or the sizes look like a zip bomb.
"""

import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath

from django.conf import settings

BASIC_FIELDS = ("endTime", "artistName", "trackName", "msPlayed")
EXTENDED_FIELDS = ("ts", "ms_played")
# Members of an export zip that hold music history; the export's other files (podcasts, profile…) are ignored.
HISTORY_MEMBER = re.compile(r"(^|/)(StreamingHistory_music_?\d*|StreamingHistory\d*|Streaming_History_Audio_[^/]*)"
                            r"\.json$", re.IGNORECASE)
SPOTIFY_TRACK_URI = re.compile(r"^spotify:track:([A-Za-z0-9]{1,64})$")
READ_CHUNK = 1024 * 1024


class HistoryFormatError(ValueError):
    """The upload is not a streaming history we can read; the message says why, for the listener."""


@dataclass(frozen=True)
class HistoryRow:
    played_at: datetime
    ms_played: int
    artist: str
    title: str
    spotify_id: str | None


def read_upload(path, filename):
    """All HistoryRows of an uploaded .json or .zip (by content, not by name); raises HistoryFormatError."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK"):
        return list(_read_zip(path))
    try:
        with open(path, "rb") as handle:
            return parse_history(handle.read(), filename)
    except MemoryError:
        raise HistoryFormatError(f"{filename} is too large to read.") from None


def _read_zip(path):
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise HistoryFormatError("The file is not a valid zip archive.") from None
    with archive:
        members = archive.infolist()
        if len(members) > settings.PERSONAL_ZIP_MAX_MEMBERS:
            raise HistoryFormatError(f"The zip holds {len(members)} files; at most "
                                     f"{settings.PERSONAL_ZIP_MAX_MEMBERS} are accepted.")
        declared = 0
        for member in members:
            check_member_name(member.filename)
            declared += member.file_size
            if member.compress_size and member.file_size / member.compress_size > settings.PERSONAL_ZIP_MAX_RATIO:
                raise HistoryFormatError(f"{member.filename} expands more than {settings.PERSONAL_ZIP_MAX_RATIO}×: "
                                         f"refused as a possible zip bomb.")
        if declared > settings.PERSONAL_ZIP_MAX_UNCOMPRESSED_BYTES:
            raise HistoryFormatError("The zip expands to more than "
                                     f"{settings.PERSONAL_ZIP_MAX_UNCOMPRESSED_BYTES // 1024 ** 2} MB: refused.")
        history = [member for member in members if not member.is_dir() and HISTORY_MEMBER.search(member.filename)]
        if not history:
            raise HistoryFormatError("The zip holds no StreamingHistory_music_*.json or "
                                     "Streaming_History_Audio_*.json file.")
        budget = settings.PERSONAL_ZIP_MAX_UNCOMPRESSED_BYTES
        for member in history:
            # The declared sizes can lie: count what really comes out and stop at the budget.
            data = bytearray()
            with archive.open(member) as stream:
                while chunk := stream.read(READ_CHUNK):
                    data += chunk
                    budget -= len(chunk)
                    if budget < 0 or len(data) > max(member.file_size, 1) * 2 + READ_CHUNK:
                        raise HistoryFormatError("The zip expands beyond its declared size: refused as a "
                                                 "possible zip bomb.")
            yield from parse_history(bytes(data), member.filename)


def check_member_name(name):
    """Refuse absolute paths, ``..`` parts, drive letters and backslashes in a zip member's name."""
    path = PurePosixPath(name.replace("\\", "/"))
    if "\\" in name or path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        raise HistoryFormatError(f"The zip contains an unsafe path ({name[:80]!r}): refused.")


def parse_history(data, filename):
    """HistoryRows of one streaming-history JSON document; raises HistoryFormatError for anything else."""
    try:
        rows = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HistoryFormatError(f"{filename} is not valid JSON ({error}).") from None
    if not isinstance(rows, list):
        raise HistoryFormatError(f"{filename} is not a streaming history: expected a JSON list of plays.")
    parsed = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise HistoryFormatError(f"{filename}, entry {number}: expected an object.")
        if all(name in row for name in BASIC_FIELDS):
            parsed.append(_basic_row(row, filename, number))
        elif all(name in row for name in EXTENDED_FIELDS):
            extended = _extended_row(row, filename, number)
            if extended is not None:
                parsed.append(extended)
        else:
            raise HistoryFormatError(
                f"{filename}, entry {number}: not a Spotify streaming-history entry (expected "
                f"{', '.join(BASIC_FIELDS)} or {', '.join(EXTENDED_FIELDS)}, master_metadata_track_name…).")
    return parsed


def _ms(value, filename, number):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise HistoryFormatError(f"{filename}, entry {number}: the milliseconds played must be a whole number.")
    return min(value, 2**31 - 1)


def _time(value, filename, number, formats):
    if isinstance(value, str):
        for form in formats:
            try:
                parsed = datetime.strptime(value, form)
            except ValueError:
                continue
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise HistoryFormatError(f"{filename}, entry {number}: unreadable time {str(value)[:40]!r}.")


def _text(value, filename, number, field):
    if not isinstance(value, str):
        raise HistoryFormatError(f"{filename}, entry {number}: {field} must be text.")
    return value.strip()[:500]


def _basic_row(row, filename, number):
    return HistoryRow(played_at=_time(row["endTime"], filename, number, ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")),
                      ms_played=_ms(row["msPlayed"], filename, number),
                      artist=_text(row["artistName"], filename, number, "artistName"),
                      title=_text(row["trackName"], filename, number, "trackName"), spotify_id=None)


def _extended_row(row, filename, number):
    title = row.get("master_metadata_track_name")
    if title is None:  # podcast episodes, audiobooks and unavailable tracks carry no track name
        return None
    uri = row.get("spotify_track_uri") or ""
    match = SPOTIFY_TRACK_URI.match(uri) if isinstance(uri, str) else None
    return HistoryRow(played_at=_time(row["ts"], filename, number, ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z")),
                      ms_played=_ms(row["ms_played"], filename, number),
                      artist=_text(row.get("master_metadata_album_artist_name") or "", filename, number,
                                   "master_metadata_album_artist_name"),
                      title=_text(title, filename, number, "master_metadata_track_name"),
                      spotify_id=match.group(1) if match else None)

"""Reading Spotify account-data exports: streaming-history JSON files, alone or in the export's .zip.

Two layouts are understood: the basic ``StreamingHistory_music_*.json`` (``endTime``, ``artistName``,
``trackName``, ``msPlayed``) and the extended ``Streaming_History_Audio_*.json`` (``ts``, ``ms_played``,
``master_metadata_track_name``, ``master_metadata_album_artist_name``, ``spotify_track_uri``, …).

Files are streamed (ijson's event parser, never the whole document in memory, no recursion, so deep nesting
costs nothing) and yield one HistoryRow per good entry and one RejectedRow per bad one, which names the entry
and the problem ("entry 3: the text contains a NUL character"): a bad row is skipped, not the upload. What makes
the whole file unreadable (not JSON, not a list, a damaged or lying zip) raises HistoryFormatError. Zips are read
member by member, never extracted, and refused when a member's path escapes the archive or the sizes look like a
zip bomb. Every value is checked against what the database and the app can hold (``PLAYED_FROM`` to now + 1 day,
``MAX_MS_PLAYED``).
"""

import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath

import ijson
from django.conf import settings
from django.utils import timezone

BASIC_FIELDS = ("endTime", "artistName", "trackName", "msPlayed")
EXTENDED_FIELDS = ("ts", "ms_played")
# Members of an export zip that hold music history; the export's other files (podcasts, profile…) are ignored.
HISTORY_MEMBER = re.compile(r"(^|/)(StreamingHistory_music_?\d*|StreamingHistory\d*|Streaming_History_Audio_[^/]*)"
                            r"\.json$", re.IGNORECASE)
SPOTIFY_TRACK_URI = re.compile(r"^spotify:track:([A-Za-z0-9]{1,64})$")
READ_CHUNK = 1024 * 1024
# Spotify launched in 2006: an earlier play is a broken clock. Later than tomorrow (any time zone) is too.
PLAYED_FROM = datetime(2006, 1, 1, tzinfo=UTC)
PLAYED_UNTIL_AHEAD = timedelta(days=1)
MAX_MS_PLAYED = 2**31 - 1  # what Play.ms_played (a PositiveIntegerField) holds
MAX_TEXT = 500
NESTED = object()  # stands for an object or list value inside an entry, which no field of ours may be


class HistoryFormatError(ValueError):
    """The upload is not a streaming history we can read; the message says why, for the listener."""


@dataclass(frozen=True, slots=True)
class HistoryRow:
    played_at: datetime
    ms_played: int
    artist: str
    title: str
    spotify_id: str | None


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """An entry skipped as unusable; ``str()`` says which and why."""

    filename: str
    number: int
    problem: str

    def __str__(self):
        return f"{self.filename}, entry {self.number}: {self.problem}"


class _RowProblem(ValueError):
    pass


def read_upload(path, filename):
    """HistoryRows and RejectedRows of an uploaded .json or .zip (by content, not by name), streamed.

    Raises HistoryFormatError (possibly after some rows were yielded) when the file as a whole is unreadable.
    """
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK"):
        yield from _read_zip(path)
        return
    with open(path, "rb") as handle:
        yield from parse_history(handle, filename)


def _read_zip(path):
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
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
        budget = _Budget(settings.PERSONAL_ZIP_MAX_UNCOMPRESSED_BYTES)
        for member in history:
            try:
                with archive.open(member) as stream:
                    yield from parse_history(_Bounded(stream, member.file_size, budget), member.filename)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
                # The sizes or checksums in the zip's directory lie (or the file is cut short).
                raise HistoryFormatError(f"{member.filename} in the zip is damaged or its recorded sizes are "
                                         f"wrong ({error}): refused.") from None


class _Budget:
    def __init__(self, remaining):
        self.remaining = remaining


class _Bounded:
    """A zip member's stream that refuses to give more than its declared size (×2) or the zip's whole budget."""

    def __init__(self, stream, declared, budget):
        self.stream, self.budget = stream, budget
        self.left = max(declared, 1) * 2 + READ_CHUNK

    def read(self, size=READ_CHUNK):
        chunk = self.stream.read(size)
        self.left -= len(chunk)
        self.budget.remaining -= len(chunk)
        if self.left < 0 or self.budget.remaining < 0:
            raise HistoryFormatError("The zip expands beyond its declared size: refused as a possible zip bomb.")
        return chunk


def check_member_name(name):
    """Refuse absolute paths, ``..`` parts, drive letters and backslashes in a zip member's name."""
    path = PurePosixPath(name.replace("\\", "/"))
    if "\\" in name or path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        raise HistoryFormatError(f"The zip contains an unsafe path ({name[:80]!r}): refused.")


def parse_history(stream, filename):
    """HistoryRows and RejectedRows of one streaming-history JSON document read from a binary ``stream``."""
    number = 0
    try:
        for number, entry in _entries(stream, filename):
            try:
                row = _row(entry)
            except _RowProblem as problem:
                yield RejectedRow(filename, number, str(problem))
            else:
                if row is not None:
                    yield row
    except ijson.JSONError as error:
        where = f" after entry {number}" if number else ""
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise HistoryFormatError(f"{filename} is not valid JSON{where} ({reason}).") from None


def _entries(stream, filename):
    """(number, dict or None) per element of the top-level list; nested values inside an entry become NESTED."""
    events = ijson.basic_parse(stream, use_float=False)
    first = next(events, None)
    if first is None or first[0] != "start_array":
        for _event in events:  # invalid JSON is said to be invalid JSON, not "not a list"
            pass
        raise HistoryFormatError(f"{filename} is not a streaming history: expected a JSON list of plays.")
    number = 0
    for event, _value in events:
        if event == "end_array":
            break
        number += 1
        if event == "start_map":
            yield number, _read_map(events)
        else:
            if event == "start_array":
                _skip(events)
            yield number, None
    for _event in events:  # nothing may follow the list; ijson raises on trailing garbage
        pass


def _read_map(events):
    entry, key = {}, None
    for event, value in events:
        if event == "end_map":
            return entry
        if event == "map_key":
            key = value
        elif event in ("start_map", "start_array"):
            _skip(events)
            entry[key] = NESTED
        else:
            entry[key] = value
    return entry


def _skip(events):
    """Consume one object or list whose start event was just read, however deep, without building it."""
    depth = 1
    for event, _value in events:
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                return


def _row(entry):
    if entry is None:
        raise _RowProblem("expected an object.")
    if all(name in entry for name in BASIC_FIELDS):
        return HistoryRow(played_at=_time(entry["endTime"], ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")),
                          ms_played=_ms(entry["msPlayed"]),
                          artist=_text(entry["artistName"], "artistName"),
                          title=_text(entry["trackName"], "trackName"), spotify_id=None)
    if all(name in entry for name in EXTENDED_FIELDS):
        title = entry.get("master_metadata_track_name")
        if title is None:  # podcast episodes, audiobooks and unavailable tracks carry no track name
            return None
        uri = entry.get("spotify_track_uri") or ""
        match = SPOTIFY_TRACK_URI.match(uri) if isinstance(uri, str) else None
        return HistoryRow(played_at=_time(entry["ts"], ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z")),
                          ms_played=_ms(entry["ms_played"]),
                          artist=_text(entry.get("master_metadata_album_artist_name") or "",
                                       "master_metadata_album_artist_name"),
                          title=_text(title, "master_metadata_track_name"),
                          spotify_id=match.group(1) if match else None)
    raise _RowProblem(f"not a Spotify streaming-history entry (expected {', '.join(BASIC_FIELDS)} or "
                      f"{', '.join(EXTENDED_FIELDS)}, master_metadata_track_name…).")


def _ms(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _RowProblem("the milliseconds played must be a whole number.")
    if value > MAX_MS_PLAYED:
        raise _RowProblem(f"{value:.3g} milliseconds played is more than the {MAX_MS_PLAYED:,} a play can last.")
    return value


def _time(value, formats):
    if not isinstance(value, str) or len(value) > 40:
        raise _RowProblem("unreadable time (expected text like 2024-03-01 20:15).")
    for form in formats:
        try:
            parsed = datetime.strptime(value, form)
        except ValueError:
            continue
        latest = timezone.now() + PLAYED_UNTIL_AHEAD
        try:
            played_at = parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
            played_at = None
        if played_at is None or not PLAYED_FROM <= played_at <= latest:
            raise _RowProblem(f"the time {value!r} is outside {PLAYED_FROM:%Y-%m-%d} to "
                              f"{latest:%Y-%m-%d} (a play can't be before Spotify or in the future).")
        return played_at
    raise _RowProblem(f"unreadable time {value!r}.")


def _text(value, field):
    if not isinstance(value, str):
        raise _RowProblem(f"{field} must be text.")
    if "\x00" in value:
        raise _RowProblem(f"{field}: the text contains a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _RowProblem(f"{field}: the text contains an invalid character (a lone UTF-16 surrogate).") from None
    return value.strip()[:MAX_TEXT]

"""Read Spotify track CSVs into clean, merged TrackRecords.

Two column layouts are understood: the Spotify Tracks Dataset (``track_id, artists, album_name,
track_name, popularity, duration_ms, explicit, <12 features>, track_genre``) and TidyTuesday's
``spotify_songs.csv`` (``track_id, track_name, track_artist, track_popularity, track_album_*,
playlist_name, playlist_id, playlist_genre, playlist_subgenre, <11 features>, duration_ms``).

TidyTuesday's rows are (playlist, track) pairs: its playlist columns become ``PlaylistRecord``s with their ordered
members, never the tracks' genres (a playlist's label copied onto its tracks would let every model read off
playlist membership). A feature a file does not have is ``None`` in the record and never overwrites a stored value.
"""

import csv
import gzip
import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .dataset_finder import SPOTIFY_TRACKS_COLUMNS
from .models import AUDIO_FEATURES, VALUE_BOUNDS

INTEGER_FIELDS = {"key", "mode", "time_signature", "popularity", "duration_ms"}


class DatasetError(Exception):
    """The file as a whole can't be imported (missing, unreadable, wrong columns, bad checksum)."""


class RowError(ValueError):
    """One row is malformed; it is reported with its line number and skipped."""


@dataclass
class TrackRecord:
    spotify_id: str
    name: str
    artists: list
    album_name: str = ""
    album_spotify_id: str = ""
    album_release_date: str = ""
    popularity: int | None = None
    duration_ms: int | None = None
    explicit: bool | None = None  # None: the file does not say (TidyTuesday)
    features: dict = field(default_factory=dict)
    genres: list = field(default_factory=list)
    line: int = 0

    def merge(self, other):
        """Fold a duplicate row of the same track in: genres are unioned, first values kept."""
        for genre in other.genres:
            if genre not in self.genres:
                self.genres.append(genre)


@dataclass
class PlaylistRecord:
    """One playlist of a file: its id there, name, the commonest genre/subgenre label, members in file order."""

    external_id: str
    name: str
    spotify_ids: list = field(default_factory=list)
    labels: Counter = field(default_factory=Counter)  # (genre, subgenre) -> rows

    @property
    def genre(self):
        return self.labels.most_common(1)[0][0][0] if self.labels else ""

    @property
    def subgenre(self):
        return self.labels.most_common(1)[0][0][1] if self.labels else ""


@dataclass
class RowProblem:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


@dataclass
class Layout:
    name: str
    required: tuple

    def parse(self, row):
        raise NotImplementedError

    def playlist_entry(self, row):
        """(playlist id, name, genre, subgenre) when the row places its track in a playlist, else None."""
        return None


def _text(row, column):
    return (row.get(column) or "").strip()


def _number(name, raw):
    raw = raw.strip()
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise RowError(f"{name} is not a number: {raw!r}") from None
    if math.isnan(value) or math.isinf(value):
        raise RowError(f"{name} is not a finite number: {raw!r}")
    if name in INTEGER_FIELDS:
        if not value.is_integer():
            raise RowError(f"{name} must be a whole number: {raw!r}")
        value = int(value)
    low, high = VALUE_BOUNDS[name]
    if not low <= value <= high:
        raise RowError(f"{name} {raw} is outside {low}..{high}")
    return value


def _boolean(raw):
    value = raw.strip().lower()
    if value in ("true", "1", "yes", "t"):
        return True
    if value in ("false", "0", "no", "f", ""):
        return False
    raise RowError(f"explicit is not a boolean: {raw!r}")


def _common(row, spotify_id_column, name_column):
    spotify_id = _text(row, spotify_id_column)
    name = _text(row, name_column)
    if not spotify_id:
        raise RowError("missing track_id")
    if len(spotify_id) > 64 or any(c.isspace() for c in spotify_id):
        raise RowError(f"invalid track_id {spotify_id!r}")
    if not name:
        raise RowError("missing track name")
    features = {feature: _number(feature, row.get(feature) or "") for feature in AUDIO_FEATURES}
    return spotify_id, name[:500], features


class SpotifyTracksLayout(Layout):
    def parse(self, row):
        spotify_id, name, features = _common(row, "track_id", "track_name")
        artists = []
        for artist in _text(row, "artists").split(";"):
            artist = artist.strip()[:300]
            if artist and artist not in artists:
                artists.append(artist)
        genre = _text(row, "track_genre").lower()
        return TrackRecord(
            spotify_id=spotify_id,
            name=name,
            artists=artists,
            album_name=_text(row, "album_name")[:500],
            popularity=_number("popularity", row.get("popularity") or ""),
            duration_ms=_number("duration_ms", row.get("duration_ms") or ""),
            explicit=_boolean(row.get("explicit") or ""),
            features=features,
            genres=[genre[:100]] if genre else [],
        )


class TidyTuesdayLayout(Layout):
    def parse(self, row):
        spotify_id, name, features = _common(row, "track_id", "track_name")
        artist = _text(row, "track_artist")[:300]
        return TrackRecord(
            spotify_id=spotify_id,
            name=name,
            artists=[artist] if artist else [],
            album_name=_text(row, "track_album_name")[:500],
            album_spotify_id=_text(row, "track_album_id")[:64],
            album_release_date=_text(row, "track_album_release_date")[:10],
            popularity=_number("popularity", row.get("track_popularity") or ""),
            duration_ms=_number("duration_ms", row.get("duration_ms") or ""),
            features=features,
        )

    def playlist_entry(self, row):
        external_id = _text(row, "playlist_id")[:64]
        if not external_id:
            return None
        return (external_id, _text(row, "playlist_name")[:300] or external_id,
                _text(row, "playlist_genre").lower()[:100], _text(row, "playlist_subgenre").lower()[:100])


LAYOUTS = (
    SpotifyTracksLayout(
        "Spotify Tracks Dataset",
        SPOTIFY_TRACKS_COLUMNS[1:],  # all but the row number
    ),
    TidyTuesdayLayout(
        "TidyTuesday spotify_songs",
        ("track_id", "track_name", "track_artist", "track_popularity", "track_album_id", "track_album_name",
         # TidyTuesday's file has no time_signature (the index imputes it); playlist_id/_name are read when present.
         "playlist_genre", *(f for f in AUDIO_FEATURES if f != "time_signature"), "duration_ms"),
    ),
)


def detect_layout(header):
    """Pick the layout whose required columns the header has, or say which columns are missing."""
    columns = {column.strip() for column in header if column}
    for layout in LAYOUTS:
        if set(layout.required) <= columns:
            return layout
    closest = max(LAYOUTS, key=lambda layout: len(set(layout.required) & columns) / len(layout.required))
    missing = [column for column in closest.required if column not in columns]
    raise DatasetError(f"unrecognised columns: missing {', '.join(missing)} for the {closest.name} layout")


def open_text(path):
    """Open a CSV as text, transparently un-gzipping it."""
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"no such file: {path}")
    if path.is_dir():
        raise DatasetError(f"{path} is a directory, not a CSV file")
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    raw = gzip.open(path, "rb") if gzipped else path.open("rb")
    # Undecodable bytes become lone surrogates, so the row holding them is reported and skipped, not the file.
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")


_UNREADABLE = re.compile("[\x00\udc80-\udcff]")


def _unreadable(values):
    """Why a row's raw text can't be trusted (NUL byte, bytes that aren't UTF-8), or None."""
    found = _UNREADABLE.search("".join(values))
    if found is None:
        return None
    return "contains a NUL byte" if found.group() == "\x00" else "contains bytes that are not UTF-8"


@dataclass
class ReadResult:
    records: dict  # spotify_id -> TrackRecord, duplicates merged
    rows: int = 0
    duplicates: int = 0
    problems: list = field(default_factory=list)
    empty_rows: list = field(default_factory=list)  # RowProblems of blank lines and all-empty rows, ignored
    layout: str = ""
    playlists: dict = field(default_factory=dict)  # external id -> PlaylistRecord, in order of first appearance
    # spotify id -> the genre/subgenre labels of the playlists it sits in (what older imports stored as its genres)
    playlist_labels: dict = field(default_factory=dict)

    def add_to_playlist(self, entry, spotify_id):
        external_id, name, genre, subgenre = entry
        playlist = self.playlists.setdefault(external_id, PlaylistRecord(external_id=external_id, name=name))
        playlist.spotify_ids.append(spotify_id)  # duplicates are kept here and reported when stored
        playlist.labels[(genre, subgenre)] += 1
        self.playlist_labels.setdefault(spotify_id, set()).update(label for label in (genre, subgenre) if label)


def read_tracks(path):
    """Read a whole CSV, returning merged records and per-line problems; raise DatasetError if unusable."""
    result = ReadResult(records={})
    try:
        with open_text(path) as handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
            except StopIteration:
                raise DatasetError(f"{path} is empty") from None
            header = [column.strip() for column in header]
            if _unreadable(header):
                raise DatasetError(f"{path} is not a readable UTF-8 CSV: its header {_unreadable(header)}")
            layout = detect_layout(header)
            result.layout = layout.name
            width = len(header)
            last_line = reader.line_num
            for values in reader:
                line = last_line + 1
                last_line = reader.line_num
                if not any(value.strip() for value in values):
                    # Not a track, so not a bad row either: counted and reported, never imported.
                    result.empty_rows.append(RowProblem(line, "empty row"))
                    continue
                result.rows += 1
                unreadable = _unreadable(values)
                if unreadable:
                    result.problems.append(RowProblem(line, unreadable))
                    continue
                if len(values) != width:
                    result.problems.append(RowProblem(line, f"expected {width} fields, found {len(values)}"))
                    continue
                try:
                    row = dict(zip(header, values, strict=True))
                    record = layout.parse(row)
                except RowError as error:
                    result.problems.append(RowProblem(line, str(error)))
                    continue
                record.line = line
                entry = layout.playlist_entry(row)
                if entry is not None:
                    result.add_to_playlist(entry, record.spotify_id)
                existing = result.records.get(record.spotify_id)
                if existing is None:
                    result.records[record.spotify_id] = record
                else:
                    existing.merge(record)
                    result.duplicates += 1
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as error:
        raise DatasetError(f"{path} is not a readable UTF-8 CSV: {error}") from None
    except csv.Error as error:
        raise DatasetError(f"{path} is not valid CSV near line {last_line + 1}: {error}") from None
    return result

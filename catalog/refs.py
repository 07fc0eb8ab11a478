"""Lightweight tracks for lists: plain queries instead of model instances and prefetches.

Similar-track lists and search results are the hottest reads in songrec; building full Track models with
prefetched credits and genres for ten or twenty rows costs more than the lookup itself (issue 14), so a list's
tracks and their credits come in one joined query: ``TrackRef`` (what a list item links to) or ``TrackRow``
(what a search result shows: album, genres, popularity, audio features too). The queries are written out
(``songrec.lib.sql``): through the ORM the same read cost the web worker three times the CPU.
"""

from dataclasses import dataclass, field

from songrec.lib.links import object_url
from songrec.lib.sql import fetch_rows, one_of

from .models import AUDIO_FEATURES, Album, Artist, Genre, Track, TrackArtist, TrackGenre
from .songs import song_of


@dataclass
class ArtistRef:
    id: int
    name: str
    spotify_id: str | None

    def get_absolute_url(self):
        return object_url("catalog:artist", self.id)


@dataclass
class TrackRef:
    id: int
    spotify_id: str
    name: str
    hidden: bool
    artists: list = field(default_factory=list)
    song_key: str = ""  # as the catalog has it now (a song merged since an index build already counts once)

    @property
    def pk(self):
        return self.id

    @property
    def song(self):
        """What deduplication compares (catalog.songs.song_of)."""
        return song_of(self.id, self.song_key)

    @property
    def artist_names(self):
        return ", ".join(artist.name for artist in self.artists)

    def get_absolute_url(self):
        return object_url("catalog:track", self.spotify_id)


def track_refs(track_ids):
    """{track id: TrackRef} for the ids that exist (hidden ones included, flagged), artists in credit order."""
    ids = list({int(track_id) for track_id in track_ids})
    return _refs("t.id", ids) if ids else {}


def visible_refs_by_spotify_id(spotify_ids):
    """{track id: TrackRef} for the visible tracks among ``spotify_ids``."""
    spotify_ids = list({str(spotify_id) for spotify_id in spotify_ids})
    return _refs("t.spotify_id", spotify_ids, visible_only=True) if spotify_ids else {}


def visible_track_id(spotify_id):
    """The id of the visible track named ``spotify_id`` (``Track.objects.visible()``), or None: one fixed query
    for the similar API's seed (its ORM lookup cost ~1 ms of Python a request)."""
    rows = fetch_rows(f"SELECT id FROM {Track._meta.db_table} WHERE spotify_id = %s AND NOT hidden ORDER BY id LIMIT 1",
                      [str(spotify_id)])
    return rows[0][0] if rows else None


_TRACKS_WITH_CREDITS = (
    f"FROM {Track._meta.db_table} t LEFT JOIN {TrackArtist._meta.db_table} c ON c.track_id = t.id "
    f"LEFT JOIN {Artist._meta.db_table} a ON a.id = c.artist_id")


def _refs(column, values, visible_only=False):
    """TrackRefs, the tracks and their credits in one query (songrec.lib.sql: a fixed text, no ORM)."""
    condition, params = one_of(column, values)
    rows = fetch_rows(
        "SELECT t.id, t.spotify_id, t.name, t.hidden, t.song_key, c.artist_id, a.name, a.spotify_id "
        f"{_TRACKS_WITH_CREDITS} WHERE {condition}{' AND NOT t.hidden' if visible_only else ''} "
        "ORDER BY t.id, c.position", params)
    return _with_credits(rows, lambda columns: TrackRef(
        columns[0], columns[1], columns[2], bool(columns[3]), song_key=columns[4]))


def _with_credits(rows, make):
    """{track id: track} from rows of a track's columns then one credit (artist id, name, Spotify id), a track's
    rows together in credit order: ``make(track columns)`` builds each track once, its credits are appended."""
    tracks = {}
    for row in rows:
        track = tracks.get(row[0])
        if track is None:
            track = tracks[row[0]] = make(row[:-3])
        artist_id, artist_name, artist_spotify_id = row[-3:]
        if artist_id is not None:
            track.artists.append(ArtistRef(artist_id, artist_name, artist_spotify_id))
    return tracks


@dataclass
class AlbumRef:
    name: str
    id: int | None = None
    spotify_id: str | None = None
    release_date: str = ""
    artist_id: int | None = None
    artist: ArtistRef | None = None  # not read here: the Spotify-compatible API fills it in
    image_url: str = ""  # cover art (catalog.covers)

    @property
    def pk(self):
        return self.id


@dataclass
class TrackRow(TrackRef):
    """A track as search results show it, read like a ``Track`` by templates and ``TrackSerializer``."""

    album: AlbumRef | None = None
    popularity: int | None = None
    duration_ms: int | None = None
    explicit: bool = False
    features: dict = field(default_factory=dict)
    genre_names: list = field(default_factory=list)
    isrc: str = ""

    @property
    def ordered_artists(self):
        return self.artists

    def feature_values(self):
        return self.features


ROW_COLUMNS = ("t.id", "t.spotify_id", "t.name", "t.hidden", "b.name", "b.id", "b.spotify_id", "b.release_date",
               "b.artist_id", "b.image_url", "t.popularity", "t.duration_ms", "t.explicit", "t.isrc",
               *(f"t.{name}" for name in AUDIO_FEATURES))


def _track_row(columns):
    """A TrackRow from one row of ``ROW_COLUMNS``."""
    (track_id, spotify_id, name, hidden, album, album_id, album_spotify_id, release_date, album_artist_id,
     album_image, popularity, duration_ms, explicit, isrc, *features) = columns
    album = None if album_id is None else AlbumRef(album, album_id, album_spotify_id, release_date or "",
                                                   album_artist_id, image_url=album_image or "")
    return TrackRow(track_id, spotify_id, name, bool(hidden), album=album, popularity=popularity,
                    duration_ms=duration_ms, explicit=bool(explicit), isrc=isrc or "",
                    features=dict(zip(AUDIO_FEATURES, features, strict=True)))


def visible_rows(track_ids=(), *, spotify_ids=None, with_genres=True):
    """{track id: TrackRow} for the visible tracks among ``track_ids`` (or ``spotify_ids``): tracks with their album
    and credits in one query, then (``with_genres``) their genres in a second (songrec.lib.sql: fixed texts)."""
    if spotify_ids is not None:
        column, ids = "t.spotify_id", list({str(spotify_id) for spotify_id in spotify_ids})
    else:
        column, ids = "t.id", list({int(track_id) for track_id in track_ids})
    if not ids:
        return {}
    condition, params = one_of(column, ids)
    values = fetch_rows(
        f"SELECT {', '.join(ROW_COLUMNS)}, c.artist_id, a.name, a.spotify_id {_TRACKS_WITH_CREDITS} "
        f"LEFT JOIN {Album._meta.db_table} b ON b.id = t.album_id WHERE {condition} AND NOT t.hidden "
        "ORDER BY t.id, c.position", params)
    rows = _with_credits(values, _track_row)
    if rows and with_genres:
        condition, params = one_of("g.track_id", list(rows))
        genres = fetch_rows(
            f"SELECT g.track_id, n.name FROM {TrackGenre._meta.db_table} g JOIN {Genre._meta.db_table} n "
            f"ON n.id = g.genre_id WHERE {condition} ORDER BY g.track_id, n.name", params)
        for track_id, genre in genres:
            rows[track_id].genre_names.append(genre)
    return rows


def credits_and_genres(track_id):
    """(ArtistRefs in credit order, genre names alphabetically) of one track, in one query: what a track page
    shows besides the track's own row (its template read them through two prefetches, issue 14)."""
    rows = fetch_rows(
        f"SELECT 0, c.position, a.id, a.name, a.spotify_id FROM {TrackArtist._meta.db_table} c "
        f"JOIN {Artist._meta.db_table} a ON a.id = c.artist_id WHERE c.track_id = %s "
        f"UNION ALL SELECT 1, 0, NULL, n.name, NULL FROM {TrackGenre._meta.db_table} g "
        f"JOIN {Genre._meta.db_table} n ON n.id = g.genre_id WHERE g.track_id = %s ORDER BY 1, 2, 4",
        [track_id, track_id])
    artists = [ArtistRef(artist_id, name, spotify_id) for kind, _, artist_id, name, spotify_id in rows if kind == 0]
    return artists, [name for kind, _, _, name, _ in rows if kind == 1]

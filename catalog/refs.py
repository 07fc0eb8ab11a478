"""Lightweight tracks for lists: plain queries instead of model instances and prefetches.

Similar-track lists and search results are the hottest reads in songrec; building full Track models with
prefetched credits and genres for ten or twenty rows costs more than the lookup itself (issue 14), so a list's
tracks and their credits come in one joined query: ``TrackRef`` (what a list item links to) or ``TrackRow``
(what a search result shows: album, genres, popularity, audio features too).
"""

from dataclasses import dataclass, field

from songrec.links import object_url

from .models import AUDIO_FEATURES, Track, TrackGenre
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
    return refs_of(Track.objects.filter(pk__in=ids)) if ids else {}


def refs_of(tracks):
    """{track id: TrackRef} for the tracks of a queryset, in one query (credits joined, not prefetched)."""
    refs = {}
    rows = tracks.order_by("id", "track_artists__position").values_list(
        "id", "spotify_id", "name", "hidden", "song_key",
        "track_artists__artist_id", "track_artists__artist__name", "track_artists__artist__spotify_id")
    for track_id, spotify_id, name, hidden, key, artist_id, artist_name, artist_spotify_id in rows:
        ref = refs.get(track_id)
        if ref is None:
            ref = refs[track_id] = TrackRef(track_id, spotify_id, name, hidden, song_key=key)
        if artist_id is not None:
            ref.artists.append(ArtistRef(artist_id, artist_name, artist_spotify_id))
    return refs


@dataclass
class AlbumRef:
    name: str


@dataclass
class TrackRow(TrackRef):
    """A track as search results show it, read like a ``Track`` by templates and ``TrackSerializer``."""

    album: AlbumRef | None = None
    popularity: int | None = None
    duration_ms: int | None = None
    explicit: bool = False
    features: dict = field(default_factory=dict)
    genre_names: list = field(default_factory=list)

    @property
    def ordered_artists(self):
        return self.artists

    def feature_values(self):
        return self.features


ROW_COLUMNS = ("id", "spotify_id", "name", "hidden", "album__name", "popularity", "duration_ms", "explicit",
               *AUDIO_FEATURES)


def rows_of(tracks):
    """{track id: TrackRow} for the tracks of a queryset: tracks with their credits joined, then their genres."""
    rows = {}
    features = slice(len(ROW_COLUMNS) - len(AUDIO_FEATURES), len(ROW_COLUMNS))
    credits = ("track_artists__artist_id", "track_artists__artist__name", "track_artists__artist__spotify_id")
    for values in tracks.order_by("id", "track_artists__position").values_list(*ROW_COLUMNS, *credits):
        row = rows.get(values[0])
        if row is None:
            track_id, spotify_id, name, hidden, album, popularity, duration_ms, explicit = values[:8]
            row = rows[track_id] = TrackRow(
                track_id, spotify_id, name, hidden, album=None if album is None else AlbumRef(album),
                popularity=popularity, duration_ms=duration_ms, explicit=explicit,
                features=dict(zip(AUDIO_FEATURES, values[features], strict=True)))
        artist_id, artist_name, artist_spotify_id = values[len(ROW_COLUMNS):]
        if artist_id is not None:
            row.artists.append(ArtistRef(artist_id, artist_name, artist_spotify_id))
    if rows:
        genres = TrackGenre.objects.filter(track_id__in=list(rows)).order_by("track_id", "genre__name")
        for track_id, genre in genres.values_list("track_id", "genre__name"):
            rows[track_id].genre_names.append(genre)
    return rows

"""Reads for the Spotify-compatible API: visible tracks (catalog.refs TrackRows, with their album's lead artist),
audio features, artists, albums, and the seed tracks that stand for artist and genre seeds. Hidden tracks are
never served."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max

from catalog.models import AUDIO_FEATURES, Album, Artist, Genre, Track, TrackGenre
from catalog.refs import ArtistRef, visible_rows
from catalog.songs import first_of_each_song, song_of
from recommender import storage
from recommender.models import IndexVersion
from songrec.lib.sql import fetch_rows, one_of

# Candidates tried when an artist or genre seed stands for its most popular track in the index.
SEED_CANDIDATES = 50


def tracks_by_spotify_id(spotify_ids: list[str]) -> dict:
    """{Spotify id: TrackRow} for the visible tracks among ``spotify_ids``, with album, album artist and credits."""
    rows = visible_rows(spotify_ids=spotify_ids, with_genres=False)
    return {row.spotify_id: row for row in _with_album_artists(rows).values()}


def tracks_by_pk(track_ids: list[int], with_genres: bool = False) -> dict:
    """{pk: TrackRow} for the visible tracks among ``track_ids`` (catalog.refs' one-query read: through the ORM
    the tracks of a recommendation cost /v1/recommendations more than the blend, bench/bench_spotify_api.py)."""
    return _with_album_artists(visible_rows(track_ids, with_genres=with_genres))


def _with_album_artists(rows: dict) -> dict:
    """Each row's ``album.artist``: usually one of its credits; the others in one query."""
    missing = set()
    for row in rows.values():
        if row.album is not None and row.album.artist_id is not None:
            row.album.artist = next((a for a in row.artists if a.id == row.album.artist_id), None)
            if row.album.artist is None:
                missing.add(row.album.artist_id)
    if missing:
        found = {pk: ArtistRef(pk, name, spotify_id) for pk, name, spotify_id in
                 Artist.objects.filter(pk__in=missing).values_list("pk", "name", "spotify_id")}
        for row in rows.values():
            if row.album is not None and row.album.artist is None and row.album.artist_id is not None:
                row.album.artist = found.get(row.album.artist_id)
    return rows


_FEATURE_COLUMNS = ", ".join(["spotify_id", "duration_ms", *AUDIO_FEATURES])


def audio_features(spotify_ids: list[str]) -> dict:
    """{Spotify id: {feature: value, "duration_ms": …}} for visible tracks that have every audio feature.

    One fixed SQL text (songrec.lib.sql): through the ORM, 100 ids were 100 placeholders, a new statement each
    time, and the read held /v1/audio-features near its 20 ms goal (bench/bench_spotify_api.py); tested equal to
    the ORM's answer."""
    condition, params = one_of("spotify_id", list(set(spotify_ids)))
    rows = fetch_rows(f"SELECT {_FEATURE_COLUMNS} FROM {Track._meta.db_table} WHERE {condition} AND NOT hidden",
                      params)
    found = {}
    for spotify_id, duration_ms, *values in rows:
        if None not in values:
            found[spotify_id] = {"duration_ms": duration_ms, **dict(zip(AUDIO_FEATURES, values, strict=True))}
    return found


@dataclass
class ArtistInfo:
    artist: Artist
    popularity: int
    genres: list = field(default_factory=list)


def artists_by_pk(artist_ids: list[int]) -> dict:
    """{pk: ArtistInfo}: popularity is the artist's own (from the crawl) or its most popular visible track's;
    genres are its own or its visible tracks' genres, most frequent first."""
    artists = {artist.pk: artist for artist in Artist.objects.filter(pk__in=set(artist_ids)).prefetch_related("genres")}
    if not artists:
        return {}
    best = dict(Track.objects.visible().filter(track_artists__artist_id__in=artists).order_by()
                .values("track_artists__artist_id").annotate(p=Max("popularity"))
                .values_list("track_artists__artist_id", "p"))
    counts: dict[int, Counter] = {pk: Counter() for pk in artists}
    genre_rows = TrackGenre.objects.filter(track__hidden=False, track__track_artists__artist_id__in=artists)
    for artist_id, name, n in (genre_rows
                               .order_by().values("track__track_artists__artist_id", "genre__name")
                               .annotate(n=Count("id")).values_list("track__track_artists__artist_id",
                                                                     "genre__name", "n")):
        counts[artist_id][name] += n
    infos = {}
    for pk, artist in artists.items():
        own = [genre.name for genre in artist.genres.all()]
        genres = own or [name for name, _ in sorted(counts[pk].items(), key=lambda item: (-item[1], item[0]))]
        popularity = artist.popularity if artist.popularity is not None else best.get(pk)
        infos[pk] = ArtistInfo(artist, int(popularity or 0), genres)
    return infos


def artist_top_tracks(artist_id: int, limit: int = 10) -> list:
    """The artist's most popular visible tracks (TrackRows), one release per song."""
    candidates = (Track.objects.visible().filter(track_artists__artist_id=artist_id).order_by("-popularity", "pk")
                  .values_list("pk", "song_key")[:4 * limit])
    pks = [pk for pk, _ in first_of_each_song(candidates, lambda row: song_of(*row), limit=limit)]
    rows = tracks_by_pk(pks)
    return [rows[pk] for pk in pks if pk in rows]


def album(album_id: int) -> Album | None:
    return Album.objects.select_related("artist").filter(pk=album_id).first()


def album_tracks(album_id: int, limit: int, offset: int) -> tuple[int, list]:
    """(visible tracks on the album, the page of them as TrackRows in catalog order)."""
    tracks = Track.objects.visible().filter(album_id=album_id).order_by("pk")
    pks = list(tracks.values_list("pk", flat=True)[offset:offset + limit])
    rows = tracks_by_pk(pks)
    return tracks.count(), [rows[pk] for pk in pks if pk in rows]


def album_popularity(album_id: int) -> int:
    return int(Track.objects.visible().filter(album_id=album_id).aggregate(p=Max("popularity"))["p"] or 0)


def available_genres() -> list[str]:
    """The genres of visible tracks, alphabetically: what ``seed_genres`` takes."""
    return list(Genre.objects.filter(track_genres__track__hidden=False).order_by("name").values_list("name", flat=True)
                .distinct())


def indexed_seed_track(version: IndexVersion, *, artist_id: int | None = None,
                       genre: str | None = None) -> int | None:
    """The most popular visible track of an artist or a genre that ``version`` indexed (None when it has none)."""
    tracks = Track.objects.visible()
    tracks = tracks.filter(track_artists__artist_id=artist_id) if artist_id is not None else \
        tracks.filter(genres__name=genre)
    candidates = list(tracks.order_by("-popularity", "pk").values_list("pk", flat=True)[:SEED_CANDIDATES])
    if not candidates:
        return None
    positions = storage.version_data(version.pk).positions(candidates)
    return next((pk for pk, position in zip(candidates, positions, strict=True) if position >= 0), None)


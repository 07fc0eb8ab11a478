"""Seeds of a generated playlist: Spotify ids and genre names → indexed track ids, and even sampling of long lists."""

from collections.abc import Sequence

import numpy as np

from catalog.models import Artist, Genre, Track
from catalog.songs import first_of_each_song, song_of

from .errors import UnknownSeed

# An artist seed stands for this many of its most popular indexed songs, a genre seed for its most popular ones.
TRACKS_PER_ARTIST = 5
TRACKS_PER_GENRE = 10
# Candidates read per artist or genre before keeping the indexed ones, one per song.
CANDIDATES = 60


def evenly_sampled(items: Sequence, count: int) -> list:
    """At most ``count`` of ``items``, spread evenly from the first to the last (all of them when few enough)."""
    items = list(items)
    if len(items) <= count:
        return items
    picks = np.unique(np.linspace(0, len(items) - 1, count).round().astype(int))
    return [items[i] for i in picks]


def visible_track_ids(spotify_ids: Sequence[str]) -> list[int]:
    """The visible tracks' pks for ``spotify_ids``, in order; UnknownSeed (404) for any other."""
    found = dict(Track.objects.visible().filter(spotify_id__in=list(spotify_ids)).values_list("spotify_id", "pk"))
    unknown = [spotify_id for spotify_id in spotify_ids if spotify_id not in found]
    if unknown:
        raise UnknownSeed(f"No track with id {', '.join(repr(i) for i in unknown)}.")
    return [found[spotify_id] for spotify_id in spotify_ids]


def _top_indexed(tracks, data, count: int) -> list[int]:
    rows = list(tracks.order_by("-popularity", "pk").values_list("pk", "song_key")[:CANDIDATES])
    if not rows:
        return []
    positions = data.positions([pk for pk, _ in rows])
    indexed = [row for row, position in zip(rows, positions, strict=True) if position >= 0]
    return [pk for pk, _ in first_of_each_song(indexed, lambda row: song_of(*row), limit=count)]


def artist_track_ids(spotify_ids: Sequence[str], data) -> list[int]:
    """Each artist's most popular indexed songs (TRACKS_PER_ARTIST each); UnknownSeed for an unknown artist or one
    with no indexed track."""
    artists = dict(Artist.objects.filter(spotify_id__in=list(spotify_ids)).values_list("spotify_id", "pk"))
    track_ids = []
    for spotify_id in spotify_ids:
        if spotify_id not in artists:
            raise UnknownSeed(f"No artist with id {spotify_id!r}.")
        top = _top_indexed(Track.objects.visible().filter(track_artists__artist_id=artists[spotify_id]), data,
                           TRACKS_PER_ARTIST)
        if not top:
            raise UnknownSeed(f"The artist {spotify_id!r} has no track in the index.")
        track_ids.extend(top)
    return track_ids


def genre_track_ids(names: Sequence[str], data) -> list[int]:
    """Each genre's most popular indexed songs (TRACKS_PER_GENRE each); UnknownSeed for a genre the catalog lacks."""
    known = dict(Genre.objects.filter(name__in=list(names)).values_list("name", "pk"))
    track_ids = []
    for name in names:
        top = _top_indexed(Track.objects.visible().filter(genres__pk=known[name]), data, TRACKS_PER_GENRE) \
            if name in known else []
        if not top:
            raise UnknownSeed(f"No genre {name!r} with tracks in the index.")
        track_ids.extend(top)
    return track_ids


def artists_tracks(spotify_ids: Sequence[str]) -> list[int]:
    """Every track (hidden ones too) of the artists, for leaving them out; UnknownSeed for an unknown artist."""
    artists = dict(Artist.objects.filter(spotify_id__in=list(spotify_ids)).values_list("spotify_id", "pk"))
    unknown = [spotify_id for spotify_id in spotify_ids if spotify_id not in artists]
    if unknown:
        raise UnknownSeed(f"No artist with id {', '.join(repr(i) for i in unknown)}.")
    return list(Track.objects.filter(track_artists__artist_id__in=artists.values()).values_list("pk", flat=True))

"""Read-side queries for catalog pages and the API."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from .artist_names import artist_ids_close_to, artist_ids_named
from .crawl.selectors import MISSING_ANY_FEATURE
from .models import Album, Artist, Genre, Track
from .refs import TrackRow, visible_rows
from .search import search_tracks
from .songs import first_of_each_song, normalise_text, song_of


def popular_tracks(limit: int = 12) -> list[Track]:
    """The most popular visible tracks, one release per song (the most popular one)."""
    candidates = list(Track.objects.visible().with_credits()[:4 * limit])
    return first_of_each_song(candidates, lambda track: song_of(track.pk, track.song_key), limit=limit)


def browse_tracks(genre: str | None = None) -> QuerySet[Track]:
    """The API's track listing: visible tracks (of ``genre``), most popular first, one release per song.

    A release is left out when another listed release of its song is more popular (or as popular with a lower
    id), so every song appears once on exactly one page and the page count agrees with the rows.
    """
    tracks = Track.objects.visible()
    if genre:
        tracks = tracks.filter(genres__name=genre)
    tracks = tracks.alias(rank_popularity=Coalesce("popularity", -1))
    # A track without a song key is nobody's release but its own (catalog.songs.song_of).
    better = tracks.order_by().exclude(song_key="").filter(song_key=OuterRef("song_key")).filter(
        Q(rank_popularity__gt=OuterRef("rank_popularity"))
        | Q(rank_popularity=OuterRef("rank_popularity"), pk__lt=OuterRef("pk")))
    return tracks.exclude(Exists(better)).with_credits()


def search_results(query: str, limit: int = 20) -> list[TrackRow]:
    """Visible tracks matching query (``TrackRow``s), best first, each with a ``search_score`` attribute."""
    hits = search_tracks(query, limit=limit)
    tracks = visible_rows([hit.track_id for hit in hits])
    results = []
    for hit in hits:
        track = tracks.get(hit.track_id)
        if track is not None:
            track.search_score = hit.shown
            results.append(track)
    return results


MAX_ARTIST_MATCHES = 3
ARTIST_TOP_TRACKS = 3


@dataclass
class ArtistMatch:
    """An artist whose name the query names, shown above the tracks with a few of their most popular songs."""

    artist: Artist
    exact: bool  # the query is the name (or the name without "The")
    top_tracks: list
    close: bool = False  # the query is the name with a typo ("beatels")


def matching_artists(query: str, limit: int = MAX_ARTIST_MATCHES) -> list:
    """Artists with visible tracks whose name is the query ("metallica", "beatles" for The Beatles), is the query
    give or take a typo ("beatels", "the beatels") or, for three letters or more, starts with it; exact names
    first, then typo'd ones (closest first), then the most popular."""
    text = " ".join((query or "").split())[:200]
    if len(text) < 2:
        return []
    named = artist_ids_named(text, prefix=len(text) >= 3)
    close = dict(artist_ids_close_to(text))
    if not named and not close:
        return []  # most searches: no query built (compiling the annotated one cost ~0.9 ms a search)
    candidates = (Artist.objects.filter(pk__in=[*named, *close])
                  .annotate(track_count=Count("tracks", filter=Q(tracks__hidden=False), distinct=True))
                  .filter(track_count__gt=0))
    folded = normalise_text(text)

    def is_exact(artist: Artist) -> bool:
        return normalise_text(artist.name) in (folded, f"the {folded}")

    def rank(artist: Artist) -> tuple:
        return (not is_exact(artist), -close.get(artist.pk, 0), -(artist.popularity or 0),
                -artist.track_count, artist.pk)  # type: ignore[attr-defined]  # annotated above

    ranked = sorted(candidates[:60], key=rank)
    return [ArtistMatch(artist, is_exact(artist), _top_tracks(artist),
                        close=artist.pk in close and not is_exact(artist)) for artist in ranked[:limit]]


def _top_tracks(artist: Artist) -> list[Track]:
    tracks = list(artist_tracks(artist).order_by("-popularity", "pk")[:4 * ARTIST_TOP_TRACKS])
    return first_of_each_song(tracks, lambda track: song_of(track.pk, track.song_key), limit=ARTIST_TOP_TRACKS)


def artists_with_track_counts() -> QuerySet[Artist]:
    return Artist.objects.annotate(track_count=Count("tracks", distinct=True)).prefetch_related("genres")


def artist_tracks(artist: Artist) -> QuerySet[Track]:
    return Track.objects.visible().with_credits().filter(artists=artist).distinct()


# An artist page lists at most this many songs (the most popular); the biggest artist in the dataset has ~600.
MAX_ARTIST_SONGS = 1000
TOP_SONGS = 5


@dataclass
class SongGroups:
    """An artist's or an album's songs, each once (its most popular release), grouped by album."""

    songs: list  # Tracks, most popular first
    albums: list  # [(Album or None, [Track])], the album of each song's most popular release, best album first
    genres: list  # genre names, the most frequent first

    @property
    def top(self) -> list:
        return self.songs[:TOP_SONGS]


def _song_groups(tracks: list[Track]) -> SongGroups:
    songs = first_of_each_song(tracks, lambda track: song_of(track.pk, track.song_key))
    groups: dict = {}
    for track in songs:
        groups.setdefault(track.album_id, (track.album, []))[1].append(track)
    counts: dict[str, int] = {}
    for track in songs:
        for name in track.genre_names:
            counts[name] = counts.get(name, 0) + 1
    return SongGroups(songs=songs, albums=list(groups.values()),
                      genres=sorted(counts, key=lambda name: (-counts[name], name))[:10])


def artist_songs(artist: Artist) -> SongGroups:
    """The artist's visible songs once each (a song on three albums shows on its most popular release's)."""
    return _song_groups(list(artist_tracks(artist).order_by("-popularity", "pk")[:MAX_ARTIST_SONGS * 2]))


def album_songs(album: Album) -> SongGroups:
    return _song_groups(list(Track.objects.visible().with_credits().filter(album=album)
                             .order_by("-popularity", "pk")[:MAX_ARTIST_SONGS]))


def catalog_counts() -> dict[str, int]:
    """How many tracks the catalog holds (visible, hidden, missing an audio feature), and artists, albums, genres."""
    tracks = Track.objects
    return {"tracks": tracks.count(), "visible": tracks.visible().count(), "hidden": tracks.filter(hidden=True).count(),
            "missing_features": tracks.filter(MISSING_ANY_FEATURE).count(), "artists": Artist.objects.count(),
            "albums": Album.objects.count(), "genres": Genre.objects.count()}

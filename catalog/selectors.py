"""Read-side queries for catalog pages and the API."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from .models import Artist, Track
from .refs import TrackRow, visible_rows
from .search import search_tracks
from .songs import first_of_each_song, song_of


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
            track.search_score = hit.score
            results.append(track)
    return results


def artists_with_track_counts() -> QuerySet[Artist]:
    return Artist.objects.annotate(track_count=Count("tracks", distinct=True)).prefetch_related("genres")


def artist_tracks(artist: Artist) -> QuerySet[Track]:
    return Track.objects.visible().with_credits().filter(artists=artist).distinct()


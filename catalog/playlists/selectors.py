"""Read playlists: ordered memberships (for training and evaluation), a playlist's tracks, counts per source."""

from collections.abc import Iterable

from django.db.models import Count

from .models import Playlist, PlaylistTrack


def playlist_memberships(*, sources: Iterable[str] | None = None, min_tracks: int = 1) -> dict[int, list[int]]:
    """Playlist pk → its track pks in playlist order, for playlists with at least ``min_tracks`` tracks.

    ``sources`` limits it to some of ``Playlist.Source`` (all sources by default). Hidden tracks are included:
    a playlist is human judgement whatever the catalog later shows.
    """
    entries = PlaylistTrack.objects.order_by("playlist_id", "position")
    if sources is not None:
        entries = entries.filter(playlist__source__in=list(sources))
    memberships: dict[int, list[int]] = {}
    for playlist_id, track_id in entries.values_list("playlist_id", "track_id").iterator(chunk_size=10_000):
        memberships.setdefault(playlist_id, []).append(track_id)
    return {pk: tracks for pk, tracks in memberships.items() if len(tracks) >= min_tracks}


def playlist_track_ids(playlist: Playlist) -> list[int]:
    """The playlist's track pks in order."""
    return list(playlist.entries.order_by("position").values_list("track_id", flat=True))


def playlist_counts_by_source() -> dict[str, int]:
    """How many playlists each source has stored."""
    return dict(Playlist.objects.values("source").annotate(n=Count("pk")).values_list("source", "n"))

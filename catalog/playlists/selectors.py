"""Read playlists: ordered memberships (for training and evaluation), a playlist's tracks, counts per source,
and who may see or change a playlist (the one rule pages, the API and exports share)."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count

from catalog.models import Track
from songrec.lib.errors import DomainError, NotFoundError

from .models import Playlist, PlaylistTrack

# Who asks: a signed-in user or an anonymous visitor.
Viewer = User | AnonymousUser


class NotYourPlaylist(DomainError):
    status_code = 403


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


def playlist_for_viewer(user: Viewer, pk: int) -> Playlist:
    """The playlist ``pk`` if ``user`` may see it, else ``NotFoundError`` (a private playlist is not admitted to).

    Anyone sees public and unlisted playlists and the curated/crawled ones; only the owner sees a private one.
    """
    playlist = Playlist.objects.filter(pk=pk).select_related("owner").first()
    if playlist is None or not can_view(user, playlist):
        raise NotFoundError(f"No playlist {pk}.")
    return playlist


def owned_playlist(user: Viewer, pk: int) -> Playlist:
    """The listener playlist ``pk`` for its owner to change: ``NotFoundError`` if ``user`` cannot see it,
    ``NotYourPlaylist`` (403) if they can but it is not theirs."""
    playlist = playlist_for_viewer(user, pk)
    if not user.is_authenticated or playlist.owner_id != user.pk:
        raise NotYourPlaylist("Only the playlist's owner can change it.")
    return playlist


def can_view(user: Viewer, playlist: Playlist) -> bool:
    if playlist.visibility != Playlist.Visibility.PRIVATE:
        return True
    return bool(user.is_authenticated and playlist.owner_id == user.pk)


def listener_playlists(user: Viewer) -> list[Playlist]:
    """``user``'s own playlists, most recently changed first, each with ``track_count``."""
    if not user.is_authenticated:
        return []
    return list(Playlist.objects.filter(owner=user).select_related("owner").annotate(track_count=Count("entries"))
                .order_by("-updated_at", "-pk"))


def with_track_count(playlist: Playlist) -> Playlist:
    """``playlist`` read again with its owner and ``track_count`` (every entry, hidden tracks too), in one query."""
    return Playlist.objects.select_related("owner").annotate(track_count=Count("entries")).get(pk=playlist.pk)


def playlist_choices(user: Viewer) -> list[tuple[int, str]]:
    """(pk, name) of ``user``'s playlists, most recently changed first: what "Add to playlist" offers (one query)."""
    if not user.is_authenticated:
        return []
    return list(Playlist.objects.filter(owner=user).order_by("-updated_at", "-pk").values_list("pk", "name"))


def visible_track_ids(spotify_ids: Iterable[str]) -> dict[str, int]:
    """Spotify id → track pk for the visible tracks among ``spotify_ids`` (a listener adds only what they can see)."""
    spotify_ids = list(dict.fromkeys(spotify_ids))
    return dict(Track.objects.visible().filter(spotify_id__in=spotify_ids).values_list("spotify_id", "pk"))


def track_id_in_playlist(playlist: Playlist, spotify_id: str) -> int:
    """The pk of the playlist's track with ``spotify_id`` (hidden ones too), else ``NotFoundError``."""
    track_id = (PlaylistTrack.objects.filter(playlist_id=playlist.pk, track__spotify_id=spotify_id)
                .values_list("track_id", flat=True).first())
    if track_id is None:
        raise NotFoundError("That track is not in this playlist.")
    return track_id

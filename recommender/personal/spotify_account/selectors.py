"""Reads of listeners' Spotify connections and privacy choices (never a token)."""

from typing import Any

from django.contrib.auth.models import User

from catalog.playlists.models import Playlist

from .models import PlaylistPrivacy, SpotifyConnection, SpotifyPlaylistLink


def connection_of(user: User) -> SpotifyConnection | None:
    if not user.is_authenticated:
        return None
    return SpotifyConnection.objects.filter(user=user).first()


def connection_export(user: User) -> list[dict[str, Any]]:
    """The connection's status for "download my data": who, what was granted, when; no tokens."""
    return [{"service": "spotify", "account": connection.spotify_user_id, "status": connection.status,
             "scopes": sorted(connection.scopes), "connected_at": connection.connected_at,
             "imported_at": connection.imported_at}
            for connection in SpotifyConnection.objects.filter(user=user)]


def private_playlists_in_model(user: User) -> bool:
    """Whether the recommender may learn from ``user``'s private playlists (yes unless they opted out)."""
    choice = PlaylistPrivacy.objects.filter(user=user).values_list("private_playlists_in_model", flat=True).first()
    return choice is None or choice


def opted_out_private_playlists() -> set[int]:
    """Ids of the private playlists whose owners opted out of the recommender learning from them."""
    opted_out = PlaylistPrivacy.objects.filter(private_playlists_in_model=False).values("user_id")
    return set(Playlist.objects.filter(owner_id__in=opted_out, visibility=Playlist.Visibility.PRIVATE)
               .values_list("pk", flat=True))


def playlist_link(playlist: Playlist) -> SpotifyPlaylistLink | None:
    return SpotifyPlaylistLink.objects.filter(playlist=playlist).first()

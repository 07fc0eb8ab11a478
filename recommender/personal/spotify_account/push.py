""""Save to Spotify": create the listener's playlist on their account the first time, replace its items after.

Spotify takes at most 100 items per request: the first 100 replace the playlist's items (PUT), the rest are
appended in batches of 100 (POST). The Spotify playlist's id is saved as soon as it is created, so a retry after a
rate limit or an outage updates that playlist instead of creating a second one; a playlist the listener deleted on
Spotify is created again. SpotifyBusy (429, 5xx, unreachable) propagates to the task, which retries the whole push:
replacing is idempotent.
"""

from django.utils import timezone

from catalog.playlists.models import Playlist

from .account import Account
from .errors import SpotifyBusy
from .gateway import NotFoundOnSpotify
from .models import SAVE_SCOPES, SpotifyConnection, SpotifyPlaylistLink, WorkStatus, store_fields
from .services import usable_connection

BATCH = 100


def track_uris(playlist: Playlist) -> list[str]:
    return [f"spotify:track:{spotify_id}" for spotify_id in
            playlist.entries.order_by("position").values_list("track__spotify_id", flat=True)]


def push_playlist(link_id: int) -> SpotifyPlaylistLink | None:
    """Send the playlist of link ``link_id`` to its owner's Spotify account; the link records the outcome.

    Returns the link (None when it is gone); raises SpotifyBusy when the push should be retried.
    """
    link = SpotifyPlaylistLink.objects.select_related("playlist").filter(pk=link_id).first()
    if link is None:
        return None
    store_fields(link, status=WorkStatus.RUNNING)
    try:
        connection = usable_connection(link.playlist.owner, SAVE_SCOPES)
        sent = _push(Account(connection), connection, link)
    except SpotifyBusy:
        raise
    except Exception as error:  # a DomainError says what to do; anything else is reported, not retried
        message = getattr(error, "message", None) or f"Saving failed unexpectedly ({type(error).__name__})."
        store_fields(link, status=WorkStatus.FAILED, message=message, finished_at=timezone.now())
        return link
    store_fields(link, status=WorkStatus.DONE, message="", tracks_sent=sent, finished_at=timezone.now())
    return link


def _push(account: Account, connection: SpotifyConnection, link: SpotifyPlaylistLink) -> int:
    playlist = link.playlist
    uris = track_uris(playlist)
    if link.spotify_user_id != connection.spotify_user_id:  # never saved, or saved on another account
        store_fields(link, spotify_playlist_id="", spotify_user_id=connection.spotify_user_id)
    for _attempt in range(2):
        if not link.spotify_playlist_id:
            created = account.call("creating the playlist", "current_user_playlist_create", playlist.name[:100],
                                   public=playlist.visibility == Playlist.Visibility.PUBLIC,
                                   description=playlist.description[:300])
            store_fields(link, spotify_playlist_id=created["id"])
        try:
            account.call("replacing the playlist's tracks", "playlist_replace_items", link.spotify_playlist_id,
                         uris[:BATCH])
        except NotFoundOnSpotify:  # deleted on Spotify: make it again
            store_fields(link, spotify_playlist_id="")
            continue
        for start in range(BATCH, len(uris), BATCH):
            account.call("adding the playlist's tracks", "playlist_add_items", link.spotify_playlist_id,
                         uris[start:start + BATCH])
        return len(uris)
    raise SpotifyBusy("Spotify lost the playlist just created; it will be retried.")


def note_waiting(link_id: int, message: str) -> None:
    SpotifyPlaylistLink.objects.filter(pk=link_id).update(status=WorkStatus.QUEUED, message=message)


def give_up(link_id: int, message: str) -> None:
    SpotifyPlaylistLink.objects.filter(pk=link_id).update(status=WorkStatus.FAILED, message=message,
                                                          finished_at=timezone.now())

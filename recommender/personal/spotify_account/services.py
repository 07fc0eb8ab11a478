"""Writes on a listener's Spotify account: start and finish the authorization (PKCE, state in the session, single
use), disconnect, queue "Save to Spotify" and "Import from Spotify", and the private-playlists choice.

Queued work goes through the outbox (``songrec.lib.outbox.enqueue``): recorded with the request's commit, so a
broker that is down only delays it, and the listener sees it waiting.
"""

import secrets
import time
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from catalog.playlists.models import Playlist
from catalog.playlists.selectors import owned_playlist
from songrec.lib.errors import DomainError
from songrec.lib.outbox import enqueue

from . import gateway
from .account import expires_at
from .errors import AuthorizationFailed, MissingScope, NeedsReconnect, NotConnected, StateRefused
from .models import IMPORT_SCOPES, SAVE_SCOPES, PlaylistPrivacy, SpotifyConnection, SpotifyPlaylistLink, WorkStatus
from .sealing import seal

SESSION_KEY = "spotify_oauth"
PENDING_SECONDS = 15 * 60  # an authorization not finished within this is refused
MAX_PENDING = 3  # authorizations started in other tabs stay valid, up to this many
PURPOSES = {"import": IMPORT_SCOPES, "save": SAVE_SCOPES}
PUSH_TASK = "recommender.personal.spotify_account.tasks.push_playlist"
IMPORT_TASK = "recommender.personal.spotify_account.tasks.import_from_spotify"
WAITING_FOR_BROKER = ("The task queue is unreachable right now, so this waits; it starts on its own as soon as the "
                      "queue is back. No need to press the button again.")
REMOVE_ON_SPOTIFY = ("Spotify offers apps no way to revoke access: to remove songrec from your account too, open "
                     "https://www.spotify.com/account/apps/ and choose “Remove access” beside songrec.")


def scope_for(user: User, purpose: str) -> str:
    """The scopes to ask for ``purpose`` ("import" or "save"), plus what the listener granted already."""
    if purpose not in PURPOSES:
        raise DomainError("Connect Spotify for “import” or “save”.", field="for")
    connection = SpotifyConnection.objects.filter(user=user, status=SpotifyConnection.Status.CONNECTED).first()
    granted = connection.scopes if connection is not None else set()
    return " ".join(sorted(granted | set(PURPOSES[purpose])))


def start_authorization(session: Any, user: User, *, purpose: str, redirect_uri: str,
                        then: dict[str, Any] | None = None) -> str:
    """The Spotify URL to send the listener to; the state and PKCE verifier wait in their session.

    ``then`` is what to do once connected (e.g. {"save": playlist id}), kept with the state.
    """
    scope = scope_for(user, purpose)
    state = secrets.token_urlsafe(32)
    url, verifier = gateway.new_verifier(redirect_uri, scope, state)
    now = time.time()
    pending = {key: entry for key, entry in session.get(SESSION_KEY, {}).items()
               if entry.get("user") == user.pk and entry.get("at", 0) > now - PENDING_SECONDS}
    for key in sorted(pending, key=lambda key: pending[key]["at"])[:max(0, len(pending) - MAX_PENDING + 1)]:
        del pending[key]
    pending[state] = {"verifier": verifier, "redirect_uri": redirect_uri, "scope": scope, "then": then,
                      "user": user.pk, "at": now}
    session[SESSION_KEY] = pending
    return url


def finish_authorization(session: Any, user: User, *, state: str | None, code: str | None,
                         error: str | None) -> tuple[SpotifyConnection, dict[str, Any] | None]:
    """Check the callback's state (each state works once), exchange the code with its verifier, store the
    connection. Returns (connection, what to do next). A wrong, missing, expired or replayed state raises
    StateRefused before anything is sent or stored."""
    pending = dict(session.get(SESSION_KEY, {}))
    entry = pending.pop(state, None) if state else None
    session[SESSION_KEY] = pending  # used up, whatever happens next
    if entry is None or entry.get("user") != user.pk or entry.get("at", 0) < time.time() - PENDING_SECONDS:
        raise StateRefused()
    if error:
        declined = error == "access_denied"
        raise AuthorizationFailed("You declined the connection on Spotify: nothing was stored." if declined else
                                  f"Spotify answered “{error[:100]}”: nothing was stored; connect again.")
    if not code:
        raise AuthorizationFailed("Spotify's answer held no authorization code: nothing was stored; connect again.")
    token = gateway.exchange_code(code=code, verifier=entry["verifier"], redirect_uri=entry["redirect_uri"])
    profile = gateway.call("your profile", gateway.user_client(token["access_token"]).me)
    if not isinstance(profile, dict) or not profile.get("id"):
        raise AuthorizationFailed("Spotify did not say which account this is: nothing was stored; connect again.")
    connection = _store(user, token, profile, token.get("scope") or entry["scope"])
    return connection, entry.get("then")


@transaction.atomic
def _store(user: User, token: dict[str, Any], profile: dict[str, Any], scope: str) -> SpotifyConnection:
    connection, _ = SpotifyConnection.objects.update_or_create(user=user, defaults={
        "spotify_user_id": str(profile["id"])[:255],
        "display_name": str(profile.get("display_name") or "")[:255],
        "scope": scope, "access_token_sealed": seal(token["access_token"]),
        "refresh_token_sealed": seal(token["refresh_token"]), "expires_at": expires_at(token),
        "status": SpotifyConnection.Status.CONNECTED, "message": "", "connected_at": timezone.now()})
    return connection


def delete_connection(user: User) -> int:
    """Delete the listener's connection and its tokens (Spotify has no revoke endpoint); returns 0 or 1."""
    return SpotifyConnection.objects.filter(user=user).delete()[1].get("spotify_account.SpotifyConnection", 0)


def disconnect(user: User) -> bool:
    """Forget the listener's Spotify tokens; True when there was a connection. Their playlists' links stay, so a
    later "Save to Spotify" on the same account updates the same playlists."""
    return delete_connection(user) > 0


def usable_connection(user: User, scopes: tuple[str, ...]) -> SpotifyConnection:
    """The listener's connection when it can do work needing ``scopes``; else why not (NotConnected,
    NeedsReconnect, MissingScope — each says to connect again)."""
    connection = SpotifyConnection.objects.filter(user=user).first()
    if connection is None:
        raise NotConnected()
    if connection.status == SpotifyConnection.Status.BROKEN:
        raise NeedsReconnect()
    if not connection.has_scopes(scopes):
        raise MissingScope("Your Spotify connection does not allow this yet: connect Spotify again to grant it.")
    return connection


def request_save(user: User, playlist_id: int) -> SpotifyPlaylistLink:
    """Queue "Save to Spotify" of the listener's playlist ``playlist_id`` (created there the first time, its
    items replaced after); returns its link, whose status the listener sees."""
    playlist = owned_playlist(user, playlist_id)
    if playlist.source != Playlist.Source.LISTENER:
        raise DomainError("Only your own playlists can be saved to Spotify.")
    usable_connection(user, SAVE_SCOPES)
    with transaction.atomic():
        link, _ = SpotifyPlaylistLink.objects.select_for_update().get_or_create(
            playlist=playlist, defaults={"requested_at": timezone.now()})
        link.status, link.message, link.finished_at = WorkStatus.QUEUED, "", None
        link.requested_at = timezone.now()
        link.save()
        enqueue(PUSH_TASK, [link.pk], dedupe_key=f"spotify-push:{link.pk}",
                on_broker_down=lambda _error: SpotifyPlaylistLink.objects.filter(pk=link.pk).update(
                    message=WAITING_FOR_BROKER))
    return link


def request_import(user: User) -> SpotifyConnection:
    """Queue "Import from Spotify" for the listener (saved tracks → likes, recent and top tracks → plays)."""
    connection = usable_connection(user, IMPORT_SCOPES)
    with transaction.atomic():
        SpotifyConnection.objects.filter(pk=connection.pk).update(import_status=WorkStatus.QUEUED, import_message="")
        enqueue(IMPORT_TASK, [user.pk], dedupe_key=f"spotify-import:{user.pk}",
                on_broker_down=lambda _error: SpotifyConnection.objects.filter(pk=connection.pk).update(
                    import_message=WAITING_FOR_BROKER))
    connection.refresh_from_db()
    return connection


def queue_nightly_imports() -> int:
    """Queue an import for every connected listener who granted the import scopes; returns how many."""
    queued = 0
    connected = SpotifyConnection.objects.filter(status=SpotifyConnection.Status.CONNECTED).select_related("user")
    for connection in connected:
        if connection.has_scopes(IMPORT_SCOPES):  # a run still queued collapses with this one (the outbox's key)
            request_import(connection.user)
            queued += 1
    return queued


def set_private_playlists_in_model(user: User, allowed: bool) -> PlaylistPrivacy:
    """Let (or stop) the recommender learn from the listener's private playlists, from its next training on."""
    choice, _ = PlaylistPrivacy.objects.update_or_create(user=user, defaults={"private_playlists_in_model": allowed})
    return choice

"""Calling Spotify as a listener: a fresh access token (refreshed under a row lock when it has expired) per call.

A refresh token Spotify refuses (the listener removed songrec on Spotify's side) marks the connection broken and
raises NeedsReconnect; the listener is told to connect again. Plaintext tokens live only in local variables.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import gateway
from .errors import NeedsReconnect
from .models import SpotifyConnection
from .sealing import seal, unseal

# A token this close to expiring is refreshed first, so it cannot expire between the check and the call.
EXPIRY_MARGIN = timedelta(seconds=60)


def expires_at(token: dict[str, Any]) -> datetime:
    """When a token info dict (spotipy adds ``expires_at``, an epoch) expires, as an aware datetime."""
    if token.get("expires_at"):
        return datetime.fromtimestamp(int(token["expires_at"]), tz=UTC)
    return timezone.now() + timedelta(seconds=int(token.get("expires_in") or 3600))


def mark_broken(connection_id: int, message: str) -> None:
    SpotifyConnection.objects.filter(pk=connection_id).update(status=SpotifyConnection.Status.BROKEN, message=message)


def fresh_access_token(connection: SpotifyConnection, *, force: bool = False) -> str:
    """A usable access token of ``connection``, refreshing it first when it expires soon (or ``force``)."""
    if connection.status == SpotifyConnection.Status.BROKEN:
        raise NeedsReconnect()
    token = unseal(connection.access_token_sealed)
    if token and not force and connection.expires_at > timezone.now() + EXPIRY_MARGIN:
        return token
    refused = None
    with transaction.atomic():
        # One refresh at a time per listener: a second caller waits here and finds the new token.
        locked = SpotifyConnection.objects.select_for_update().get(pk=connection.pk)
        token = unseal(locked.access_token_sealed)
        renewed_meanwhile = locked.access_token_sealed != connection.access_token_sealed
        if token and (renewed_meanwhile or not force) and locked.expires_at > timezone.now() + EXPIRY_MARGIN:
            _copy(locked, connection)
            return token
        refresh_token = unseal(locked.refresh_token_sealed)
        try:
            if refresh_token is None:
                raise NeedsReconnect()
            info = gateway.refresh(refresh_token)
        except NeedsReconnect as error:
            refused = error
        else:
            locked.access_token_sealed = seal(info["access_token"])
            locked.refresh_token_sealed = seal(info.get("refresh_token") or refresh_token)
            locked.expires_at = expires_at(info)
            locked.save(update_fields=["access_token_sealed", "refresh_token_sealed", "expires_at"])
            _copy(locked, connection)
            return info["access_token"]
    mark_broken(connection.pk, refused.message)
    connection.status = SpotifyConnection.Status.BROKEN
    raise refused


def _copy(source: SpotifyConnection, target: SpotifyConnection) -> None:
    for name in ("access_token_sealed", "refresh_token_sealed", "expires_at", "status"):
        setattr(target, name, getattr(source, name))


class Account:
    """A listener's Spotify account to call: ``account.call("your saved tracks", "current_user_saved_tracks")``."""

    def __init__(self, connection: SpotifyConnection):
        self.connection = connection

    def call(self, label: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """spotipy's ``method`` with a fresh token; an early 401 refreshes once and tries again."""
        for attempt in range(2):
            client = gateway.user_client(fresh_access_token(self.connection, force=attempt > 0))
            try:
                return gateway.call(label, getattr(client, method), *args, **kwargs)
            except gateway.Unauthorized:
                continue
        mark_broken(self.connection.pk, NeedsReconnect.default_message)
        raise NeedsReconnect()

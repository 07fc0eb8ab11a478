""""Import from Spotify": saved tracks become likes, recently played tracks plays, top tracks a play each.

Everything is read from Spotify first and written in one transaction, so a rate limit or an outage midway stores
nothing (the task retries the whole import). Tracks are matched to the catalog by Spotify id only; ids the catalog
lacks are counted and the first few listed. Idempotent: a saved track already liked (or disliked) is left as it
is, a recently played track's play has Spotify's own time (unique per listener, track and time), and a top track
(which has no time) becomes one play, at the import's time, only when the listener has no play of it yet.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalog.models import Track
from recommender.personal.history import PLAYED_FROM
from recommender.personal.models import Play
from recommender.personal.services import add_likes, add_plays

from .account import Account
from .errors import SpotifyBusy
from .models import IMPORT_SCOPES, SpotifyConnection, WorkStatus, store_fields
from .services import usable_connection

PAGE = 50
UNKNOWN_SHOWN = 20


def _track(item: Any) -> dict[str, Any] | None:
    track = item.get("track") if isinstance(item, dict) else None
    return track if isinstance(track, dict) and isinstance(track.get("id"), str) else None


def _saved_tracks(account: Account) -> list[str]:
    ids: list[str] = []
    page = account.call("your saved tracks", "current_user_saved_tracks", limit=PAGE)
    while isinstance(page, dict):
        ids += [track["id"] for track in map(_track, page.get("items") or []) if track]
        if not page.get("next") or len(ids) >= settings.SPOTIFY_IMPORT_MAX_SAVED_TRACKS:
            break
        page = account.call("your saved tracks (next page)", "next", page)
    return ids[:settings.SPOTIFY_IMPORT_MAX_SAVED_TRACKS]


def _recently_played(account: Account) -> list[tuple[str, datetime, int]]:
    page = account.call("your recently played tracks", "current_user_recently_played", limit=PAGE)
    latest = timezone.now() + timedelta(days=1)
    plays = []
    for item in (page or {}).get("items") or []:
        track = _track(item)
        played_at = parse_datetime(str(item.get("played_at") or "")) if track else None
        if track and played_at and PLAYED_FROM <= played_at <= latest:
            plays.append((track["id"], played_at, _duration(track)))
    return plays


def _top_tracks(account: Account) -> list[tuple[str, int]]:
    page = account.call("your top tracks", "current_user_top_tracks", limit=PAGE, time_range="medium_term")
    return [(track["id"], _duration(track)) for track in (page or {}).get("items") or []
            if isinstance(track, dict) and isinstance(track.get("id"), str)]


def _duration(track: dict[str, Any]) -> int:
    duration = track.get("duration_ms")
    return duration if isinstance(duration, int) and 0 < duration < 2**31 else settings.PERSONAL_MIN_PLAY_MS


def import_from_spotify(user_id: int) -> SpotifyConnection | None:
    """Import the listener's saved, recent and top tracks; the connection records the outcome and summary.

    Returns the connection (None when there is none); raises SpotifyBusy when the import should be retried.
    """
    connection = SpotifyConnection.objects.select_related("user").filter(user_id=user_id).first()
    if connection is None:
        return None
    store_fields(connection, import_status=WorkStatus.RUNNING)
    try:
        usable_connection(connection.user, IMPORT_SCOPES)
        account = Account(connection)
        saved, recent, top = _saved_tracks(account), _recently_played(account), _top_tracks(account)
        summary = _store(connection, saved, recent, top)
    except SpotifyBusy:
        raise
    except Exception as error:  # a DomainError says what to do (reconnect, grant access); nothing was stored
        message = getattr(error, "message", None) or f"The import failed unexpectedly ({type(error).__name__})."
        store_fields(connection, import_status=WorkStatus.FAILED, import_message=message)
        return connection
    store_fields(connection, import_status=WorkStatus.DONE, import_message="", import_summary=summary,
         imported_at=timezone.now())
    return connection


@transaction.atomic
def _store(connection: SpotifyConnection, saved: list[str], recent: list[tuple[str, datetime, int]],
           top: list[tuple[str, int]]) -> dict[str, Any]:
    user = connection.user
    spotify_ids = set(saved) | {spotify_id for spotify_id, _, _ in recent} | {spotify_id for spotify_id, _ in top}
    known = dict(Track.objects.visible().filter(spotify_id__in=spotify_ids).values_list("spotify_id", "pk"))
    unknown = sorted(spotify_ids - set(known))
    likes = add_likes(user, [known[spotify_id] for spotify_id in saved if spotify_id in known])
    plays = [(known[spotify_id], played_at, ms) for spotify_id, played_at, ms in recent if spotify_id in known]
    played = set(Play.objects.filter(user=user, track_id__in=[known[s] for s, _ in top if s in known])
                 .values_list("track_id", flat=True)) | {track_id for track_id, _, _ in plays}
    now = timezone.now().replace(microsecond=0)
    plays += [(known[spotify_id], now, ms) for spotify_id, ms in top
              if spotify_id in known and known[spotify_id] not in played]
    return {"saved_tracks": len(saved), "recently_played": len(recent), "top_tracks": len(top),
            "likes_added": likes, "plays_added": add_plays(user, plays), "unknown_tracks": len(unknown),
            "unknown": unknown[:UNKNOWN_SHOWN]}


def note_waiting(user_id: int, message: str) -> None:
    SpotifyConnection.objects.filter(user_id=user_id).update(import_status=WorkStatus.QUEUED, import_message=message)


def give_up(user_id: int, message: str) -> None:
    SpotifyConnection.objects.filter(user_id=user_id).update(import_status=WorkStatus.FAILED, import_message=message)

"""Celery tasks of listeners' Spotify accounts: thin, idempotent, ``acks_late``; Spotify's rate limits, 5xx and
outages are retried (Retry-After, else a growing backoff, at most SPOTIFY_ACCOUNT_MAX_RETRIES times) while the
listener sees what is happening."""

from celery import shared_task
from django.conf import settings

from . import importing, push
from .errors import SpotifyBusy
from .services import IMPORT_TASK, PUSH_TASK, queue_nightly_imports

NIGHTLY_TASK = "recommender.personal.spotify_account.tasks.nightly_imports"


def _wait(task, busy: SpotifyBusy) -> int:
    backoff = settings.SPOTIFY_ACCOUNT_BACKOFF_SECONDS * 2 ** task.request.retries
    return int(min(busy.retry_after if busy.retry_after is not None else backoff, settings.SPOTIFY_ACCOUNT_MAX_WAIT))


def _retry_or_give_up(task, busy: SpotifyBusy, *, note, give_up, key):
    tries = task.request.retries + 1
    if task.request.retries >= settings.SPOTIFY_ACCOUNT_MAX_RETRIES:
        give_up(key, f"{busy.message} Gave up after {tries} tries; nothing was lost — try again later.")
        return {"status": "failed", "tries": tries}
    wait = _wait(task, busy)
    note(key, f"{busy.message} Next try in {wait} s.")
    raise task.retry(countdown=wait, max_retries=settings.SPOTIFY_ACCOUNT_MAX_RETRIES)


@shared_task(name=PUSH_TASK, bind=True, acks_late=True, reject_on_worker_lost=True)
def push_playlist(self, link_id):
    """Save one playlist to its owner's Spotify account (running it again replaces the same items)."""
    try:
        link = push.push_playlist(link_id)
    except SpotifyBusy as busy:
        return _retry_or_give_up(self, busy, note=push.note_waiting, give_up=push.give_up, key=link_id)
    return {"link": link_id, "status": link.status if link else "gone"}


@shared_task(name=IMPORT_TASK, bind=True, acks_late=True, reject_on_worker_lost=True)
def import_from_spotify(self, user_id):
    """Import one listener's saved, recent and top tracks (a second run adds nothing new)."""
    try:
        connection = importing.import_from_spotify(user_id)
    except SpotifyBusy as busy:
        return _retry_or_give_up(self, busy, note=importing.note_waiting, give_up=importing.give_up,
                                 key=user_id)
    return {"user": user_id, "status": connection.import_status if connection else "not connected"}


@shared_task(name=NIGHTLY_TASK, ignore_result=True)
def nightly_imports():
    """Queue "Import from Spotify" for every connected listener (Beat runs this nightly)."""
    return {"queued": queue_nightly_imports()}

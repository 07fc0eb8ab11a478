"""Importing a listener's streaming history: receive the upload, match rows to catalog tracks, store plays.

Rows are matched by Spotify track id where the export has one, else by "artist title" through the catalog's
fuzzy search, accepted at ``PERSONAL_MATCH_MIN_SCORE`` or above. Plays shorter than ``PERSONAL_MIN_PLAY_MS`` don't
count; bad rows are skipped and listed by position in the summary. All plays of one upload are written in one
transaction, and (listener, track, time) is unique, so an unreadable file stores nothing and importing the same
history twice adds nothing.

Where it runs: a small upload starts in the request, but only for ``PERSONAL_INLINE_IMPORT_SECONDS``; past that
budget (or for a bigger file) it goes to Celery through the outbox. A run claims its import (queued, or running
with a stale heartbeat) in one conditional UPDATE, so a redelivered task and the recovery never run one import
twice at once. A redelivered task that finds the import running (its pool process was killed, the heartbeat not
stale yet) retries once the heartbeat would be stale, and takes over unless the run turned out alive and finished;
``recover_stale_imports`` (Beat, and every worker start) re-queues a running import whose worker
died, or fails it with a message once its attempts are spent or its file is gone.
"""

import hashlib
import logging
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog.models import Track
from catalog.search import search_tracks
from songrec.lib.errors import DomainError
from songrec.lib.outbox import enqueue

from .freshness import signals_changed
from .history import HistoryFormatError, RejectedRow, read_upload
from .models import HistoryImport, Play

logger = logging.getLogger(__name__)
ACCEPTED_SUFFIXES = (".json", ".zip")
UNMATCHED_SHOWN = REJECTED_SHOWN = 100
PROGRESS_EVERY = 200
HEARTBEAT_EVERY_ROWS = 20_000
IMPORT_TASK = "recommender.personal.tasks.import_history"
WAITING_FOR_BROKER = ("The task queue is unreachable right now, so this import waits; it starts on its own as soon as "
                      "the queue is back. No need to upload again.")


class UploadRefused(DomainError, ValueError):
    """The upload is refused before anything is stored (size, type)."""

    field = "file"


class _OverBudget(Exception):
    """The request's time budget for an inline import is spent: the rest of the work goes to Celery."""


def receive_upload(user, uploaded):
    """Store an uploaded file and import it (inline when small, else in Celery); returns (HistoryImport, repeat).

    ``repeat`` is True when this listener already imported the same bytes: nothing changes then.
    """
    name = Path(uploaded.name or "upload").name[:255]
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise UploadRefused(f"{name}: upload a StreamingHistory*.json / Streaming_History_Audio_*.json file or the "
                            f"export's .zip.")
    if uploaded.size > settings.PERSONAL_UPLOAD_MAX_BYTES:
        raise UploadRefused(f"{name} is {uploaded.size // 1024 ** 2} MB; the limit is "
                            f"{settings.PERSONAL_UPLOAD_MAX_BYTES // 1024 ** 2} MB.")
    if uploaded.size == 0:
        raise UploadRefused(f"{name} is empty.")
    directory = Path(settings.PERSONAL_UPLOAD_DIR) / str(user.pk)
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    temporary = directory / f"incoming-{timezone.now():%Y%m%d%H%M%S%f}"
    with temporary.open("wb") as handle:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            handle.write(chunk)
    sha256 = digest.hexdigest()
    history_import = _new_import(user, name, uploaded.size, sha256)
    if history_import is None:  # the same bytes are imported already, or being imported right now
        temporary.unlink(missing_ok=True)
        return _same_upload(user, sha256), True
    temporary.rename(upload_path(history_import))
    if uploaded.size <= settings.PERSONAL_INLINE_IMPORT_BYTES:
        run_import(history_import.pk, budget_seconds=settings.PERSONAL_INLINE_IMPORT_SECONDS)
    else:
        queue_import(history_import)
    history_import.refresh_from_db()
    return history_import, False


def _same_upload(user, sha256):
    return (HistoryImport.objects.filter(user=user, sha256=sha256)
            .filter(Q(status__in=HistoryImport.ACTIVE) | Q(status=HistoryImport.Status.DONE)).order_by("-pk").first())


def _new_import(user, name, size, sha256):
    """A new queued import, or None when an identical upload is done or active (a unique constraint decides)."""
    if _same_upload(user, sha256) is not None:
        return None
    try:
        with transaction.atomic():
            return HistoryImport.objects.create(user=user, filename=name, size=size, sha256=sha256)
    except IntegrityError:  # a concurrent identical upload won the race
        return None


def queue_import(history_import):
    """Hand an import to Celery: recorded in the outbox, so a broker that is down only delays it (the listener is
    told; the import stays queued until the dispatcher sends it)."""
    enqueue(IMPORT_TASK, [history_import.pk],
            on_broker_down=lambda _error: _set(history_import, message=WAITING_FOR_BROKER))


def upload_path(history_import):
    return Path(settings.PERSONAL_UPLOAD_DIR) / str(history_import.user_id) / f"{history_import.pk}.upload"


def run_import(history_import_id, *, budget_seconds=None):
    """Parse, match and store one upload; never raises for a bad file (the import records why it failed).

    Returns the HistoryImport, or None when another live run holds it. With ``budget_seconds`` (in a request) the
    import is handed to Celery once that much time has passed, nothing stored yet.
    """
    history_import = _claim(history_import_id)
    if history_import is None:
        return None
    deadline = time.monotonic() + budget_seconds if budget_seconds is not None else None
    path = upload_path(history_import)
    keep_file = False
    try:
        if not path.exists():
            raise HistoryFormatError("The uploaded file is gone; upload it again.")
        rows, rejected = _read_rows(history_import, path, deadline)
        if not rows:
            problems = "; ".join(str(row) for row in rejected[:3])
            raise HistoryFormatError(f"{history_import.filename} holds no music plays"
                                     + (f" we could read ({problems})." if problems else "."))
        summary, plays = _match_and_count(history_import, rows, deadline)
        summary["rejected_rows"] = len(rejected)
        summary["rejected"] = [str(row) for row in rejected[:REJECTED_SHOWN]]
        with transaction.atomic():
            # ignore_conflicts: plays already stored by an earlier import of the same history are skipped.
            Play.objects.bulk_create(plays, ignore_conflicts=True, batch_size=5000)
            summary["new_plays"] = Play.objects.filter(history_import=history_import).count()
            _set(history_import, status=HistoryImport.Status.DONE, progress=1.0, summary=summary,
                 finished_at=timezone.now(), message="")
            signals_changed(history_import.user_id)
    except _OverBudget:
        keep_file = True
        _set(history_import, status=HistoryImport.Status.QUEUED, progress=0.0, attempts=0)
        queue_import(history_import)
    except HistoryFormatError as error:
        _set(history_import, status=HistoryImport.Status.FAILED, message=str(error), finished_at=timezone.now())
    except Exception as error:
        logger.exception("history import %s failed", history_import.pk)
        _set(history_import, status=HistoryImport.Status.FAILED, finished_at=timezone.now(),
             message=f"The import failed unexpectedly ({type(error).__name__}); nothing was stored.")
    finally:
        if not keep_file:
            path.unlink(missing_ok=True)  # the listener's raw export is not kept once read
    return history_import


def _claim(history_import_id):
    """Mark the import running for this process if it is queued or its last run went silent; else None."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.PERSONAL_IMPORT_STALE_SECONDS)
    claimed = (HistoryImport.objects.filter(pk=history_import_id)
               .filter(Q(status=HistoryImport.Status.QUEUED)
                       | Q(status=HistoryImport.Status.RUNNING, heartbeat_at__lt=stale))
               .update(status=HistoryImport.Status.RUNNING, progress=0.0, heartbeat_at=now, message="",
                       attempts=F("attempts") + 1))
    if not claimed:
        return None
    return HistoryImport.objects.get(pk=history_import_id)


def seconds_until_stale(history_import_id):
    """Seconds until a running import's heartbeat counts as stale (at least 1), or None when it is not running."""
    heartbeat = (HistoryImport.objects.filter(pk=history_import_id, status=HistoryImport.Status.RUNNING)
                 .values_list("heartbeat_at", flat=True).first())
    if heartbeat is None:
        return None
    age = (timezone.now() - heartbeat).total_seconds()
    return max(1, int(settings.PERSONAL_IMPORT_STALE_SECONDS - age) + 1)


def _read_rows(history_import, path, deadline):
    rows, rejected = [], []
    for number, row in enumerate(read_upload(path, history_import.filename), start=1):
        (rejected if isinstance(row, RejectedRow) else rows).append(row)
        if number % HEARTBEAT_EVERY_ROWS == 0:
            _check_budget(deadline)
            _set(history_import)
    _check_budget(deadline)
    return rows, rejected


def _check_budget(deadline):
    if deadline is not None and time.monotonic() > deadline:
        raise _OverBudget


def recover_stale_imports():
    """Re-queue running imports whose worker died (heartbeat older than the stale bound) while attempts are left
    and the upload is still on disk; fail the others with a message. Returns (requeued ids, failed ids)."""
    stale = timezone.now() - timedelta(seconds=settings.PERSONAL_IMPORT_STALE_SECONDS)
    requeued, failed = [], []
    for history_import in HistoryImport.objects.filter(status=HistoryImport.Status.RUNNING, heartbeat_at__lt=stale):
        silent = HistoryImport.objects.filter(pk=history_import.pk, status=HistoryImport.Status.RUNNING,
                                              heartbeat_at__lt=stale)
        if history_import.attempts < settings.PERSONAL_IMPORT_MAX_ATTEMPTS and upload_path(history_import).exists():
            if silent.update(status=HistoryImport.Status.QUEUED, progress=0.0,
                             message="The worker importing this stopped; it starts again."):
                queue_import(history_import)
                requeued.append(history_import.pk)
        elif silent.update(status=HistoryImport.Status.FAILED, finished_at=timezone.now(),
                           message=f"The import stopped {history_import.attempts} times without finishing (its "
                                   f"worker died); nothing was stored. Upload the file again."):
            upload_path(history_import).unlink(missing_ok=True)
            failed.append(history_import.pk)
    return requeued, failed


def _set(history_import, **fields):
    """Save ``fields`` and the heartbeat (every write says the run is alive)."""
    fields["heartbeat_at"] = timezone.now()
    for name, value in fields.items():
        setattr(history_import, name, value)
    history_import.save(update_fields=list(fields))


def _match_and_count(history_import, rows, deadline=None):
    minimum = settings.PERSONAL_MIN_PLAY_MS
    counted = [row for row in rows if row.ms_played >= minimum]
    songs = Counter((row.spotify_id, row.artist, row.title) for row in counted)
    by_spotify_id = dict(Track.objects.visible().filter(
        spotify_id__in={spotify_id for spotify_id, _, _ in songs if spotify_id})
        .values_list("spotify_id", "pk"))
    matches, unmatched = {}, Counter()
    for number, song in enumerate(songs, start=1):
        spotify_id, artist, title = song
        track_id = by_spotify_id.get(spotify_id) if spotify_id else None
        if track_id is None:
            track_id = match_by_name(artist, title)
        if track_id is None:
            unmatched[(artist, title)] += songs[song]
        else:
            matches[song] = track_id
        if number % PROGRESS_EVERY == 0:
            _set(history_import, progress=round(0.9 * number / len(songs), 3))
        if number % 10 == 0:
            _check_budget(deadline)
    plays = [Play(user_id=history_import.user_id, track_id=matches[(row.spotify_id, row.artist, row.title)],
                  played_at=row.played_at, ms_played=row.ms_played, history_import=history_import)
             for row in counted if (row.spotify_id, row.artist, row.title) in matches]
    summary = {
        "rows": len(rows),
        "plays": len(counted),
        "short_plays": len(rows) - len(counted),
        "matched_plays": len(plays),
        "matched_tracks": len(set(matches.values())),
        "unmatched_plays": sum(unmatched.values()),
        "unmatched_songs": len(unmatched),
        "unmatched": [{"artist": artist, "title": title, "plays": count}
                      for (artist, title), count in unmatched.most_common(UNMATCHED_SHOWN)],
    }
    return summary, plays


def match_by_name(artist, title):
    """The catalog track best matching "artist title" through the fuzzy search, or None below the threshold."""
    query = f"{artist} {title}".strip()[:settings.SEARCH_MAX_QUERY_LENGTH]
    if not title:
        return None
    hits = search_tracks(query, limit=1)
    if hits and hits[0].score >= settings.PERSONAL_MATCH_MIN_SCORE:
        return hits[0].track_id
    return None

"""Importing a listener's streaming history: receive the upload, match rows to catalog tracks, store plays.

Rows are matched by Spotify track id where the export has one, else by "artist title" through the catalog's
fuzzy search, accepted at ``PERSONAL_MATCH_MIN_SCORE`` or above. Plays shorter than ``PERSONAL_MIN_PLAY_MS`` don't
count. All plays of one upload are written in one transaction, and (listener, track, time) is unique, so a
malformed file stores nothing and importing the same history twice adds nothing.
"""

import hashlib
import logging
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import Track
from catalog.search import search_tracks
from songrec.lib.errors import DomainError
from songrec.lib.outbox import enqueue

from .freshness import signals_changed
from .history import HistoryFormatError, read_upload
from .models import HistoryImport, Play

logger = logging.getLogger(__name__)
ACCEPTED_SUFFIXES = (".json", ".zip")
UNMATCHED_SHOWN = 100
PROGRESS_EVERY = 200
IMPORT_TASK = "recommender.personal.tasks.import_history"
WAITING_FOR_BROKER = ("The task queue is unreachable right now, so this import waits; it starts on its own as soon as "
                      "the queue is back. No need to upload again.")


class UploadRefused(DomainError, ValueError):
    """The upload is refused before anything is stored (size, type)."""

    field = "file"


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
    previous = HistoryImport.objects.filter(user=user, sha256=sha256, status=HistoryImport.Status.DONE).first()
    if previous is not None:
        temporary.unlink(missing_ok=True)
        return previous, True
    history_import = HistoryImport.objects.create(user=user, filename=name, size=uploaded.size, sha256=sha256)
    temporary.rename(upload_path(history_import))
    if uploaded.size <= settings.PERSONAL_INLINE_IMPORT_BYTES:
        run_import(history_import.pk)
    else:
        # Too long to run in the request: recorded in the outbox with the import, so a broker that is down only
        # delays it (the listener is told; the import stays queued until the dispatcher sends it).
        enqueue(IMPORT_TASK, [history_import.pk],
                on_broker_down=lambda _error: _set(history_import, message=WAITING_FOR_BROKER))
    history_import.refresh_from_db()
    return history_import, False


def upload_path(history_import):
    return Path(settings.PERSONAL_UPLOAD_DIR) / str(history_import.user_id) / f"{history_import.pk}.upload"


def run_import(history_import_id):
    """Parse, match and store one upload; never raises for a bad file (the import records why it failed)."""
    history_import = HistoryImport.objects.get(pk=history_import_id)
    if history_import.status == HistoryImport.Status.DONE:
        return history_import
    path = upload_path(history_import)
    _set(history_import, status=HistoryImport.Status.RUNNING, progress=0.0)
    try:
        if not path.exists():
            raise HistoryFormatError("The uploaded file is gone; upload it again.")
        rows = read_upload(path, history_import.filename)
        if not rows:
            raise HistoryFormatError(f"{history_import.filename} holds no music plays.")
        summary, plays = _match_and_count(history_import, rows)
        with transaction.atomic():
            # ignore_conflicts: plays already stored by an earlier import of the same history are skipped.
            Play.objects.bulk_create(plays, ignore_conflicts=True, batch_size=5000)
            summary["new_plays"] = Play.objects.filter(history_import=history_import).count()
            _set(history_import, status=HistoryImport.Status.DONE, progress=1.0, summary=summary,
                 finished_at=timezone.now(), message="")
            signals_changed(history_import.user_id)
    except HistoryFormatError as error:
        _set(history_import, status=HistoryImport.Status.FAILED, message=str(error), finished_at=timezone.now())
    except Exception as error:
        logger.exception("history import %s failed", history_import.pk)
        _set(history_import, status=HistoryImport.Status.FAILED, finished_at=timezone.now(),
             message=f"The import failed unexpectedly ({type(error).__name__}); nothing was stored.")
    finally:
        path.unlink(missing_ok=True)  # the listener's raw export is not kept once read
    return history_import


def _set(history_import, **fields):
    for name, value in fields.items():
        setattr(history_import, name, value)
    history_import.save(update_fields=list(fields))


def _match_and_count(history_import, rows):
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

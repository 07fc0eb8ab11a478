"""Peak memory of importing a large streaming history, and the time of an upload of 10,000 unmatched songs.

Usage (one measurement per process, as peak memory is per process):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/songrec_bench python bench/bench_history_upload.py memory [--mb 50]
    DATABASE_URL=... python bench/bench_history_upload.py unmatched [--rows 10000]

``memory`` writes an extended-format history of about ``--mb`` MB whose rows name 50 songs (plays 2024), and runs
``run_import`` on it: the peak resident memory above the process's baseline is what reading and matching it cost.
``unmatched`` uploads ``--rows`` plays of distinct songs the catalog lacks, as a listener's request would
(``receive_upload``), then runs what the request handed on, as a worker would. Each song is a fuzzy search, so
the real catalog should be imported; its search index is built first, as gunicorn's master does. Both use (and
empty) the user "bench-history"; Celery is pointed at memory://.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")
os.environ["CELERY_BROKER_URL"] = "memory://"  # a handed-on import is run below, not by a worker


def memory_kib(field):
    """VmRSS (now) or VmHWM (peak) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def write_history(path, megabytes):
    """An extended-format history of about ``megabytes`` MB, written row by row; returns the number of rows."""
    rows, target = 0, megabytes * 1024 ** 2
    with path.open("w") as handle:
        handle.write("[")
        while handle.tell() < target:
            song = rows % 50
            row = {"ts": f"2024-{1 + rows % 12:02d}-{1 + rows % 28:02d}T{rows % 24:02d}:{rows % 60:02d}:"
                         f"{(rows // 60) % 60:02d}Z", "platform": "android", "ms_played": 180_000 + rows % 1000,
                   "conn_country": "NL", "master_metadata_track_name": f"Bench Song {song}",
                   "master_metadata_album_artist_name": f"Bench Artist {song}",
                   "master_metadata_album_album_name": f"Bench Album {song}",
                   "spotify_track_uri": f"spotify:track:bench{song:018d}", "reason_start": "trackdone",
                   "reason_end": "trackdone", "shuffle": False, "skipped": False, "offline": False}
            handle.write(("," if rows else "") + json.dumps(row))
            rows += 1
        handle.write("]")
    return rows


def bench_user():
    from django.contrib.auth import get_user_model

    from recommender.personal.models import HistoryImport, Play

    user, _ = get_user_model().objects.get_or_create(username="bench-history")
    Play.objects.filter(user=user).delete()
    HistoryImport.objects.filter(user=user).delete()
    return user


def measure_memory(megabytes):
    from recommender.personal.imports import run_import, upload_path
    from recommender.personal.models import HistoryImport

    user = bench_user()
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "Streaming_History_Audio_2024.json"
        rows = write_history(source, megabytes)
        size = source.stat().st_size
        history_import = HistoryImport.objects.create(user=user, filename=source.name, size=size, sha256="b" * 64)
        upload_path(history_import).parent.mkdir(parents=True, exist_ok=True)
        source.rename(upload_path(history_import))
        Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to the current resident size
        baseline = memory_kib("VmRSS")
        started = time.perf_counter()
        history_import = run_import(history_import.pk)
        seconds = time.perf_counter() - started
        peak = memory_kib("VmHWM")
    print(json.dumps({"file_mb": round(size / 1024 ** 2, 1), "rows": rows, "status": history_import.status,
                      "seconds": round(seconds, 1), "baseline_mb": round(baseline / 1024, 1),
                      "peak_above_baseline_mb": round((peak - baseline) / 1024, 1),
                      "peak_per_file_mb": round((peak - baseline) * 1024 / size, 2)}))


def measure_unmatched(rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import Track
    from catalog.search import get_index
    from recommender.personal.imports import receive_upload, run_import
    from recommender.personal.models import HistoryImport

    user = bench_user()
    get_index()  # built before the first request, as gunicorn's master does before forking
    content = json.dumps([{"endTime": f"2024-03-01 {number // 60 % 24:02d}:{number % 60:02d}",
                           "artistName": f"Nobody Known {number}", "trackName": f"Never Heard Of {number}",
                           "msPlayed": 99_000} for number in range(rows)]).encode()
    started = time.perf_counter()
    history_import, _repeat = receive_upload(user, SimpleUploadedFile("StreamingHistory_music_0.json", content))
    request_seconds = time.perf_counter() - started
    handed_on = history_import.status == HistoryImport.Status.QUEUED
    started = time.perf_counter()
    if handed_on:
        history_import = run_import(history_import.pk)
    worker_seconds = time.perf_counter() - started if handed_on else 0.0
    print(json.dumps({"rows": rows, "file_mb": round(len(content) / 1024 ** 2, 2),
                      "catalog_tracks": Track.objects.count(), "request_seconds": round(request_seconds, 1),
                      "handed_to_celery": handed_on, "worker_seconds": round(worker_seconds, 1),
                      "status": history_import.status,
                      "unmatched_songs": history_import.summary.get("unmatched_songs")}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["memory", "unmatched"])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    if args.what == "memory":
        measure_memory(args.mb)
    else:
        measure_unmatched(args.rows)


if __name__ == "__main__":
    main()

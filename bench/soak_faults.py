"""Soak: mixed load for 30 minutes while a Celery worker is killed every 5 minutes and Redis restarted once.

Usage: DATABASE_URL=postgres://…/songrec_soak python bench/soak_faults.py --user NAME --password PW
       [--minutes 30] [--kill-every 300] [--clients 8]
Starts its own redis-server on a free 127.0.0.1 port (never the machine's 6379), gunicorn, one Celery worker and
Beat, all pointed at it, and stops them at the end. The database must hold a catalog with an active index and the
listener account. Load: searches, track pages, "For you", likes, small history uploads. Reports requests, 5xx
other than the documented 503s, p95 latency, and lost tasks: imports not done or failed and outbox rows never
started, after a settling period. Exit status 1 on any 5xx or lost task.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")

from tests.broker import closed_port  # noqa: E402  (importable once ROOT is on the path)


class Services:
    """Private redis-server, gunicorn, worker and Beat, each in its own session (killpg reaches its children)."""

    def __init__(self, workdir):
        self.workdir, self.redis_port, self.web_port = workdir, closed_port(), closed_port()
        self.env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                    "CELERY_BROKER_URL": "", "CELERY_TASK_ALWAYS_EAGER": "0", "OUTBOX_RESEND_SECONDS": "120",
                    "PERSONAL_IMPORT_STALE_SECONDS": "60"}
        self.env.pop("CELERY_BROKER_URL")
        self.processes = {}

    def _start(self, name, command):
        log = (self.workdir / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                                start_new_session=True)

    def start_redis(self):
        self._start("redis", ["redis-server", "--port", str(self.redis_port), "--save", "", "--appendonly", "no"])
        time.sleep(0.5)

    def start_worker(self):
        self._start("worker", [sys.executable, "-m", "celery", "-A", "songrec.celery", "worker", "--concurrency=2",
                               "--loglevel=WARNING", "--without-gossip", "--without-mingle"])

    def start_all(self):
        self.start_redis()
        self._start("web", [sys.executable, "-m", "gunicorn", "songrec.wsgi", "-b", f"127.0.0.1:{self.web_port}",
                            "-w", "2", "-c", "songrec/gunicorn_conf.py"])
        self.start_worker()
        self._start("beat", [sys.executable, "-m", "celery", "-A", "songrec.celery", "beat", "--loglevel=WARNING",
                             "-s", str(self.workdir / "beat-schedule")])

    def kill(self, name, sig=signal.SIGKILL):
        process = self.processes.pop(name, None)
        if process is not None and process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(timeout=30)

    def stop_all(self):
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)


def wait_until_up(url, deadline=180):
    """Wait for gunicorn to answer: its master builds the search index before it serves (20 s and more when busy)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            if requests.get(f"{url}/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit(f"the web server at {url} did not answer within {deadline} s")


def load(url, user, password, until, *, latencies, errors, lock):
    http = requests.Session()
    http.get(f"{url}/accounts/login/")
    http.post(f"{url}/accounts/login/", data={"username": user, "password": password,
                                              "csrfmiddlewaretoken": http.cookies.get("csrftoken", "")},
              headers={"Referer": f"{url}/accounts/login/"})
    http.headers.update({"X-CSRFToken": http.cookies.get("csrftoken", ""), "Referer": f"{url}/"})
    tracks = [row["spotify_id"] for row in http.get(f"{url}/api/tracks/?q=love").json().get("results", [])] or [""]
    rng = random.Random()
    while time.monotonic() < until:
        kind = rng.random()
        started = time.monotonic()
        try:
            if kind < 0.5:
                response = http.get(f"{url}/api/search/?q={rng.choice(['love', 'rock', 'night', 'blue'])}")
            elif kind < 0.7:
                response = http.get(f"{url}/me/for-you/")
            elif kind < 0.9:
                response = http.put(f"{url}/api/me/reactions/{rng.choice(tracks)}/",
                                    json={"reaction": rng.choice(["like", None])})
            else:
                rows = [{"ts": f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T10:00:00Z", "ms_played": 60000,
                         "master_metadata_track_name": f"song {rng.random()}", "master_metadata_album_artist_name": "x",
                         "spotify_track_uri": None} for _ in range(50)]
                response = http.post(f"{url}/api/me/imports/", files={"file": (
                    "Streaming_History_Audio_2024.json", json.dumps(rows).encode())})
            status = response.status_code
        except requests.RequestException as error:
            status = f"connection: {type(error).__name__}"
        with lock:
            latencies.append(time.monotonic() - started)
            if not isinstance(status, int) or (status >= 500 and status != 503):
                errors.append(status)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--kill-every", type=float, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "soak")
    options = parser.parse_args()
    options.workdir.mkdir(parents=True, exist_ok=True)
    services = Services(options.workdir)
    services.start_all()
    url = f"http://127.0.0.1:{services.web_port}"
    wait_until_up(url)
    began = time.monotonic()
    until = began + options.minutes * 60
    latencies, errors, lock = [], [], threading.Lock()
    clients = [threading.Thread(target=load, args=(url, options.user, options.password, until),
                                kwargs={"latencies": latencies, "errors": errors, "lock": lock})
               for _ in range(options.clients)]
    for client in clients:
        client.start()
    kills, redis_restarted = 0, False
    try:
        while time.monotonic() < until:
            time.sleep(5)
            elapsed = time.monotonic() - began
            if elapsed >= (kills + 1) * options.kill_every:
                services.kill("worker")
                services.start_worker()
                kills += 1
            if not redis_restarted and elapsed >= options.minutes * 30:
                services.kill("redis", signal.SIGTERM)  # its data is gone: nothing is saved
                services.start_redis()
                redis_restarted = True
        for client in clients:
            client.join()
        settle_and_report(latencies, errors, kills, redis_restarted)
    finally:
        services.stop_all()
    return 1 if errors or LOST else 0


LOST = []


def settle_and_report(latencies, errors, kills, redis_restarted, *, settle_seconds=600):
    import django

    django.setup()
    from recommender.personal.models import HistoryImport
    from songrec.lib.outbox.models import PendingTask

    deadline = time.monotonic() + settle_seconds
    while time.monotonic() < deadline:
        open_imports = HistoryImport.objects.filter(status__in=HistoryImport.ACTIVE).count()
        unstarted = PendingTask.objects.filter(started_at__isnull=True).count()
        if not open_imports and not unstarted:
            break
        time.sleep(10)
    LOST.extend(HistoryImport.objects.filter(status__in=HistoryImport.ACTIVE).values_list("pk", flat=True))
    LOST.extend(f"outbox {pk}" for pk in PendingTask.objects.filter(started_at__isnull=True)
                .values_list("pk", flat=True))
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    print(f"requests {len(latencies)}, 5xx besides 503 {len(errors)}, p95 {p95 * 1000:.0f} ms, workers killed "
          f"{kills}, redis restarted {redis_restarted}, lost tasks {len(LOST)} {LOST[:10]}")


if __name__ == "__main__":
    sys.exit(main())

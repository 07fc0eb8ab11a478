"""Soak: mixed load for 30 minutes while a Celery worker is killed every 5 minutes and Redis restarted once.

Usage: DATABASE_URL=postgres://…/songrec_soak python bench/soak_faults.py --user NAME --password PW
       [--minutes 30] [--kill-every 300] [--clients 8]
Starts its own redis-server on a free 127.0.0.1 port (never the machine's 6379), gunicorn, one Celery worker and
Beat, all pointed at it, and stops them at the end. The database must hold a catalog with an active index and the
listener account. Load: searches, track pages, "For you", likes, small history uploads. Reports the statuses per
kind of request, failures (5xx other than the documented 503s, 4xx other than 429, connection errors), p95 latency,
and lost tasks: imports not done or failed and outbox rows never started, after a settling period. Exit status 1 on
any failure or lost task; SIGTERM stops the services it started.
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
from collections import Counter
from dataclasses import dataclass, field
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


# What each kind of request may answer besides 2xx/3xx: 503 while the broker or Redis is down (documented), 429 when
# the per-listener throttle holds. Anything else (a 404 from a wrong URL, a 500) counts against the run.
EXPECTED_STATUSES = {503, 429}


def load(url, user, password, until, *, tally, lock):
    """One listener's mixed load until ``until``: searches, track pages, For you, likes, small history uploads."""
    http = requests.Session()
    http.get(f"{url}/accounts/login/")
    http.post(f"{url}/accounts/login/", data={"username": user, "password": password,
                                              "csrfmiddlewaretoken": http.cookies.get("csrftoken", "")},
              headers={"Referer": f"{url}/accounts/login/"})
    http.headers.update({"X-CSRFToken": http.cookies.get("csrftoken", ""), "Referer": f"{url}/"})
    tracks = [row["spotify_id"] for row in http.get(f"{url}/api/tracks/?q=love").json().get("results", [])]
    if not tracks:
        raise SystemExit("the catalog answered no tracks for 'love': load a catalog first")
    rng = random.Random()
    while time.monotonic() < until:
        kind = rng.random()
        started = time.monotonic()
        try:
            if kind < 0.35:
                name = "search"
                response = http.get(f"{url}/api/tracks/?q={rng.choice(['love', 'rock', 'night', 'blue'])}")
            elif kind < 0.5:
                name = "track page"
                response = http.get(f"{url}/tracks/{rng.choice(tracks)}/")
            elif kind < 0.7:
                name = "for you"
                response = http.get(f"{url}/me/for-you/")
            elif kind < 0.9:
                name = "reaction"
                response = http.put(f"{url}/api/me/reactions/{rng.choice(tracks)}/",
                                    json={"reaction": rng.choice(["like", None])})
            else:
                name = "import"
                rows = [{"ts": f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T10:00:00Z", "ms_played": 60000,
                         "master_metadata_track_name": f"song {rng.random()}", "master_metadata_album_artist_name": "x",
                         "spotify_track_uri": None} for _ in range(50)]
                response = http.post(f"{url}/api/me/imports/", files={"file": (
                    "Streaming_History_Audio_2024.json", json.dumps(rows).encode())})
            status = response.status_code
        except requests.RequestException as error:
            status = f"connection: {type(error).__name__}"
        with lock:
            tally.latencies.append(time.monotonic() - started)
            tally.by_kind.setdefault(name, Counter())[status] += 1
            if not isinstance(status, int) or (status >= 400 and status not in EXPECTED_STATUSES):
                tally.errors.append((name, status))


@dataclass
class Tally:
    latencies: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    by_kind: dict = field(default_factory=dict)


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
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # runs the finally below: no orphaned services
    try:
        services.start_all()
        url = f"http://127.0.0.1:{services.web_port}"
        wait_until_up(url)
        began = time.monotonic()
        until = began + options.minutes * 60
        tally, lock = Tally(), threading.Lock()
        clients = [threading.Thread(target=load, args=(url, options.user, options.password, until),
                                    kwargs={"tally": tally, "lock": lock}) for _ in range(options.clients)]
        for client in clients:
            client.start()
        kills, redis_restarted = 0, False
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
        settle_and_report(tally, kills, redis_restarted)
    finally:
        services.stop_all()
    return 1 if tally.errors or LOST else 0


LOST = []


def settle_and_report(tally, kills, redis_restarted, settle_seconds=600):
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
    latencies = sorted(tally.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    for name, statuses in sorted(tally.by_kind.items()):
        print(f"  {name}: {dict(sorted(statuses.items(), key=str))}")
    print(f"requests {len(latencies)}, failed (5xx besides 503, unexpected 4xx, connection errors) "
          f"{len(tally.errors)} {tally.errors[:10]}, p95 {p95 * 1000:.0f} ms, workers killed {kills}, "
          f"redis restarted {redis_restarted}, lost tasks {len(LOST)} {LOST[:10]}")


if __name__ == "__main__":
    sys.exit(main())

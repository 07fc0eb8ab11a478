"""Time `make run` from a fresh clone: pip, then the first page, the first recommendations and the clusters.

Usage: python bench/bench_make_run.py [--reuse-venv] [--keep]

Clones this checkout (its committed HEAD) into a temporary directory with no DATABASE_URL (the SQLite try-out a
newcomer gets) and its own var/ directory. Unless --reuse-venv, `make install` is timed first in a new .venv
(pip's own wheel cache, ~/.cache/pip, is used as a newcomer's second clone would). Then `make run` starts on a
free port: it migrates and imports, then serves while the index and the clusters are built in the background.
Prints, each counted from the clone, when `/` first answers, when the recommendations API first answers 200 and
when /clusters/ first shows a clustering, with the load average at each.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_ROW_TRACK = "5SuOikwiRyPMVoIQDJUgSV"  # "Comedy" by Gen Hoshino, the dataset's first row


def load():
    return f"{os.getloadavg()[0]:.1f}"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answer(url):
    """(status, body) of a GET, (None, "") while nothing listens."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None, ""


def wait_until(condition, server, what):
    while not condition():
        if server.poll() is not None:
            raise SystemExit(f"make run exited before {what}")
        time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse-venv", action="store_true", help="link this checkout's .venv: pip is not timed")
    parser.add_argument("--keep", action="store_true", help="keep the clone (its path is printed)")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="songrec-make-run-"))
    clone = workdir / "songrec"
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SONGREC_VAR_DIR")}
    # The clone finds the dataset the way a fresh clone next to ../shared would.
    env["SONGREC_DATASET"] = env.get("SONGREC_DATASET") or subprocess.run(
        [sys.executable, "-m", "catalog.dataset_finder"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    server = None
    try:
        started = time.perf_counter()
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        if options.reuse_venv:
            (clone / ".venv").symlink_to((ROOT / ".venv").resolve())
            for name in ("requirements.txt", "requirements-dev.txt"):  # older than the linked venv's stamp
                os.utime(clone / name, (0, 0))
            print("install   (not timed: --reuse-venv)")
        else:
            before = load()
            subprocess.run(["make", "--no-print-directory", "install"], cwd=clone, env=env, check=True,
                           stdout=subprocess.DEVNULL)
            print(f"install   {time.perf_counter() - started:7.1f} s   load {before} → {load()}", flush=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        print(f"make run  starts at {time.perf_counter() - started:.1f} s, load {load()}", flush=True)
        server = subprocess.Popen(["make", "--no-print-directory", "run", f"HOST=127.0.0.1:{port}"], cwd=clone,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        milestones = [
            ("first page", lambda: answer(f"{base}/")[0] == 200),
            ("recommendations", lambda: answer(f"{base}/api/recommendations/?seed_tracks={FIRST_ROW_TRACK}")[0] == 200),
            ("clusters", lambda: "No clustering yet" not in answer(f"{base}/clusters/")[1]
             and answer(f"{base}/clusters/")[0] == 200),
        ]
        for name, condition in milestones:
            wait_until(condition, server, name)
            print(f"{name:<15} {time.perf_counter() - started:7.1f} s after the clone   load {load()}", flush=True)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, 15)
            server.wait(timeout=60)
        if options.keep:
            print(f"clone kept in {clone}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time `make run` from a fresh clone to the first page, stage by stage: pip, migrate, import, index, clusters, serve.

Usage: python bench/bench_make_run.py [--reuse-venv] [--keep]

Clones this checkout (its committed HEAD) into a temporary directory and runs the Makefile's stages there one by
one, as `make run` does, with no DATABASE_URL (the SQLite try-out a newcomer gets) and its own var/ directory.
With --reuse-venv the clone's .venv is a link to this checkout's, so the pip stage is not measured (no network, or
to time the rest alone). Then `make serve` starts on a free port and the first page is timed until it answers.
Prints one line per stage with its wall time and the load average before and after.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ["install", "migrate", "data", "index", "clusters"]


def load():
    return f"{os.getloadavg()[0]:.1f}"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make(stage, reuse_venv):
    # --assume-old: with a linked .venv, make must never reinstall (the clone's requirements look newer).
    return ["make", "--no-print-directory", *(["--assume-old=.venv/bin/.installed"] if reuse_venv else []), stage]


def run_stage(clone, env, stage, reuse_venv):
    target = make(stage, reuse_venv) if stage != "migrate" else [
        ".venv/bin/python", "manage.py", "migrate", "--noinput"]
    started, before = time.perf_counter(), load()
    subprocess.run(target, cwd=clone, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, before, load()


def first_page(clone, env, reuse_venv):
    port = free_port()
    started, before = time.perf_counter(), load()
    server = subprocess.Popen([*make("serve", reuse_venv), f"HOST=127.0.0.1:{port}"], cwd=clone,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
                    assert response.status == 200
                    return time.perf_counter() - started, before, load()
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("make serve exited before answering") from None
                time.sleep(0.2)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse-venv", action="store_true", help="link this checkout's .venv: pip is not timed")
    parser.add_argument("--keep", action="store_true", help="keep the clone (its path is printed)")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="songrec-make-run-"))
    clone = workdir / "songrec"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    # The clone finds the dataset the way a fresh clone next to ../shared would.
    env["SONGREC_DATASET"] = env.get("SONGREC_DATASET") or subprocess.run(
        [sys.executable, "-m", "catalog.dataset_finder"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    try:
        total = 0.0
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        if options.reuse_venv:
            (clone / ".venv").symlink_to((ROOT / ".venv").resolve())
        for stage in STAGES:
            if stage == "install" and options.reuse_venv:
                print("install   (not timed: --reuse-venv)")
                continue
            seconds, before, after = run_stage(clone, env, stage, options.reuse_venv)
            total += seconds
            print(f"{stage:<9} {seconds:7.1f} s   load {before} → {after}", flush=True)
        seconds, before, after = first_page(clone, env, options.reuse_venv)
        total += seconds
        print(f"{'serve':<9} {seconds:7.1f} s   load {before} → {after}   (start to the first page answered)")
        print(f"{'total':<9} {total:7.1f} s")
    finally:
        if options.keep:
            print(f"clone kept in {clone}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Bounded load test on the loopback: gunicorn + N clients for T seconds, the mixed workload vs a trivial one.

Usage: python bench/bench_load.py [--clients 20] [--seconds 20] [--workers 4] [--threads 1] [--port 8800]
                                  [--max-requests 20000] [--only search,track,similar,recommend] [--no-preload]
                                  [--no-gc-freeze] [--addresses 5000]
       python bench/bench_load.py --profile [--requests 200] [--only …]

Starts gunicorn with songrec/gunicorn_conf.py (the app, search index and index files loaded before forking, gc
frozen) on 127.0.0.1:PORT against DATABASE_URL, which must hold a catalog with an active index version (e.g. after
bench_recommend.py or ``make data index``). Then, for T seconds or at most --max-requests requests each: a trivial
endpoint (a static file served by WhiteNoise), then the mix — search API, track page, similar API, multi-seed
recommendations, in equal shares — from N client threads with keep-alive connections, each request forwarded for
one of --addresses listeners (X-Forwarded-For, the server trusting one proxy), so the anonymous API throttle runs
at its production rate for many listeners. Prints requests/s, p50/p95/p99 per kind, the 1-minute load average, and
the ratio of the mix's p50 to the trivial endpoint's, the CPU per mix request of the workers, of the PostgreSQL
backends connected to DATABASE_URL's database, of the Redis server (all of it) and of this client (and the
requests/s that total allows on idle cores), then each worker's memory (RSS, PSS: shared pages split between the
processes sharing them, USS: its own pages only). The clients run on the same cores as the server: compare runs,
not machines.

``--profile`` runs no server: each kind's requests go through Django's test client in this process, with the
SQL queries counted (``CaptureQueriesContext``) and the functions that take the most time listed (cProfile).
"""

import argparse
import cProfile
import http.client
import io
import os
import pstats
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")
KINDS = ("search", "track", "similar", "recommend")
# What a TLS-terminating proxy in front of gunicorn sends: without it DEBUG=0 answers every request with a
# redirect to https (SECURE_SSL_REDIRECT), and that is all a load test would measure.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def lift_the_anonymous_throttle():
    """For runs where every request comes from one address (127.0.0.1): the anonymous API throttle (300/minute)
    would answer 429 within a second. It still runs on every request, it just never refuses. Its sliding log then
    holds every request of the last minute (thousands of timestamps, read and written whole on each request), a
    cost no real client mix has: the server runs use --addresses instead."""
    os.environ.setdefault("API_THROTTLE_ANON", "10000000/minute")


def client_address(index):
    """The ``index``-th listener's address, as the proxy in front of gunicorn forwards it (a documentation
    prefix, RFC 3849: only a header value, never a destination)."""
    return f"2001:db8::{index:x}"


def workload(seed=0, size=3000):
    """(kind, path) requests drawn from the catalog: real names with a typo, indexed tracks, 3-seed lists."""
    import django

    django.setup()
    from catalog.models import Track
    from recommender import selectors, storage

    version = selectors.active_version()
    if version is None:
        sys.exit("no active index version in DATABASE_URL: import the dataset and build the index first")
    data = storage.version_data(version.pk)
    rng = random.Random(seed)
    ids = rng.sample(data.track_ids.tolist(), min(size, len(data)))
    tracks = {track.pk: track for track in Track.objects.filter(pk__in=ids).prefetch_related("artists")}
    requests = {kind: [] for kind in KINDS}
    for track_id in ids:
        track = tracks[track_id]
        artist = track.artists.all()[0].name if track.artists.all() else ""
        query = f"{artist} {track.name}"[:40]
        if len(query) > 6:
            position = rng.randrange(1, len(query) - 1)
            query = query[:position] + query[position + 1:]  # one typo
        requests["search"].append(f"/api/tracks/?q={quote(query)}&limit=20")
        requests["track"].append(f"/tracks/{track.spotify_id}/")
        requests["similar"].append(f"/api/tracks/{track.spotify_id}/similar/?k=10")
        seeds = ",".join(tracks[other].spotify_id for other in rng.sample(ids, 3))
        requests["recommend"].append(f"/api/recommendations/?seed_tracks={seeds}&limit=20")
    return requests


def run_clients(port, paths, *, clients, seconds, max_requests, addresses=0):
    """Hit ``paths`` (list of (kind, path)) round-robin from ``clients`` threads; {kind: [latencies]}, errors.

    With ``addresses``, request i arrives as if forwarded for listener i mod ``addresses`` (X-Forwarded-For).
    """
    latencies, errors, lock = {}, [], threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(max_requests))

    def client(number):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local = []
        offset = number * 7919
        while time.monotonic() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            kind, path = paths[(offset + index) % len(paths)]
            headers = PROXY_HEADERS if not addresses else {
                **PROXY_HEADERS, "X-Forwarded-For": client_address(index % addresses)}
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:  # a redirect is not a page served either
                    errors.append((path, response.status))
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                errors.append((path, repr(error)))
                connection.close()
                continue
            local.append((kind, time.perf_counter() - started))
        with lock:
            for kind, seconds_taken in local:
                latencies.setdefault(kind, []).append(seconds_taken)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def report(label, latencies, errors, elapsed):
    everything = np.concatenate([np.asarray(values) for values in latencies.values()]) * 1000
    load = os.getloadavg()[0]
    print(f"{label}: {len(everything):,} requests in {elapsed:.1f} s = {len(everything) / elapsed:,.0f} req/s; "
          f"p50 {np.percentile(everything, 50):.1f} ms, p95 {np.percentile(everything, 95):.1f} ms, "
          f"p99 {np.percentile(everything, 99):.1f} ms; {len(errors)} errors; load {load:.2f}")
    if len(latencies) > 1:
        for kind, values in sorted(latencies.items()):
            values = np.asarray(values) * 1000
            print(f"  {kind:<10} n={len(values):>6,}  p50 {np.percentile(values, 50):6.1f} ms  "
                  f"p95 {np.percentile(values, 95):6.1f} ms  p99 {np.percentile(values, 99):6.1f} ms  "
                  f"max {values.max():6.1f} ms")
    for path, status in errors[:5]:
        print(f"  error: {status} {path}")
    return np.percentile(everything, 50), len(everything) / elapsed


def profile_in_process(requests, kinds, count):
    """Per kind: CPU and wall time, SQL queries per request and cProfile's top functions, via the test client.

    The profile counts this process's CPU time (not time spent waiting for PostgreSQL), so it shows what the
    web worker itself spends on a request even on a machine other jobs are keeping busy.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers=PROXY_HEADERS)  # with DEBUG=0, without the header every answer is a redirect
    for kind in kinds:
        paths = requests[kind][:count]
        for path in paths[:5]:  # first use of each code path (imports, memory maps) is not what is measured
            client.get(path)
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            statuses = [client.get(path).status_code for path in paths]
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        bad = [status for status in statuses if status != 200]
        print(f"{kind}: {len(paths)} requests, {1000 * cpu / len(paths):.1f} ms CPU and {1000 * wall / len(paths):.1f}"
              f" ms wall each, {len(queries) / len(paths):.1f} SQL queries each, {len(bad)} errors")
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for path in paths:
            client.get(path)
        profiler.disable()
        for order, lines in (("tottime", 12), ("cumulative", 30)):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(lines)
            print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


def worker_pids(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_seconds(pids):
    """User + system CPU seconds the processes have used so far (/proc/<pid>/stat); ended ones count 0."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            total += sum(int(value) for value in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13])
        except FileNotFoundError:
            pass
    return total / ticks


def database_backends():
    """Process ids of the PostgreSQL backends connected to this benchmark's database (the workers' connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                       "pg_backend_pid()")
        pids = [row[0] for row in cursor.fetchall()]
    return [pid for pid in pids if Path(f"/proc/{pid}/stat").exists()]  # a server on another host: none


def memory_per_worker(master_pid):
    """[(pid, RSS, PSS, USS in MB)] of gunicorn's workers, from /proc/<pid>/smaps_rollup (Linux)."""
    rows = []
    for pid in worker_pids(master_pid):
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0]) / 1024
        rows.append((int(pid), fields["Rss"], fields["Pss"], fields["Private_Clean"] + fields["Private_Dirty"]))
    return rows


def redis_cpu_seconds():
    """User + system CPU seconds of the Redis server behind REDIS_URL (its whole server: other users count too)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return 0.0
    import redis

    info = redis.Redis.from_url(url).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def start_server(port, *, workers, threads, preload, gc_freeze, addresses):
    # Behind one proxy (TRUSTED_PROXY_COUNT=1) the throttle counts each forwarded listener at its own rate.
    proxy = {"TRUSTED_PROXY_COUNT": "1"} if addresses else {}
    env = {**os.environ, **proxy, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
           "GUNICORN_THREADS": str(threads), "GUNICORN_GC_FREEZE": "1" if gc_freeze else "0", "DEBUG": "0",
           "USE_X_FORWARDED_PROTO": "1", "GUNICORN_PRELOAD": "1" if preload else "0",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "songrec" / "gunicorn_conf.py"), "songrec.wsgi"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/static/recommender/index_status.js")
            connection.getresponse().read()
            return process
        except OSError:
            if process.poll() is not None:
                sys.exit(f"gunicorn exited: {process.stderr.read()[-2000:]}")
            time.sleep(0.5)
    process.terminate()
    sys.exit("gunicorn did not answer within 120 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="per worker; more than 1 uses gthread workers")
    parser.add_argument("--no-gc-freeze", action="store_true", help="no gc.freeze() after the warm-up")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--max-requests", type=int, default=20_000, help="per phase")
    parser.add_argument("--only", default=",".join(KINDS), help="comma-separated kinds for the mix")
    parser.add_argument("--no-preload", action="store_true", help="gunicorn without preloading (for comparison)")
    parser.add_argument("--profile", action="store_true", help="no server: profile each kind in process")
    parser.add_argument("--requests", type=int, default=200, help="per kind, with --profile")
    parser.add_argument("--addresses", type=int, default=5000,
                        help="listeners the requests are forwarded for, each throttled at the production rate "
                             "(0: all from 127.0.0.1 with the anonymous throttle lifted, as before)")
    options = parser.parse_args()
    if options.profile or not options.addresses:
        lift_the_anonymous_throttle()
    kinds = [kind for kind in options.only.split(",") if kind in KINDS]
    requests = workload()
    if options.profile:
        return profile_in_process(requests, kinds, options.requests)
    mix = [(kind, path) for group in zip(*(requests[kind] for kind in kinds), strict=True)
           for kind, path in zip(kinds, group, strict=True)]
    static = [("static", path) for path in ["/static/recommender/index_status.js"] * 100]
    print(f"load before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}; {options.clients} clients"
          f"{f' for {options.addresses:,} listeners' if options.addresses else ' (one address, throttle lifted)'}, "
          f"{options.workers} gunicorn workers × {options.threads} threads, {options.seconds:.0f} s per phase, "
          f"127.0.0.1:{options.port}")
    started = time.perf_counter()
    server = start_server(options.port, workers=options.workers, threads=options.threads,
                          preload=not options.no_preload, gc_freeze=not options.no_gc_freeze,
                          addresses=options.addresses)
    print(f"gunicorn up in {time.perf_counter() - started:.1f} s (preload: {not options.no_preload}, "
          f"gc.freeze: {not options.no_gc_freeze})")
    try:
        # The first request of each kind per worker (imports, caches) is not what the phases below measure; its
        # max shows whether a worker still builds the search index on its first search (no preload: ~2 s).
        report("warm-up (first 200 requests)", *run_clients(options.port, mix[:200], clients=options.clients,
                                                            seconds=10, max_requests=200,
                                                            addresses=options.addresses))
        trivial_p50, trivial_rate = report("trivial (static file)", *run_clients(
            options.port, static, clients=options.clients, seconds=options.seconds,
            max_requests=options.max_requests, addresses=options.addresses))
        workers, backends = worker_pids(server.pid), database_backends()
        cpu = {"workers": cpu_seconds(workers), "Redis": redis_cpu_seconds(), "client": time.process_time()}
        backend_cpu = {pid: cpu_seconds([pid]) for pid in backends}
        mix_results = run_clients(options.port, mix, clients=options.clients, seconds=options.seconds,
                                  max_requests=options.max_requests, addresses=options.addresses)
        # Backends opened during the phase started from zero; the share of one closed during it is missed.
        used = {"workers": cpu_seconds(workers) - cpu["workers"],
                "PostgreSQL": sum(max(cpu_seconds([pid]) - backend_cpu.get(pid, 0), 0)
                                  for pid in set(backends) | set(database_backends())),
                "Redis": redis_cpu_seconds() - cpu["Redis"],
                "client": time.process_time() - cpu["client"]}
        mix_p50, mix_rate = report(f"mix ({', '.join(kinds)})", *mix_results)
        served = max(sum(len(values) for values in mix_results[0].values()), 1)
        # CPU per request does not depend on how many cores other jobs leave free: cores / total CPU per request
        # is the most this machine could serve with nothing else running (the client's share is the benchmark's).
        cores, total = os.cpu_count() or 1, sum(used.values())
        print("  CPU per mix request: " + ", ".join(f"{name} {1000 * seconds / served:.1f} ms"
                                                    for name, seconds in used.items())
              + f"; total {1000 * total / served:.1f} ms → at most {served * cores / total:,.0f} req/s on "
                f"{cores} idle cores ({served * cores / (total - used['client']):,.0f} with the client elsewhere)")
        print(f"mix vs trivial: p50 {mix_p50 / trivial_p50:.1f}×, throughput {mix_rate / trivial_rate:.2f}× "
              f"(goal: ≥ 200 req/s for the mix with p95 < 100 ms)")
        for pid, rss, pss, uss in memory_per_worker(server.pid):
            print(f"  worker {pid}: RSS {rss:.0f} MB, PSS {pss:.0f} MB, USS {uss:.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

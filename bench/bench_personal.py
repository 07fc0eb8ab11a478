"""Benchmark "For you" at 10,000 listeners: model training time, latency p50/p95 and offline nDCG@10 per method.

Usage: DATABASE_URL=... nice python bench/bench_personal.py [--listeners 10000] [--requests 300] [--seed 7]
       [--reuse] [--profile] [--lock /tmp/songrec-bench.lock]
``--listeners 1000`` sets up in a minute or two for iteration (the reported figures come from 10,000);
``--reuse`` skips the setup and training and times the listeners and model already stored by an earlier run;
``--profile`` adds the functions that took the most time inside ``for_you`` (cProfile, cumulative);
``--lock FILE`` holds an exclusive flock on FILE only while training and timing, not during the set-up (which
takes ~15 min at 10,000 listeners and times nothing that is reported as a goal), instead of ``flock FILE`` around
the whole run.
Needs the catalog imported and an active index (bench/bench_import.py, then bench/bench_recommend.py or
``manage.py rebuild_index``). It EMPTIES the listeners' tables (likes, plays, picks, imports) and the
bench-listener users, then creates synthetic listeners with 50–500 interactions each, drawn from the real
catalog's genres and artists: every listener has 1–3 favourite genres and 2–6 favourite artists in them; items
come from those genres (popularity-biased) and, for a third, from the favourite artists' tracks. About 20% of a
listener's items are likes, 3% dislikes, the rest plays (1–3 each, over the last year).

Then it trains the collaborative model the way the nightly task does (held-out split, ALS, content-based,
hybrid, popularity baseline, MLflow) and measures ``for_you`` in-process and ``GET /api/me/recommendations/``
through Django's test Client (routing, DRF, session auth, every query; no HTTP server), each twice: cold (the
listener's signals marked changed just before, so the ranking is computed: the first request after a like, an
import or a new model) and warm (the same listeners again: the cached ranking, names and visibility read afresh).
"""

import argparse
import contextlib
import cProfile
import fcntl
import logging
import os
import pstats
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from timing import percentile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")
USERNAME_PREFIX = "bench-listener-"


def load():
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def synthetic_listeners(data, lead_artists, count, rng):
    """[(likes, dislikes, plays)] per listener: lists of index positions (plays as (position, times))."""
    genre_count = int(data.genre_indices.max()) + 1
    owners = np.repeat(np.arange(len(data)), np.diff(data.genre_indptr))
    pools = [owners[data.genre_indices == genre] for genre in range(genre_count)]
    genres = [genre for genre in range(genre_count) if len(pools[genre]) >= 100]
    weight = data.popularity.astype(np.float64) + 5.0
    by_artist = {}
    for position, artist in enumerate(lead_artists):
        by_artist.setdefault(artist, []).append(position)
    listeners = []
    for _ in range(count):
        favourite = rng.choice(genres, size=rng.integers(1, 4), replace=False)
        pool = np.unique(np.concatenate([pools[genre] for genre in favourite]))
        artists = list({lead_artists[p] for p in rng.choice(pool, size=40)})
        artists = [artists[i] for i in rng.permutation(len(artists))[:rng.integers(2, 7)]]
        artist_pool = np.array(sorted({p for artist in artists for p in by_artist[artist]}))
        size = int(rng.integers(50, 501))
        from_artists = min(len(artist_pool), size // 3)
        chosen = set(rng.choice(artist_pool, size=from_artists, replace=False).tolist()) if from_artists else set()
        probabilities = weight[pool] / weight[pool].sum()
        extra = rng.choice(pool, size=min(len(pool), size * 2), replace=False, p=probabilities)
        for position in extra.tolist():
            if len(chosen) >= size:
                break
            chosen.add(position)
        items = rng.permutation(np.array(sorted(chosen)))
        likes_end, dislikes_end = int(0.2 * len(items)), int(0.23 * len(items))
        listeners.append((items[:likes_end], items[likes_end:dislikes_end],
                          [(p, int(rng.integers(1, 4))) for p in items[dislikes_end:]]))
    return listeners


def copy_rows(table, columns, rows):
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def store(listeners, data, rng):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from recommender.personal.models import HistoryImport, Play, Reaction, TastePick

    User = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Play._meta.db_table}, {Reaction._meta.db_table}, {TastePick._meta.db_table}, "
                       f"{HistoryImport._meta.db_table}")
    User.objects.filter(username__startswith=USERNAME_PREFIX).delete()
    password = make_password(None)
    users = User.objects.bulk_create([User(username=f"{USERNAME_PREFIX}{n}", password=password)
                                      for n in range(len(listeners))], batch_size=5000)
    now = datetime.now(UTC)
    track_ids = data.track_ids
    reactions = plays = 0
    with transaction.atomic():
        reaction_rows, play_rows = [], []
        for user, (likes, dislikes, played) in zip(users, listeners, strict=True):
            for value, positions in ((1, likes), (-1, dislikes)):
                reaction_rows.extend((user.pk, int(track_ids[p]), value, now, now) for p in positions)
            for position, times in played:
                for _ in range(times):
                    play_rows.append((user.pk, int(track_ids[position]),
                                      now - timedelta(seconds=int(rng.integers(0, 365 * 86400))),
                                      int(rng.integers(30_000, 300_000))))
        copy_rows(Reaction._meta.db_table, ["user_id", "track_id", "value", "created_at", "updated_at"],
                  reaction_rows)
        copy_rows(Play._meta.db_table, ["user_id", "track_id", "played_at", "ms_played"],
                  {(u, t, at): (u, t, at, ms) for u, t, at, ms in play_rows}.values())
        reactions, plays = len(reaction_rows), len(play_rows)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Play._meta.db_table}; ANALYZE {Reaction._meta.db_table}")
    return users, reactions, plays


@contextlib.contextmanager
def bench_lock(path):
    """Hold an exclusive flock on ``path`` (the same lock ``flock(1)`` takes), or nothing when ``path`` is None."""
    if path is None:
        yield
        return
    with open(path, "a") as handle:
        print(f"waiting for {path}… load {load()}", flush=True)
        fcntl.flock(handle, fcntl.LOCK_EX)
        print(f"holding {path}; load {load()}", flush=True)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def set_up(options, data, lead_artists):
    """Create the synthetic listeners (untimed as a goal: the set-up is not part of the benchmark)."""
    rng = np.random.default_rng(options.seed)
    started = time.perf_counter()
    listeners = synthetic_listeners(data, lead_artists, options.listeners, rng)
    users, reactions, plays = store(listeners, data, rng)
    sizes = [len(likes) + len(dislikes) + len(played) for likes, dislikes, played in listeners]
    print(f"{len(users):,} listeners, {min(sizes)}–{max(sizes)} items each (mean {statistics.mean(sizes):.0f}): "
          f"{reactions:,} likes/dislikes, {plays:,} plays, stored in {time.perf_counter() - started:.1f} s; "
          f"load {load()}", flush=True)
    return users


def train():
    """Train the model as the nightly task does and print the figures."""
    from django.conf import settings

    from recommender.personal.training import train_personal_model

    print(f"training (threads={settings.PERSONAL_ALS_THREADS}, evaluating {settings.PERSONAL_EVAL_MAX_LISTENERS} "
          f"listeners)… load {load()}")
    started = time.perf_counter()
    model = train_personal_model().model
    total = time.perf_counter() - started
    print(f"model {model.pk}: {model.n_listeners:,} listeners × {model.n_tracks:,} tracks, "
          f"{model.n_interactions:,} interactions; ALS fit {model.train_seconds:.1f} s, whole training "
          f"(read, split, evaluate, fit, save, MLflow) {total:.1f} s; blend weight {model.blend_weight}; load {load()}")
    print("held-out @10        precision   recall    nDCG   nDCG vs popularity")
    base = model.metrics["popularity"]["ndcg_at_10"]
    for method in ("popularity", "content", "als", "hybrid"):
        values = model.metrics.get(method)
        if values:
            print(f"  {method:<16} {values['precision_at_10']:>9.4f} {values['recall_at_10']:>8.4f} "
                  f"{values['ndcg_at_10']:>7.4f}   ×{values['ndcg_at_10'] / base if base else float('nan'):.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listeners", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="time the listeners and model already stored")
    parser.add_argument("--profile", action="store_true", help="print where for_you spends its time")
    parser.add_argument("--lock", help="flock this file only while training and timing")
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from catalog.models import TrackArtist
    from recommender import selectors, storage

    settings.DEBUG = False
    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login would bury the figures
    version = selectors.active_version()
    if version is None:
        sys.exit("no active index: import the dataset and run manage.py rebuild_index first")
    data = storage.version_data(version.pk)
    print(f"index version {version.pk}: {len(data):,} tracks; load {load()}")
    lead = dict(TrackArtist.objects.filter(position=0).values_list("track_id", "artist_id"))
    lead_artists = [lead.get(int(track_id), -int(track_id)) for track_id in data.track_ids]

    if options.reuse:
        from django.contrib.auth import get_user_model

        users = list(get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).order_by("pk"))
        if not users:
            sys.exit("--reuse: no bench listeners stored yet; run once without it")
        print(f"reusing {len(users):,} stored listeners and the active model")
    else:
        users = set_up(options, data, lead_artists)
    with bench_lock(options.lock):
        if not options.reuse:
            train()
        time_requests(options, users, data)


def time_requests(options, users, data):
    """Time for_you and the API, cold then warm, on a sample of ``users``, and print the figures."""
    from django.test import Client

    from recommender.personal.foryou import for_you

    sample = random.Random(options.seed).sample(users, min(options.requests + 1, len(users)))
    for_you(sample[0], limit=20)  # warm: memory-map the index and the model
    profiler = cProfile.Profile() if options.profile else None
    cold, methods = time_for_you(sample[1:], profiler)
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    report("for_you(limit=20) in-process, cold (first request after a change to the listener's signals)",
           cold, f"{methods}")
    warm, _ = time_for_you(sample[1:], None, change_first=False)
    report("for_you(limit=20) in-process, warm (repeated request, ranking cached)", warm)
    # Reference in the same run: the dense product over the whole memory-mapped catalog that each request made
    # before catalog_vectors (two taste centres, BLAS threads as configured).
    centres = np.asarray(data.normalized[:2]).astype(np.float32)
    reference = []
    for _ in range(len(cold)):
        began = time.perf_counter()
        np.asarray(data.normalized) @ centres.T
        reference.append((time.perf_counter() - began) * 1000)
    print(f"reference, one dense pass over the catalog for 2 tastes: p50 {percentile(reference, 0.5):.1f} ms "
          f"(cold for_you p50 / reference p50 = {percentile(cold, 0.5) / percentile(reference, 0.5):.2f}, warm "
          f"{percentile(warm, 0.5) / percentile(reference, 0.5):.2f}); load {load()}")
    client = Client()
    for label, change_first in (("cold", True), ("warm", False)):
        timings = []
        for user in sample[1:]:
            client.force_login(user)
            if change_first:
                signals_changed(user.pk)
            began = time.perf_counter()
            response = client.get("/api/me/recommendations/?limit=20")
            timings.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                sys.exit(f"API answered {response.status_code}: {response.content[:300]!r}")
        report(f"GET /api/me/recommendations/?limit=20, {label}", timings, "goal < 30 ms")


def time_for_you(users, profiler, change_first=True):
    """Milliseconds of ``for_you(limit=20)`` per user, each first marked changed (cold) unless told not to."""
    from recommender.personal.foryou import for_you

    timings, methods = [], {}
    for user in users:
        if change_first:
            signals_changed(user.pk)  # outside the timer, as a like is a request of its own
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        personal = for_you(user, limit=20)
        if profiler is not None:
            profiler.disable()
        timings.append((time.perf_counter() - began) * 1000)
        methods[personal.method] = methods.get(personal.method, 0) + 1
    return timings, methods


def report(label, timings, note=""):
    print(f"{label}: p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms over "
          f"{len(timings)} requests{f' ({note})' if note else ''}; load {load()}")


def signals_changed(user_id):
    from recommender.personal.freshness import signals_changed as mark

    mark(user_id)

if __name__ == "__main__":
    main()

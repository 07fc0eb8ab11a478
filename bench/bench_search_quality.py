"""Search quality and latency on the real dataset: recall@5 per query kind, p50/p95, and rapidfuzz's full scan.

Usage: python bench/bench_search_quality.py [CSV] [--seed 8] [--baseline-queries 50] [--show-misses]

No database: the CSV is read with catalog.importers and indexed with catalog.search.SearchIndex.from_rows,
exactly as the web process indexes the catalog. Queries are made from tracks of popularity ≥ 40 (Hangul and
Japanese titles: any popularity) with a fixed random seed:

* exact: "artist title"; one typo: one character dropped, swapped, replaced or inserted in "artist title";
* missing word: "artist title" with one word of a title of 3+ words left out;
* as you type: the lead artist's last name word and the title cut after 60–90 % of its letters;
* artist only: the lead artist's name (hit: any of their tracks in the top 5);
* hangul / japanese: a title from the file written in Hangul / Japanese, alone (hit: any track of that title).

A hit is the intended song (any release of it) in the top 5. Nonsense queries (random letters) show what the
"no matches" threshold (catalog.search.MIN_SCORE) leaves. The baseline is rapidfuzz's plain
``process.extract(query, all "artists title" strings, scorer=WRatio, limit=5)`` on a subset of the queries.
"""

import argparse
import gc
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from timing import percentile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")

HANGUL = re.compile(r"[\uac00-\ud7a3]")
JAPANESE = re.compile(r"[\u3040-\u30ff]")  # kana: a title with kana is Japanese, not Chinese
KINDS = {"exact": 60, "one typo": 120, "missing word": 50, "as you type": 50, "artist only": 50, "hangul": 25,
         "japanese": 25}


def typo(rng, text):
    """One edit inside a word of 4+ letters (a typo at a word boundary would be a different word)."""
    spots = [i for i in range(1, len(text) - 1) if text[i].isalnum() and text[i - 1].isalnum()
             and text[i + 1].isalnum()]
    if not spots:
        return text
    i = rng.choice(spots)
    action = rng.choice(("drop", "swap", "replace", "insert"))
    if action == "drop":
        return text[:i] + text[i + 1:]
    if action == "swap":
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    letter = rng.choice("aeiounrst")
    return text[:i] + letter + text[i + (action == "replace"):]


def make_queries(records, rng):
    """[(kind, query, is_hit(track index) callable)] from the records, fixed by the rng."""
    from catalog.songs import normalise_text, song_key

    popular = [r for r in records if (r.popularity or 0) >= 40 and r.artists and len(r.name) >= 4]
    rng.shuffle(popular)
    queries = []

    def same_song(record):
        key = song_key(record.name, record.artists)
        return lambda hit: hit.song_key == key

    def same_title(record):
        title = normalise_text(record.name)
        return lambda hit: normalise_text(hit.name) == title

    picks = iter(popular)
    for kind, count in KINDS.items():
        made = 0
        source = picks
        if kind in ("hangul", "japanese"):
            pattern = HANGUL if kind == "hangul" else JAPANESE
            pool = [r for r in records if pattern.search(r.name) and len(r.name) >= 2]
            rng.shuffle(pool)
            source = iter(pool)
        for record in source:
            if made == count:
                break
            full = f"{record.artists[0]} {record.name}"
            if kind == "exact":
                queries.append((kind, full, same_song(record)))
            elif kind == "one typo":
                changed = typo(rng, full)
                if changed == full:
                    continue
                queries.append((kind, changed, same_song(record)))
            elif kind == "missing word":
                words = record.name.split()
                if len(words) < 3:
                    continue
                words.pop(rng.randrange(len(words)))
                queries.append((kind, f"{record.artists[0]} {' '.join(words)}", same_song(record)))
            elif kind == "as you type":
                cut = max(3, int(len(record.name) * rng.uniform(0.6, 0.9)))
                queries.append((kind, f"{record.artists[0].split()[-1]} {record.name[:cut]}", same_song(record)))
            elif kind == "artist only":
                artist = normalise_text(record.artists[0])
                queries.append((kind, record.artists[0],
                                lambda hit, artist=artist: artist in {normalise_text(a) for a in hit.artists}))
            else:
                queries.append((kind, record.name, same_title(record)))
            made += 1
    return queries


def nonsense(rng, count):
    letters = "bcdfghjklmnpqrstvwxz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(5, 9))) + " "
            + "".join(rng.choice(letters) for _ in range(rng.randint(4, 8))) for _ in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", nargs="?")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--baseline-queries", type=int, default=50)
    parser.add_argument("--show-misses", action="store_true")
    options = parser.parse_args()

    import django

    django.setup()
    from rapidfuzz import fuzz, process

    from bench.synthetic import dataset_path
    from catalog import search
    from catalog.importers import read_tracks
    from catalog.songs import song_key

    path = dataset_path(options.csv)
    records = list(read_tracks(path).records.values())
    for record in records:
        record.song_key = song_key(record.name, record.artists)
    started = time.perf_counter()
    index = search.SearchIndex.from_rows(0, ((number, r.artists, r.name, r.album_name, r.popularity, r.song_key)
                                             for number, r in enumerate(records)))
    print(f"{path.name}: {len(records)} tracks, index built in {time.perf_counter() - started:.1f} s; "
          f"MIN_SCORE {search.MIN_SCORE}, {search.CANDIDATES} candidates; commit {_commit()}")

    # Like the web process (songrec/gunicorn_conf.py): the index's objects leave the garbage collector's care.
    gc.freeze()
    rng = random.Random(options.seed)
    queries = make_queries(records, rng)
    index.search("warm up", 5)
    by_kind, timings, cpu, hit_scores = {}, [], [], []
    for kind, query, is_hit in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        hits = index.search(query, 5)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        found = [hit for hit in hits if is_hit(records[hit.track_id])]
        by_kind.setdefault(kind, []).append(bool(found))
        if found:
            hit_scores.append(found[0].score)
        elif options.show_misses:
            print(f"  miss: {query!r} → {[records[h.track_id].name for h in hits]}")
    print(f"{len(queries)} queries, recall@5 (intended song in the top 5):")
    for kind, hits in by_kind.items():
        print(f"  {kind:13s} {sum(hits) / len(hits):.3f}  ({sum(hits)}/{len(hits)})")
    everything = [hit for hits in by_kind.values() for hit in hits]
    print(f"  {'all':13s} {sum(everything) / len(everything):.3f}")
    print(f"songrec search, wall: p50 {statistics.median(timings):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms, "
          f"max {max(timings):.2f} ms; CPU: p50 {statistics.median(cpu):.2f} ms, p95 {percentile(cpu, 0.95):.2f} ms "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"score of the intended hit: min {min(hit_scores):.1f}, 1st percentile {percentile(hit_scores, 0.01):.1f}")

    junk = nonsense(rng, 200)
    junk_results = [index.search(query, 5) for query in junk]
    # Their best scores without the threshold: how far below it nonsense stays.
    threshold, search.MIN_SCORE = search.MIN_SCORE, 0
    junk_best = [hits[0].score if hits else 0.0 for hits in (index.search(query, 1) for query in junk)]
    search.MIN_SCORE = threshold
    print(f"nonsense queries: {sum(1 for hits in junk_results if not hits)}/{len(junk)} answered 'no matches'; "
          f"best score without the threshold p50 {statistics.median(junk_best):.1f}, "
          f"p99 {percentile(junk_best, 0.99):.1f}, max {max(junk_best):.1f}")

    choices = index.keys
    subset = queries[:: max(1, len(queries) // options.baseline_queries)][: options.baseline_queries]
    baseline_times, baseline_cpu, baseline_hits = [], [], []
    for _, query, is_hit in subset:
        normalized = search.normalize(query)
        started, started_cpu = time.perf_counter(), time.process_time()
        top = process.extract(normalized, choices, scorer=fuzz.WRatio, processor=None, limit=5)
        baseline_times.append((time.perf_counter() - started) * 1000)
        baseline_cpu.append((time.process_time() - started_cpu) * 1000)
        baseline_hits.append(any(is_hit(records[position]) for _, _, position in top))
    ours = [timings[queries.index(item)] for item in subset]
    ours_cpu = [cpu[queries.index(item)] for item in subset]
    ours_hits = [by_kind_hit for by_kind_hit in (
        any(is_hit(records[h.track_id]) for h in index.search(query, 5)) for _, query, is_hit in subset)]
    print(f"rapidfuzz process.extract over all {len(choices)} strings, same {len(subset)} queries: "
          f"wall p50 {statistics.median(baseline_times):.1f} ms, p95 {percentile(baseline_times, 0.95):.1f} ms, "
          f"CPU p50 {statistics.median(baseline_cpu):.1f} ms, "
          f"recall@5 {sum(baseline_hits) / len(subset):.3f} (songrec on these: {sum(ours_hits) / len(subset):.3f})")
    print(f"ratio songrec / full scan: wall p50 {statistics.median(ours) / statistics.median(baseline_times):.3f}, "
          f"p95 {percentile(ours, 0.95) / percentile(baseline_times, 0.95):.3f}; "
          f"CPU p50 {statistics.median(ours_cpu) / statistics.median(baseline_cpu):.3f}")


def _commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    main()

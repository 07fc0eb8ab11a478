"""Measure fuzzy-search latency (p50/p95) at full catalog size, through the JSON API.

Usage: DATABASE_URL=... python bench/bench_search.py [--queries N]
Run bench/bench_import.py first (same DATABASE_URL) so the catalog holds the dataset.
Queries are real titles and artist names from the catalog with typos injected, plus a few Hangul queries.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from timing import percentile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")


def typo(rng, text):
    if len(text) < 4:
        return text
    position = rng.randrange(1, len(text) - 1)
    action = rng.choice(("drop", "swap", "replace"))
    if action == "drop":
        return text[:position] + text[position + 1:]
    if action == "swap":
        return text[:position - 1] + text[position] + text[position - 1] + text[position + 1:]
    return text[:position] + rng.choice("aeioust") + text[position + 1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=300)
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from catalog.models import Track
    from catalog.search import get_index

    rng = random.Random(7)
    sample = list(Track.objects.visible().order_by("?").values_list("name", "track_artists__artist__name")
                  [: options.queries])
    if not sample:
        sys.exit("the catalog is empty: run bench/bench_import.py first")
    queries = []
    for name, artist in sample:
        kind = rng.random()
        if kind < 0.4:
            queries.append(typo(rng, name))
        elif kind < 0.7:
            queries.append(f"{typo(rng, artist or '')} {name}")
        else:
            queries.append(typo(rng, (artist or name)[: rng.randint(3, 12)]))
    # A long title with its artist can pass the search's length limit, which the API answers with a 400.
    queries = [query[: settings.SEARCH_MAX_QUERY_LENGTH] for query in queries]

    started = time.perf_counter()
    index = get_index()
    print(f"index build: {time.perf_counter() - started:.2f} s for {len(index.track_ids)} tracks")

    client = Client()
    timings = {"search function": [], "GET /api/tracks/?q=": []}
    from catalog.search import search_tracks

    for query in queries:
        started = time.perf_counter()
        search_tracks(query)
        timings["search function"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        response = client.get("/api/tracks/", {"q": query})
        timings["GET /api/tracks/?q="].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    for label, values in timings.items():
        print(f"{label}: p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
              f"max {max(values):.1f} ms over {len(values)} queries")


if __name__ == "__main__":
    main()

"""Benchmark the evaluation app at full catalog size: filling a campaign, evaluators rating concurrently,
aggregates, the results page, human scores beside cosine scores, and the CSV export.

Usage: DATABASE_URL=postgres://…/songrec_bench python bench/bench_evaluation.py [CSV] [--seeds 50] [--k 10]
       [--evaluators 24] [--threads 8] [--ratings-per-item 3]
Without CSV the catalog already in the database is used; when it is empty, the real dataset in ../shared/data
(or else a synthetic one of the same size: 114,000 rows, 114 genres, bench/synthetic.py) is imported first.
An active index is built when there is none. It adds a campaign, evaluators and ratings to the database: point it
at a scratch database.
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

from synthetic import dataset_path
from timing import percentile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")


def describe(label, milliseconds):
    return (f"{label}: p50 {statistics.median(milliseconds):.1f} ms, p95 {percentile(milliseconds, 0.95):.1f} ms, "
            f"max {max(milliseconds):.1f} ms over {len(milliseconds)}")


def prepare_catalog_and_index(csv_path):
    from django.core.management import call_command

    from catalog.models import Track
    from recommender.selectors import active_version
    from recommender.services import rebuild_index

    call_command("migrate", verbosity=0)
    if csv_path or not Track.objects.exists():
        path = dataset_path(csv_path)
        started = time.perf_counter()
        call_command("import_tracks", str(path), "--no-progress")
        print(f"import of {path.name}: {time.perf_counter() - started:.1f} s")
    version = active_version()
    if version is None:
        started = time.perf_counter()
        version = rebuild_index().version
        print(f"index build: {time.perf_counter() - started:.1f} s")
    print(f"catalog: {Track.objects.count()} tracks; index version {version.pk} with {version.n_tracks} tracks, "
          f"k={version.k}")
    return version


def fill_campaign(version, options):
    from evaluation.campaigns import create_campaign, open_campaign, populate_campaign

    campaign = create_campaign(name=f"bench {time.strftime('%Y-%m-%d %H:%M:%S')}", index_version=version,
                               systems=["cosine", "euclidean", "random", "popularity"], seed_count=options.seeds,
                               k=options.k, ratings_per_item=options.ratings_per_item, random_seed=1)
    started = time.perf_counter()
    result = populate_campaign(campaign)
    elapsed = time.perf_counter() - started
    open_campaign(campaign)
    print(f"fill campaign: {result.created_tasks} lists of {options.k} ({options.seeds} seeds × 4 systems) in "
          f"{elapsed:.2f} s = {1000 * elapsed / max(1, result.created_tasks):.1f} ms per frozen list")
    return campaign


def rate_concurrently(campaign, options):
    """Evaluators in ``threads`` threads loop "next task → rate every item" until the campaign needs nobody."""
    from django.db import connection

    from evaluation.assignment import next_task
    from evaluation.evaluators import create_evaluator
    from evaluation.ratings import RatingEntry, submit_ratings

    prefix = f"bench{campaign.pk}-"
    evaluators = [create_evaluator(f"{prefix}{number}")[0] for number in range(options.evaluators)]
    queue = list(evaluators)
    lock = threading.Lock()
    timings = {"next task": [], "submit": []}
    errors = []

    def work():
        rng = random.Random()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    evaluator = queue.pop(0)
                started = time.perf_counter()
                assignment = next_task(evaluator, campaign)
                asked = time.perf_counter()
                if assignment is None:
                    continue  # this evaluator has nothing left; drop them
                entries = [RatingEntry(item_id, rng.randint(1, 5))
                           for item_id in assignment.task.items.values_list("pk", flat=True)]
                submit_ratings(evaluator, assignment.task, entries)
                done = time.perf_counter()
                with lock:
                    timings["next task"].append(1000 * (asked - started))
                    timings["submit"].append(1000 * (done - asked))
                    queue.append(evaluator)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(options.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    submitted = len(timings["submit"])
    print(f"rating: {submitted} lists submitted by {options.evaluators} evaluators in {options.threads} threads in "
          f"{elapsed:.1f} s ({submitted / elapsed:.1f} lists/s)")
    for label, values in timings.items():
        print("  " + describe(label, values))
    return evaluators


def check_integrity(campaign):
    from django.db.models import Count

    from evaluation.models import Assignment, Rating

    ratings = Rating.objects.filter(item__task__campaign=campaign)
    duplicates = ratings.values("item", "evaluator").annotate(n=Count("pk")).filter(n__gt=1).count()
    per_task = (Assignment.objects.filter(task__campaign=campaign).exclude(status=Assignment.Status.RELEASED)
                .values("task").annotate(n=Count("pk")))
    over = sum(1 for row in per_task if row["n"] > campaign.ratings_per_item)
    expected = campaign.tasks.count() * campaign.ratings_per_item * campaign.k
    print(f"integrity: {ratings.count()} ratings (expected {expected}), {duplicates} duplicate "
          f"(evaluator, item) pairs, {over} over-assigned lists")


def time_reads(campaign, options):
    from django.test import Client

    from evaluation.exports import csv_lines
    from evaluation.models import RatingTask
    from evaluation.scores import human_scores
    from evaluation.selectors import campaign_aggregates

    def repeat(function, times):
        values = []
        for _ in range(times):
            started = time.perf_counter()
            function()
            values.append(1000 * (time.perf_counter() - started))
        return values

    print(describe("aggregates (function)", repeat(lambda: campaign_aggregates(campaign), 20)))
    client = Client()
    print(describe("GET /campaigns/<id>/results/", repeat(
        lambda: client.get(f"/campaigns/{campaign.pk}/results/"), 20)))
    print(describe("GET /api/evaluation/campaigns/<id>/aggregates/", repeat(
        lambda: client.get(f"/api/evaluation/campaigns/{campaign.pk}/aggregates/"), 20)))
    tasks = list(RatingTask.objects.filter(campaign=campaign).prefetch_related("items"))
    pairs = [(task.seed_track_id, [item.track_id for item in task.items.all()]) for task in tasks]
    rng = random.Random(3)
    print(describe("human_scores(seed, 10 tracks)", repeat(lambda: human_scores(*rng.choice(pairs)), 200)))
    started = time.perf_counter()
    lines = sum(1 for _ in csv_lines(campaign))
    print(f"CSV export: {lines - 1} ratings in {1000 * (time.perf_counter() - started):.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?", help="dataset CSV to import first")
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--evaluators", type=int, default=24)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--ratings-per-item", type=int, default=3)
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    version = prepare_catalog_and_index(options.csv)
    campaign = fill_campaign(version, options)
    rate_concurrently(campaign, options)
    check_integrity(campaign)
    time_reads(campaign, options)


if __name__ == "__main__":
    main()

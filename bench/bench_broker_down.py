"""Benchmark what queues Celery work while Redis is down: how long each request takes to answer.

Usage: DATABASE_URL=postgres://…/songrec_bench python bench/bench_broker_down.py [--repeat 5]
Points REDIS_URL (broker, result backend, cache) at a closed port on 127.0.0.1, then times POST /index/rebuild/,
POST /api/crawl-runs/start/, the admin "close campaigns" action and the admin "add campaign" form through Django's
test client. It adds a staff user, an index version row and campaigns to the database: use a scratch database.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec.settings")

from tests.broker import closed_port  # noqa: E402  (importable once ROOT is on the path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{closed_port()}/0"
    os.environ.pop("CELERY_RESULT_BACKEND", None)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from evaluation.campaigns import create_campaign
    from recommender.models import IndexVersion
    from songrec.lib.outbox.models import PendingTask

    call_command("migrate", verbosity=0)
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "bench", "bench"
    staff, _ = get_user_model().objects.get_or_create(username="bench-broker-down",
                                                      defaults={"is_staff": True, "is_superuser": True})
    version = (IndexVersion.objects.filter(status__in=["active", "ready"]).first()
               or IndexVersion.objects.create(status="ready", k=50))
    client = Client()
    client.force_login(staff)
    stamp = int(time.time())

    def close_action(i):
        campaign = create_campaign(name=f"bench-close-{stamp}-{i}", index_version=version, systems=["cosine"],
                                   seed_count=1, k=5)
        return client.post("/admin/evaluation/campaign/", {"action": "close_campaigns",
                                                            "_selected_action": [campaign.pk]})

    def add_form(i):
        return client.post("/admin/evaluation/campaign/add/", {
            "name": f"bench-add-{stamp}-{i}", "description": "", "index_version": version.pk,
            "systems": ["cosine"], "seed_count": 1, "k": 5, "ratings_per_item": 1, "tasks_per_evaluator": "",
            "random_seed": ""})

    requests = {
        "POST /index/rebuild/": lambda i: client.post("/index/rebuild/"),
        "POST /api/crawl-runs/start/": lambda i: client.post("/api/crawl-runs/start/"),
        "admin: close campaigns": close_action,
        "admin: add campaign": add_form,
    }
    before = PendingTask.objects.filter(dispatched_at__isnull=True).count()
    print(f"broker {settings.CELERY_BROKER_URL} (closed); {args.repeat} requests each")
    for name, send in requests.items():
        seconds, statuses = [], set()
        for i in range(args.repeat):
            started = time.perf_counter()
            response = send(i)
            seconds.append(time.perf_counter() - started)
            statuses.add(response.status_code)
        print(f"{name:<30} median {statistics.median(seconds) * 1000:7.1f} ms  max {max(seconds) * 1000:7.1f} ms  "
              f"status {sorted(statuses)}")
    waiting = PendingTask.objects.filter(dispatched_at__isnull=True).count() - before
    print(f"pending in the outbox afterwards: {waiting} new (rebuild and crawl collapse into one row each)")


if __name__ == "__main__":
    main()

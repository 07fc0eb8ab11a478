"""A database created before the crawl moved into catalog/crawl/ keeps working once migrated to the new layout."""

from io import StringIO

import pytest
from celery import current_app
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from catalog.crawl.models import CrawlCursor, CrawlMark, CrawlRun
from catalog.crawl.schedule import NIGHTLY_TASK, SCHEDULE_NAME
from catalog.crawl.tasks import crawl_spotify, nightly_crawl
from tests.migration_support import django_db_setup  # noqa: F401  (a test-order-proof database snapshot)

# The migration heads of the tree just before the move (catalog's last migration created the Beat entry).
BEFORE_THE_MOVE = [("catalog", "0003_nightly_crawl_schedule"),
                   ("django_celery_beat", "0019_alter_periodictasks_options")]

# Migrating back and forth needs real commits; the rollback restores what the migrations created (the Beat entry).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_crawl_data_beat_entry_task_names_and_urls_survive_the_move(admin_client):
    old = migrate(BEFORE_THE_MOVE)
    run = old.get_model("catalog", "CrawlRun").objects.create(
        status="partial", trigger="schedule", albums_crawled=3, tracks_created=36, message="Spotify asked to wait",
        cursor={"seed_index": 2})
    old.get_model("catalog", "CrawlCursor").objects.update_or_create(pk=1, defaults={"state": {"seed_index": 2}})
    old.get_model("catalog", "CrawlMark").objects.create(kind="album_tracks", key="1DFixLWuPkv3KT3TnV35m3",
                                                         fetched_at=timezone.now())
    old_entry = old.get_model("django_celery_beat", "PeriodicTask").objects.get(name=SCHEDULE_NAME)
    assert old_entry.task == "catalog.tasks.nightly_crawl"

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())

    # Same tables, same rows, read through the moved models.
    assert [model._meta.db_table for model in (CrawlRun, CrawlCursor, CrawlMark)] == [
        "catalog_crawlrun", "catalog_crawlcursor", "catalog_crawlmark"]
    moved = CrawlRun.objects.get(pk=run.pk)
    assert (moved.status, moved.albums_crawled, moved.tracks_stored, moved.cursor) == (
        CrawlRun.Status.PARTIAL, 3, 36, {"seed_index": 2})
    assert CrawlCursor.load().state == {"seed_index": 2}
    assert CrawlMark.objects.get().key == "1DFixLWuPkv3KT3TnV35m3"

    # The Beat row still names a registered task, and the chain still queues the same task names.
    entry = PeriodicTask.objects.get(name=SCHEDULE_NAME)
    assert entry.pk == old_entry.pk and entry.task == NIGHTLY_TASK == nightly_crawl.name
    assert crawl_spotify.name == "catalog.tasks.crawl_spotify"
    assert {"catalog.tasks.crawl_spotify", "catalog.tasks.nightly_crawl"} <= set(current_app.tasks)

    # Pages, API and admin answer on their old URLs.
    assert reverse("catalog:crawl_status") == "/crawl/"
    assert admin_client.get("/crawl/").status_code == 200
    assert admin_client.get(f"/api/crawl-runs/{run.pk}/").json()["albums_crawled"] == 3
    # The admin's, under the crawl app's label since it has its own: the old URLs redirect there.
    assert reverse("admin:crawl_crawlrun_change", args=[run.pk]) == f"/admin/crawl/crawlrun/{run.pk}/change/"
    for url in (f"/admin/catalog/crawlrun/{run.pk}/change/", "/admin/catalog/crawlcursor/",
                "/admin/catalog/crawlmark/"):
        response = admin_client.get(url)
        assert response.status_code == 301 and response["Location"] == url.replace("/catalog/", "/crawl/"), url
        assert admin_client.get(response["Location"]).status_code == 200, url

    # The models and the migrations agree: the move needed no schema change.
    call_command("makemigrations", "catalog", "crawl", "--check", "--dry-run", stdout=StringIO())

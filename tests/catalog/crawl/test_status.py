"""The /crawl/ status page, the crawl-runs API and the crawl admin."""

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.urls import include, path
from django.utils import timezone

import songrec.urls
from catalog.crawl import admin as crawl_admin  # noqa: F401  (crawl_admin registers the crawl models)
from catalog.crawl import views as crawl_views
from catalog.crawl.models import CrawlCursor, CrawlRun
from tests.factories import TrackFactory, UserFactory

# The lead mounts these in catalog/urls.py and the API urls; this URLconf mirrors that so the tests stand alone.
urlpatterns = [
    path("crawl/", crawl_views.crawl_status),
    path("api/", include("catalog.crawl.api")),
    path("admin/", admin.site.urls),
    *songrec.urls.urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def credentials(settings):
    settings.SPOTIFY_CLIENT_ID = "id"
    settings.SPOTIFY_CLIENT_SECRET = "secret"
    settings.SPOTIFY_SEED_QUERIES = ["genre:jazz"]
    settings.SPOTIFY_SEED_CATALOG_ARTISTS = 5


@pytest.fixture
def celery_eager(settings):
    """Set Celery's eager flag for one test; the Celery app reads CELERY_* from Django settings on each access."""

    def set_eager(value):
        settings.CELERY_TASK_ALWAYS_EAGER = value

    return set_eager


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_crawl_page_is_for_staff_only(client, settings):
    assert client.get("/crawl/").status_code == 302
    client.force_login(UserFactory(username="listener"))
    response = client.get("/crawl/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.post("/crawl/start/").status_code == 302


def test_without_credentials_the_page_says_how_to_get_them(client, staff, settings):
    settings.SPOTIFY_CLIENT_ID = ""
    response = client.get("/crawl/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Crawl · songrec</title>" in html
    assert "Crawling is off: no Spotify credentials are set." in html
    assert "https://developer.spotify.com/dashboard" in html
    assert "SPOTIFY_CLIENT_ID=… SPOTIFY_CLIENT_SECRET=… make run" in html
    assert "enabled, but it crawls nothing until credentials are set" in html
    assert "<button class=\"button\" type=\"submit\">Start a crawl now" not in html
    assert "manage.py crawl_spotify" not in html  # it would exit 1
    assert "No crawl has run yet." in html


def test_staff_start_a_crawl_from_the_page_or_learn_why_it_cannot(client, staff, credentials, celery_eager):
    celery_eager(True)
    html = client.get("/crawl/").content.decode()
    assert '<button class="button" type="submit">Start a crawl now' in html
    response = client.post("/crawl/start/", follow=True)
    assert "No Celery broker is configured; run `manage.py crawl_spotify` instead." in response.content.decode()
    running = CrawlRun.objects.create(status=CrawlRun.Status.RUNNING)
    response = client.post("/crawl/start/", follow=True)
    assert f"crawl #{running.pk} is still running" in response.content.decode()


def test_the_rest_of_the_app_keeps_working_without_credentials(client, settings):
    settings.SPOTIFY_CLIENT_ID = ""
    TrackFactory(name="Still Searchable")
    assert client.get("/").status_code == 200
    assert client.get("/api/tracks/").status_code == 200
    assert client.get("/api/crawl-runs/status/").json()["configured"] is False


def test_the_page_shows_runs_errors_cursor_and_schedule(client, staff, credentials):
    CrawlRun.objects.create(status=CrawlRun.Status.SUCCEEDED, finished_at=timezone.now(), albums_crawled=12,
                            tracks_created=140, tracks_updated=9, features_filled=120, requests=321, error_count=1,
                            errors=["tracks of album X: HTTP 404"], message="12 albums, 140 new")
    CrawlRun.objects.create(status=CrawlRun.Status.PARTIAL, finished_at=timezone.now(),
                            message="Spotify rate limit on search: Retry-After 3600s is longer than the 60s we wait")
    CrawlCursor.objects.create(pk=1, state={"seed": {"key": "query:genre:jazz"}, "albums": ["a", "b"],
                                            "artists": ["c"], "catalog_artist_after": 42})

    html = client.get("/crawl/").content.decode()

    assert "crawling is not configured" not in html
    assert "<code>30 3 * * *</code> (UTC)" in html and "enabled" in html
    assert "Nightly Spotify crawl → catalog.tasks.nightly_crawl" in html
    assert "Retry-After 3600s" in html and "Stopped early (resumes next run)" in html
    assert "tracks of album X: HTTP 404" in html and "1 error logged" in html
    assert "query:genre:jazz" in html and "2 albums, 1 artist" in html and "after artist #42" in html
    assert '<span class="tag">catalog-artists</span>' in html


def test_staff_get_links_to_edit_the_schedule_and_see_all_runs(client, staff, credentials):
    CrawlRun.objects.create(status=CrawlRun.Status.SUCCEEDED)
    html = client.get("/crawl/").content.decode()
    assert "/admin/django_celery_beat/periodictask/" in html and "edit in admin" in html
    assert "/admin/crawl/crawlrun/" in html


def test_a_bad_chart_setting_is_shown_not_crashed_on(client, staff, credentials, settings):
    settings.SPOTIFY_CHART_SOURCE = "spotify-charts"
    response = client.get("/crawl/")
    assert response.status_code == 200
    assert "SPOTIFY_CHART_SOURCE must be empty or one of bugs, melon" in response.content.decode()


def test_the_api_lists_runs_newest_first_with_their_counts(client):
    older = CrawlRun.objects.create(status=CrawlRun.Status.FAILED, message="boom")
    newer = CrawlRun.objects.create(status=CrawlRun.Status.SUCCEEDED, tracks_created=3, errors=["x"], error_count=1)
    body = client.get("/api/crawl-runs/").json()
    assert [run["id"] for run in body["results"]] == [newer.pk, older.pk]
    detail = client.get(f"/api/crawl-runs/{newer.pk}/").json()
    assert (detail["status"], detail["tracks_created"], detail["errors"]) == ("succeeded", 3, ["x"])
    assert client.get("/api/crawl-runs/999999/").status_code == 404


def test_the_status_api_reports_schedule_and_cursor(client, credentials):
    body = client.get("/api/crawl-runs/status/").json()
    assert body["configured"] is True and body["running"] is None
    assert body["schedule"]["cron"] == "30 3 * * *" and body["schedule"]["task"] == "catalog.tasks.nightly_crawl"
    assert body["cursor"]["albums_queued"] == 0 and body["seeds"] == ["query:genre:jazz", "catalog-artists"]


def test_only_staff_may_start_a_crawl(client, credentials):
    assert client.post("/api/crawl-runs/start/").status_code == 401  # anonymous: sign in first
    client.force_login(UserFactory())
    assert client.post("/api/crawl-runs/start/").status_code == 403


def test_starting_a_crawl_queues_crawl_then_rebuild(client, staff, credentials, monkeypatch, celery_eager):
    celery_eager(False)
    queued = []

    def fake_chain(trigger):
        queued.append(trigger)
        queued_result = SimpleNamespace(id="rebuild-1", parent=SimpleNamespace(id="crawl-1"))
        return SimpleNamespace(apply_async=lambda **options: queued_result)

    monkeypatch.setattr("catalog.crawl.tasks.nightly_chain", fake_chain)
    response = client.post("/api/crawl-runs/start/")
    assert response.status_code == 202
    assert response.json() == {"crawl_task": "crawl-1", "rebuild_task": "rebuild-1"}
    assert queued == ["api"]


def test_starting_a_crawl_is_refused_with_a_reason(client, staff, settings, celery_eager):
    settings.SPOTIFY_CLIENT_ID = ""
    response = client.post("/api/crawl-runs/start/")
    assert response.status_code == 503 and "not configured" in response.json()["detail"]

    settings.SPOTIFY_CLIENT_ID = "id"
    settings.SPOTIFY_CLIENT_SECRET = "secret"
    celery_eager(True)
    response = client.post("/api/crawl-runs/start/")
    assert response.status_code == 503 and "manage.py crawl_spotify" in response.json()["detail"]

    celery_eager(False)
    running = CrawlRun.objects.create(status=CrawlRun.Status.RUNNING, heartbeat_at=timezone.now())
    response = client.post("/api/crawl-runs/start/")
    assert response.status_code == 409 and response.json()["detail"] == f"crawl #{running.pk} is still running"


def test_the_admin_shows_runs_cursor_and_marks(client, staff):
    run = CrawlRun.objects.create(status=CrawlRun.Status.PARTIAL, message="m" * 200, errors=["e1"])
    CrawlCursor.objects.create(pk=1, state={"albums": ["a"]})
    for url in ("/admin/crawl/crawlrun/", f"/admin/crawl/crawlrun/{run.pk}/change/", "/admin/crawl/crawlcursor/",
                "/admin/crawl/crawlcursor/1/change/", "/admin/crawl/crawlmark/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/crawl/crawlrun/add/").status_code == 403


def test_the_cursor_can_be_reset_from_the_admin(client, staff):
    CrawlCursor.objects.create(pk=1, state={"albums": ["a"], "artists": ["b"]})
    response = client.post("/admin/crawl/crawlcursor/", {"action": "reset", "_selected_action": ["1"]}, follow=True)
    assert response.status_code == 200
    assert CrawlCursor.load().state == {}


def test_the_crawl_endpoints_are_in_the_api_schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert {"/api/crawl-runs/", "/api/crawl-runs/{id}/", "/api/crawl-runs/status/", "/api/crawl-runs/start/"} <= paths

"""The staff dashboard: catalog health, index and clustering state, the crawl, background work and campaigns."""

import pytest
from django.utils import timezone

from catalog.crawl.models import CrawlRun
from recommender.models import IndexVersion
from recommender.personal.models import HistoryImport
from songrec.lib.outbox.models import PendingTask
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_dashboard_is_for_staff_only(client):
    assert client.get("/dashboard/").status_code == 302
    client.force_login(UserFactory(username="listener"))
    assert client.get("/dashboard/").status_code == 302


def test_the_dashboard_shows_catalog_health_jobs_and_says_how_to_get_credentials(client, staff, settings):
    settings.SPOTIFY_CLIENT_ID = ""
    TrackFactory(name="Shown")
    TrackFactory(name="Hidden", hidden=True)
    TrackFactory(name="No features", energy=None)
    IndexVersion.objects.create(status=IndexVersion.Status.FAILED, message="out of disk space")
    CrawlRun.objects.create(status=CrawlRun.Status.FAILED, finished_at=timezone.now(), message="Spotify said 500")
    PendingTask.objects.create(task_name="recommender.tasks.rebuild_index")
    HistoryImport.objects.create(user=staff, filename="a.json", size=1, sha256="1" * 64,
                                 status=HistoryImport.Status.QUEUED)

    html = client.get("/dashboard/").content.decode()

    assert "3 (2 visible)" in html
    assert "Hidden by curation</dt><dd>1" in html and "Missing audio features</dt><dd>1" in html
    assert "no index yet" in html and "manage.py build_clusters" in html
    assert "1 task (sent once Redis answers again)" in html
    assert "History imports running</dt><dd>1" in html
    assert "out of disk space" in html and "Spotify said 500" in html
    assert "Crawling is off: no Spotify credentials are set." in html
    assert 'aria-current="page">Dashboard<' in html


def test_with_credentials_the_dashboard_offers_to_start_a_crawl(client, staff, settings):
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "id", "secret"
    html = client.get("/dashboard/").content.decode()
    assert '<button class="button" type="submit">Start a crawl now' in html
    assert '<input type="hidden" name="next" value="/dashboard/">' in html
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.post("/crawl/start/", {"next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"

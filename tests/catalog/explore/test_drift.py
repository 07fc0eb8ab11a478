import numpy as np
import pytest
from django.utils import timezone
from scipy.stats import ks_2samp

from catalog.crawl.models import CrawlRun
from catalog.explore.drift import psi, record_crawl_drift
from catalog.models import Track
from tests.factories import TrackFactory, UserFactory


def test_psi_is_zero_for_the_same_distribution_and_grows_with_a_shift():
    rng = np.random.default_rng(1)
    reference = rng.normal(0, 1, 20_000)
    assert psi(reference, reference) == pytest.approx(0.0, abs=1e-9)
    assert psi(reference, rng.normal(0, 1, 5_000)) < 0.02
    assert psi(reference, rng.normal(0.5, 1, 5_000)) > 0.2
    assert psi(reference, rng.normal(1.0, 1, 5_000)) > psi(reference, rng.normal(0.5, 1, 5_000))


def test_psi_matches_the_textbook_formula_on_decile_bins():
    reference = np.arange(1000, dtype=float)
    current = np.concatenate([np.full(50, 5.0), np.full(50, 950.0)])  # half in the first decile, half in the last
    shares = np.full(10, 1e-4)
    shares[0] = shares[-1] = 0.5
    expected = np.sum((shares - 0.1) * np.log(shares / 0.1))
    assert psi(reference, current) == pytest.approx(expected, rel=1e-6)


@pytest.mark.django_db
def test_a_crawl_adding_different_tracks_is_flagged_and_stored_on_the_run(settings, client):
    settings.EXPLORE_DRIFT_MIN_TRACKS = 20
    for i in range(200):
        TrackFactory(energy=0.2 + 0.001 * i)
    run = CrawlRun.objects.create(status=CrawlRun.Status.RUNNING)
    added = [TrackFactory(energy=0.8 + 0.001 * i, source=Track.Source.SPOTIFY) for i in range(40)]
    CrawlRun.objects.filter(pk=run.pk).update(status=CrawlRun.Status.SUCCEEDED, finished_at=timezone.now(),
                                              tracks_created=len(added))
    run.refresh_from_db()

    summary = record_crawl_drift(run)
    run.refresh_from_db()
    energy = run.drift["features"]["energy"]
    assert run.drift_flagged and summary["max_psi_feature"] == "energy" and summary["added"] == 40
    assert energy["ks"] == pytest.approx(ks_2samp([0.2 + 0.001 * i for i in range(200)],
                                                   [t.energy for t in added]).statistic)
    assert energy["ks"] == 1.0 and energy["psi"] > settings.EXPLORE_DRIFT_PSI_THRESHOLD
    assert run.drift["mlflow_run_id"]
    body = client.get(f"/api/crawl-runs/{run.pk}/").json()
    assert body["drift_flagged"] is True and body["drift"]["features"]["energy"]["psi"] == energy["psi"]
    client.force_login(UserFactory(username="staff", is_staff=True))  # the crawl page is for staff
    assert "drifted" in client.get("/crawl/").content.decode()


@pytest.mark.django_db
def test_a_crawl_adding_too_few_tracks_says_so_and_is_not_flagged(settings):
    settings.EXPLORE_DRIFT_MIN_TRACKS = 30
    TrackFactory.create_batch(5)
    run = CrawlRun.objects.create(status=CrawlRun.Status.RUNNING)
    TrackFactory.create_batch(3, source=Track.Source.SPOTIFY)
    run.finished_at = timezone.now()
    summary = record_crawl_drift(run)
    run.refresh_from_db()
    assert summary["status"] == "too few" and not run.drift_flagged and "3 new tracks" in run.drift["message"]

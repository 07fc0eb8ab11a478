"""The catalog profile and the drift measures on the real dataset, checked against independent calculations."""

import numpy as np
import pytest
from django.db.models import Count, Q
from django.utils import timezone
from scipy.stats import ks_2samp, spearmanr

from catalog.crawl.models import CrawlRun
from catalog.explore.drift import record_crawl_drift
from catalog.explore.profile import compute_profile, load_frame
from catalog.models import AUDIO_FEATURES, Genre, Track, TrackGenre

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def profiled(real_catalog, django_db_blocker):
    """The whole real catalog's profile and the frame it came from (read once for this module)."""
    with django_db_blocker.unblock():
        frame = load_frame()
    return frame, compute_profile(frame)


def _pairs(first, second):
    rows = Track.objects.filter(hidden=False, **{f"{first}__isnull": False, f"{second}__isnull": False})
    return np.array(list(rows.values_list(first, second)), dtype=np.float64)


def _matrix_value(profile, method, first, second):
    columns = profile["correlations"]["columns"]
    return profile["correlations"][method][columns.index(first)][columns.index(second)]


def test_energy_and_loudness_correlate_as_numpy_computes_and_strongly(profiled):
    _frame, profile = profiled
    rows = _pairs("energy", "loudness")
    expected = np.corrcoef(rows[:, 0], rows[:, 1])[0, 1]
    assert _matrix_value(profile, "pearson", "energy", "loudness") == pytest.approx(expected, abs=1e-6)
    assert expected > 0.7  # louder tracks are more energetic: the real dataset's strongest pair


def test_spearman_matches_scipy_and_acousticness_runs_against_energy(profiled):
    _frame, profile = profiled
    rows = _pairs("acousticness", "energy")
    expected = spearmanr(rows[:, 0], rows[:, 1]).statistic
    assert _matrix_value(profile, "spearman", "acousticness", "energy") == pytest.approx(expected, abs=1e-6)
    assert expected < -0.6


def test_missing_counts_ranges_and_histograms_agree_with_the_database(profiled):
    _frame, profile = profiled
    visible = Track.objects.filter(hidden=False)
    assert profile["tracks"] == visible.count() > 80_000
    for summary in profile["features"]:
        name = summary["name"]
        assert summary["missing"] == visible.filter(**{f"{name}__isnull": True}).count(), name
        values = np.array(list(visible.filter(**{f"{name}__isnull": False}).values_list(name, flat=True)))
        assert (summary["min"], summary["max"]) == (values.min(), values.max()), name
        assert summary["mean"] == pytest.approx(values.mean(), rel=1e-9), name
        assert sum(summary["histogram"]["counts"]) == len(values), name


def test_genre_and_explicit_distributions_count_what_the_database_counts(profiled):
    _frame, profile = profiled
    by_genre = dict(TrackGenre.objects.filter(track__hidden=False).values("genre__name").annotate(n=Count("id"))
                    .values_list("genre__name", "n"))
    for item in profile["genres"]:
        assert item["count"] == by_genre[item["name"]]
    assert profile["genre_count"] == len(by_genre) >= 100
    assert profile["explicit"]["explicit"] == Track.objects.filter(hidden=False, explicit=True).count()


def test_a_genre_profile_is_the_profile_of_exactly_that_genres_tracks(profiled):
    frame, _profile = profiled
    genre = Genre.objects.get(name="classical")
    classical = compute_profile(frame, "classical")
    rows = Track.objects.filter(hidden=False, genres=genre, energy__isnull=False)
    energy = np.array(list(rows.values_list("energy", flat=True)))
    summary = next(item for item in classical["features"] if item["name"] == "energy")
    assert classical["tracks"] == Track.objects.filter(hidden=False, genres=genre).count()
    assert summary["mean"] == pytest.approx(energy.mean(), rel=1e-9)


def _finished_run():
    run = CrawlRun.objects.create(status=CrawlRun.Status.RUNNING)
    run.status, run.finished_at, run.tracks_created = CrawlRun.Status.SUCCEEDED, timezone.now(), 1
    run.save()
    return run


def _as_crawled(queryset, run):
    """Pretend ``run`` added these tracks (inside this test's rolled-back transaction)."""
    ids = list(queryset.values_list("pk", flat=True))
    Track.objects.filter(pk__in=ids).update(source=Track.Source.SPOTIFY, created_at=run.started_at)
    return ids


def test_a_crawl_of_metal_drifts_on_energy_and_loudness_and_ks_matches_scipy(real_catalog):
    run = _finished_run()
    complete = Q(**{f"{name}__isnull": False for name in AUDIO_FEATURES})
    ids = _as_crawled(Track.objects.filter(complete, hidden=False, genres__name="death-metal").order_by("pk")[:500],
                      run)
    summary = record_crawl_drift(run)
    run.refresh_from_db()
    assert run.drift_flagged and summary["added"] == len(ids) == 500
    added = np.array(list(Track.objects.filter(pk__in=ids).values_list("energy", flat=True)))
    rest = np.array(list(Track.objects.filter(complete, hidden=False).exclude(pk__in=ids)
                         .values_list("energy", flat=True)))
    assert summary["features"]["energy"]["ks"] == pytest.approx(ks_2samp(rest, added).statistic, abs=1e-6)
    top = sorted(summary["features"], key=lambda name: -summary["features"][name]["psi"])[:3]
    assert {"energy", "loudness", "acousticness"} & set(top)


def test_a_crawl_of_a_random_sample_does_not_drift(real_catalog):
    run = _finished_run()
    complete = Q(**{f"{name}__isnull": False for name in AUDIO_FEATURES})
    every = list(Track.objects.filter(complete, hidden=False).values_list("pk", flat=True))
    sample = np.random.default_rng(5).choice(every, size=1000, replace=False).tolist()
    _as_crawled(Track.objects.filter(pk__in=sample), run)
    summary = record_crawl_drift(run)
    assert not summary["flagged"] and summary["max_psi"] < 0.05

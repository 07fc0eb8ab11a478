"""The campaign pages say which similar-list system is the default and show the newest playlist benchmark's figures,
read from its MLflow run (never written into the page)."""

import pytest
from django.core.cache import cache

from recommender.together.benchmark import benchmark_summary
from songrec.lib.mlflow_runs import log_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_summary(settings, tmp_path):
    settings.PLAYLISTS_BENCH_MLFLOW_EXPERIMENT_NAME = f"bench-{tmp_path.name}"
    cache.clear()
    yield
    cache.clear()


def test_without_a_benchmark_run_the_page_says_how_to_measure(client):
    response = client.get("/campaigns/")
    assert response.status_code == 200
    assert "No playlist benchmark has been logged yet" in response.content.decode()


def test_the_newest_full_run_gives_the_default_and_its_figures(client, settings):
    params = {"default_similar_system": "blend", "test_playlists": 219, "similar_blend": 1.0, "personal_blend": 0.5,
              "seeds_blend": 0.25}
    log_run(settings.PLAYLISTS_BENCH_MLFLOW_EXPERIMENT_NAME, "playlists-v2", tags={},
            params=params, metrics={"songrec_For_you_ndcg_at_50": 0.0375, "songrec_For_you_ndcg_at_50_low": 0.0298,
                                    "songrec_For_you_ndcg_at_50_high": 0.0458, "similar_blend_share_at_10": 0.0496})
    log_run(settings.PLAYLISTS_BENCH_MLFLOW_EXPERIMENT_NAME, "playlists-quick-v2", tags={},
            params={**params, "test_playlists": 24}, metrics={"songrec_For_you_ndcg_at_50": 0.9})
    summary = benchmark_summary()
    assert summary.default_system == "blend" and summary.test_playlists == "219"
    page = client.get("/campaigns/").content.decode()
    assert "<strong>blend</strong>" in page and "0.0375" in page and "0.0298 – 0.0458" in page and "0.0496" in page
    assert "0.9000" not in page  # a --quick smoke run is never shown

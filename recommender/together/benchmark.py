"""The newest playlist benchmark run (bench/bench_playlists.py, logged to MLflow): which system is the default
and the figures that chose it, for the results pages. Read from MLflow at most every ``CACHE_SECONDS`` per cache.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from recommender.systems import DEFAULT_SYSTEM
from songrec.lib.mlflow_runs import latest_run

CACHE_SECONDS = 600
CACHE_KEY = "together:benchmark-summary"
# (label, metric of the run) shown for the test half; None when a run lacks it.
FIGURES = (
    ("For you, a new listener (NDCG@50)", "songrec_For_you_ndcg_at_50"),
    ("Multi-seed, all of the playlist's seeds (NDCG@50)", "songrec_multi_seed_all_ndcg_at_50"),
    ("Multi-seed content only, 5 seeds as before (NDCG@50)", "songrec_multi_seed_content_5_ndcg_at_50"),
    ("implicit ALS on the other playlists (NDCG@50)", "implicit_ALS_ndcg_at_50"),
    ("implicit item-kNN on the other playlists (NDCG@50)", "implicit_item_kNN_ndcg_at_50"),
    ("Mean of the seeds' vectors (NDCG@50)", "mean_of_seed_vectors_ndcg_at_50"),
    ("The seeds' artists' tracks by popularity, no model (NDCG@50)", "seed_artists_ndcg_at_50"),
    ("Popularity (NDCG@50)", "popularity_ndcg_at_50"),
    ("Similar lists, blend (same-playlist share@10)", "similar_blend_share_at_10"),
    ("Similar lists, together (share@10)", "similar_together_share_at_10"),
    ("Similar lists, cosine (share@10)", "similar_cosine_share_at_10"),
    ("Similar lists, popularity in the genre (share@10)", "similar_popularity_share_at_10"),
)


@dataclass
class Figure:
    label: str
    value: float
    low: float | None
    high: float | None


@dataclass
class BenchmarkSummary:
    default_system: str
    run_id: str
    test_playlists: str
    blends: dict
    figures: list


def _read():
    try:
        found = latest_run(settings.PLAYLISTS_BENCH_MLFLOW_EXPERIMENT_NAME, "playlists-v")
    except Exception:  # noqa: BLE001 - an unreachable tracking store must not break a results page
        return None
    if found is None:
        return None
    params, metrics, run_id = found
    figures = [Figure(label, metrics[name], metrics.get(f"{name}_low"), metrics.get(f"{name}_high"))
               for label, name in FIGURES if name in metrics]
    blends = {name: params[name] for name in ("similar_blend", "personal_blend", "seeds_blend") if name in params}
    return BenchmarkSummary(params.get("default_similar_system", DEFAULT_SYSTEM), run_id,
                            params.get("test_playlists", "?"), blends, figures)


def benchmark_summary() -> BenchmarkSummary | None:
    """The summary of the newest full benchmark run, or None when none was logged."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = _read() or "none"
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return None if found == "none" else found

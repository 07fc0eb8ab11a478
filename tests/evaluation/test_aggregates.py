"""Per-system aggregates computed from stored ratings (campaign and index version)."""

from types import SimpleNamespace

import pytest

from evaluation.aggregates import RatedItem, aggregate
from evaluation.assignment import next_task
from evaluation.ratings import RatingEntry, submit_ratings
from evaluation.selectors import campaign_aggregates, version_aggregates
from tests.factories import TrackFactory


def test_aggregate_from_plain_items():
    items = [
        # list 1 (cosine): ranks 1–3, mean scores 5, 3, 1 → ideal order → nDCG 1
        RatedItem(1, "cosine", 1, 0.9, (5, 5)), RatedItem(1, "cosine", 2, 0.8, (3, 3)),
        RatedItem(1, "cosine", 3, 0.7, (1, 1)),
        # list 2 (random): worst first → nDCG < 1; one item unrated so the list is left out of nDCG
        RatedItem(2, "random", 1, 0.1, (1,)), RatedItem(2, "random", 2, 0.2, ()),
    ]
    result = aggregate(items, ["cosine", "random", "popularity"], k=3).by_system()
    cosine = result["cosine"]
    assert cosine.mean.mean == 3 and cosine.ratings == 6
    assert cosine.ndcg == pytest.approx(1.0) and cosine.ndcg_lists == 1
    assert cosine.alpha == pytest.approx(1.0) and cosine.alpha_units == 3
    assert cosine.spearman.rho == pytest.approx(1.0)
    assert cosine.distribution == {1: 2, 2: 0, 3: 2, 4: 0, 5: 2}
    assert result["random"].ndcg is None and result["random"].rated_items == 1
    assert result["popularity"].ratings == 0 and result["popularity"].mean.mean is None


def test_campaign_aggregates_from_the_database(make_campaign, make_evaluator):
    seed = TrackFactory()
    good, bad = TrackFactory.create_batch(2)
    lists = {(seed, "cosine"): [(good, 0.95), (bad, 0.5)], (seed, "random"): [(bad, 0.5), (good, 0.95)]}
    campaign = make_campaign(systems=["cosine", "random"], seeds=1, k=2, ratings_per_item=2, lists=lists)
    for _ in range(4):
        evaluator = make_evaluator()
        assignment = next_task(evaluator, campaign)
        submit_ratings(evaluator, assignment.task, [
            RatingEntry(item.pk, 5 if item.track_id == good.pk else 2) for item in assignment.task.items.all()])

    result = campaign_aggregates(campaign).by_system()
    assert result["cosine"].mean.mean == result["random"].mean.mean == 3.5
    assert result["cosine"].ratings == 4
    assert result["cosine"].ndcg == pytest.approx(1.0)
    # random put the 2-rated track first: DCG = 1 + 4/log2(3), ideal = 4 + 1/log2(3)
    assert result["random"].ndcg == pytest.approx((1 + 4 / 1.5849625) / (4 + 1 / 1.5849625))
    assert result["cosine"].alpha == pytest.approx(1.0)

    pooled = version_aggregates(campaign.index_version, SimpleNamespace(is_staff=True)).by_system()
    assert pooled["cosine"].ratings == 4


def test_scatter_ticks_are_round_numbers_and_points_stay_inside_the_plot():
    from evaluation.svg_charts import distribution_chart, scatter_chart

    items = [RatedItem(1, "random", 1, -0.43, (2,)), RatedItem(1, "random", 2, 0.97, (5, 4)),
             RatedItem(2, "cosine", 1, 0.99, (5,))]
    result = aggregate(items, ["cosine", "random"], k=2)
    chart = scatter_chart(result)
    assert [label for _, label in chart.x_ticks] == ["-0.6", "-0.4", "-0.2", "0", "0.2", "0.4", "0.6", "0.8", "1"]
    assert all(chart.left <= point.x <= chart.right and chart.top <= point.y <= chart.bottom
               for point in chart.points)
    bars = distribution_chart(result)
    random_row = next(row for row in bars.rows if row.system == "random")
    assert [segment.percent for segment in random_row.segments] == [0.0, 33.3, 0.0, 33.3, 33.3]
    assert scatter_chart(aggregate([], ["cosine"])) is None

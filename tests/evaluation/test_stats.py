"""Known answers for the statistics the results pages and MLflow report."""

import math

import pytest

from evaluation import stats


def test_mean_with_a_95_percent_t_interval():
    estimate = stats.mean_with_ci([1, 2, 3, 4, 5])
    # mean 3, s = 1.5811, t(0.975, df=4) = 2.776445 → half width 1.96324
    assert estimate.mean == 3
    assert estimate.n == 5
    assert estimate.low == pytest.approx(1.03676, abs=1e-5)
    assert estimate.high == pytest.approx(4.96324, abs=1e-5)
    assert estimate.half_width == pytest.approx(1.96324, abs=1e-5)


def test_a_single_score_has_a_mean_but_no_interval_and_none_has_neither():
    assert stats.mean_with_ci([4]) == stats.MeanEstimate(4.0, None, None, 1)
    assert stats.mean_with_ci([]) == stats.MeanEstimate(None, None, None, 0)


def test_identical_scores_have_a_zero_width_interval():
    estimate = stats.mean_with_ci([3, 3, 3])
    assert (estimate.low, estimate.mean, estimate.high) == (3, 3, 3)


def test_ndcg_matches_the_textbook_example():
    # Wikipedia's example: relevances 3,2,3,0,1,2 → DCG 6.861, ideal 3,3,2,2,1,0 → IDCG 7.141, nDCG 0.961.
    assert stats.dcg([3, 2, 3, 0, 1, 2]) == pytest.approx(6.861, abs=1e-3)
    assert stats.ndcg_at_k([3, 2, 3, 0, 1, 2]) == pytest.approx(0.961, abs=1e-3)


def test_list_ndcg_uses_mean_score_minus_one_as_gain():
    # Mean scores 4,3,4,1,2,3 are the gains of the textbook example plus one.
    assert stats.list_ndcg([4, 3, 4, 1, 2, 3]) == pytest.approx(0.961, abs=1e-3)
    assert stats.list_ndcg([5, 4, 3, 2, 1]) == pytest.approx(1.0)
    assert stats.list_ndcg([1, 5]) == pytest.approx(1 / math.log2(3))


def test_ndcg_at_k_only_looks_at_the_first_k():
    assert stats.ndcg_at_k([0, 0, 3], k=2) is None
    assert stats.ndcg_at_k([1, 0, 3], k=2) == pytest.approx(1.0)


def test_ndcg_is_undefined_when_nothing_is_relevant():
    assert stats.list_ndcg([1, 1, 1]) is None
    assert stats.list_ndcg([]) is None


def test_krippendorff_alpha_ordinal_matches_krippendorffs_own_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", four observers, 12 units; ordinal 0.815.
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [[row[unit] for row in observers if row[unit] is not None] for unit in range(12)]
    assert stats.krippendorff_alpha_ordinal(units) == pytest.approx(0.815, abs=1e-3)


def test_alpha_ignores_items_rated_once_and_needs_variation():
    assert stats.krippendorff_alpha_ordinal([[5], [1], [3]]) is None
    assert stats.krippendorff_alpha_ordinal([[4, 4]]) is None  # one unit
    assert stats.krippendorff_alpha_ordinal([[4, 4], [4, 4, 4]]) is None  # no variation at all
    assert stats.krippendorff_alpha_ordinal([[1, 1], [5, 5], [3]]) == pytest.approx(1.0)
    assert stats.krippendorff_alpha_ordinal([[1, 5], [5, 1]]) < 0


def test_spearman_between_cosine_and_human_scores():
    assert stats.spearman([0.1, 0.2, 0.3, 0.4], [1, 2, 3, 5]).rho == pytest.approx(1.0)
    assert stats.spearman([0.1, 0.2, 0.3, 0.4], [5, 3, 2, 1]).rho == pytest.approx(-1.0)
    # x ranks 1..5, y ranks 1, 2, 3.5, 5, 3.5 → ρ = 0.8207826816681233
    result = stats.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
    assert result.rho == pytest.approx(0.8207826816681233)
    assert result.n == 5 and 0 < result.p_value < 1


def test_spearman_is_undefined_for_few_or_constant_values():
    assert stats.spearman([0.1, 0.2], [1, 2]).rho is None
    assert stats.spearman([0.1, 0.2, 0.3], [3, 3, 3]).rho is None
    assert stats.spearman([0.1, None, 0.3, 0.5], [1, 2, None, 4]).n == 2


def test_score_distribution_lists_every_score():
    assert stats.score_distribution([5, 5, 1]) == {1: 1, 2: 0, 3: 0, 4: 0, 5: 2}

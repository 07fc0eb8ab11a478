"""Aggregate statistics over human ratings, as plain functions on plain values.

Scores are integers 1–5. Functions return ``None`` where a statistic is undefined (too few values, no variance)
rather than NaN, so callers can render "—" and JSON stays valid.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

SCORE_VALUES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class MeanEstimate:
    mean: float | None
    low: float | None
    high: float | None
    n: int

    @property
    def half_width(self):
        return None if self.low is None else (self.high - self.low) / 2


def mean_with_ci(values: Iterable[float], confidence: float = 0.95) -> MeanEstimate:
    """Mean of ``values`` with a two-sided t-distribution confidence interval.

    One value has a mean but no interval; identical values have a zero-width interval.
    """
    data = np.asarray(list(values), dtype=float)
    n = len(data)
    if n == 0:
        return MeanEstimate(None, None, None, 0)
    mean = float(data.mean())
    if n == 1:
        return MeanEstimate(mean, None, None, 1)
    standard_error = float(data.std(ddof=1)) / math.sqrt(n)
    half_width = float(scipy_stats.t.ppf((1 + confidence) / 2, df=n - 1)) * standard_error
    return MeanEstimate(mean, mean - half_width, mean + half_width, n)


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain: sum of gain_i / log2(i + 1) over 1-based ranks i."""
    return float(sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1)))


def ndcg_at_k(gains_in_rank_order: Sequence[float], k: int | None = None) -> float | None:
    """nDCG@k of one list, the ideal being the same gains sorted best first.

    Undefined (``None``) for an empty list or when every gain is zero: no order is better than another then.
    """
    gains = list(gains_in_rank_order)[:k] if k else list(gains_in_rank_order)
    if not gains:
        return None
    ideal = dcg(sorted(gains, reverse=True))
    if ideal <= 0:
        return None
    return dcg(gains) / ideal


def list_ndcg(mean_scores_in_rank_order: Sequence[float], k: int | None = None) -> float | None:
    """nDCG@k of a recommendation list whose items carry mean human scores (1–5) in the system's rank order.

    Ratings are graded relevance: an item's gain is its mean score − 1, so "not similar at all" gains nothing.
    """
    return ndcg_at_k([score - 1 for score in mean_scores_in_rank_order], k)


def mean_of_defined(values: Iterable[float | None]) -> float | None:
    defined = [value for value in values if value is not None]
    return sum(defined) / len(defined) if defined else None


def krippendorff_alpha_ordinal(scores_per_unit: Iterable[Sequence[int]]) -> float | None:
    """Krippendorff's alpha (ordinal, values 1–5) over the units that have at least two scores.

    Each unit is the list of scores different evaluators gave one rated item; rater identity does not matter to
    alpha, only which values co-occur within a unit. ``None`` when fewer than two such units exist or the scores
    show no variation at all (alpha is 0/0 then).
    """
    import krippendorff

    counts = []
    for scores in scores_per_unit:
        if len(scores) < 2:
            continue
        row = [0] * len(SCORE_VALUES)
        for score in scores:
            row[SCORE_VALUES.index(int(score))] += 1
        counts.append(row)
    if len(counts) < 2:
        return None
    totals = np.asarray(counts).sum(axis=0)
    if np.count_nonzero(totals) < 2:
        return None
    value = krippendorff.alpha(value_counts=np.asarray(counts), value_domain=list(SCORE_VALUES),
                               level_of_measurement="ordinal")
    return None if math.isnan(value) else float(value)


@dataclass(frozen=True)
class Correlation:
    rho: float | None
    p_value: float | None
    n: int


def spearman(xs: Sequence[float], ys: Sequence[float]) -> Correlation:
    """Spearman rank correlation of paired values; undefined below three pairs or when either side is constant."""
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None and y is not None]
    n = len(pairs)
    if n < 3:
        return Correlation(None, None, n)
    x_values, y_values = zip(*pairs, strict=True)
    if len(set(x_values)) < 2 or len(set(y_values)) < 2:
        return Correlation(None, None, n)
    result = scipy_stats.spearmanr(x_values, y_values)
    rho, p_value = float(result.statistic), float(result.pvalue)
    if math.isnan(rho):
        return Correlation(None, None, n)
    return Correlation(rho, None if math.isnan(p_value) else p_value, n)


def score_distribution(scores: Iterable[int]) -> dict[int, int]:
    """How many times each score 1–5 was given (every score present, zeros included)."""
    distribution = dict.fromkeys(SCORE_VALUES, 0)
    for score in scores:
        distribution[int(score)] += 1
    return distribution

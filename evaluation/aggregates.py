"""Per-system aggregates of rated recommendation lists, computed from plain values (see ``selectors`` for the DB).

"Don't know" / "can't play" answers (``RatedItem.unrated``) never enter a mean, nDCG, alpha or ρ: they are counted
apart, per system, so a system recommending obscure or unplayable tracks shows it without its scores moving.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import stats


@dataclass(frozen=True)
class RatedItem:
    """One frozen recommendation with every score evaluators gave it."""

    list_key: int  # the rating task (one seed, one system) the item belongs to
    system: str
    rank: int
    cosine_similarity: float | None
    scores: tuple[int, ...]
    # The Unrated reasons ("unknown", "unplayable") of the evaluators who gave no score.
    unrated: tuple[str, ...] = ()

    @property
    def mean_score(self):
        return sum(self.scores) / len(self.scores) if self.scores else None


@dataclass
class SystemAggregate:
    system: str
    mean: stats.MeanEstimate
    ratings: int
    rated_items: int
    items: int
    lists: int
    ndcg: float | None
    ndcg_lists: int
    alpha: float | None
    alpha_units: int
    spearman: stats.Correlation
    distribution: dict[int, int]
    unknown: int = 0  # "don't know this track" answers, outside every statistic above
    unplayable: int = 0  # "can't play it" answers
    # (cosine similarity, mean human score) per rated item, for the scatter chart.
    points: list[tuple[float, float]] = field(default_factory=list)

    def as_dict(self):
        return {
            "system": self.system,
            "mean_score": self.mean.mean,
            "ci95_low": self.mean.low,
            "ci95_high": self.mean.high,
            "ratings": self.ratings,
            "rated_items": self.rated_items,
            "items": self.items,
            "lists": self.lists,
            "ndcg_at_k": self.ndcg,
            "ndcg_lists": self.ndcg_lists,
            "alpha": self.alpha,
            "alpha_units": self.alpha_units,
            "spearman_rho": self.spearman.rho,
            "spearman_p": self.spearman.p_value,
            "spearman_items": self.spearman.n,
            "distribution": {str(score): count for score, count in self.distribution.items()},
            "unknown": self.unknown,
            "unplayable": self.unplayable,
        }


def aggregate_system(system: str, items: list[RatedItem], k: int | None = None) -> SystemAggregate:
    """Every statistic of one system's rated items.

    nDCG@k is averaged over the lists whose items all have at least one answer: a half-rated list has no
    meaningful ideal ordering yet. Items nobody could score (only "don't know" / "can't play") leave the list, the
    others keep their rank order.
    """
    all_scores = [score for item in items for score in item.scores]
    rated = [item for item in items if item.scores]
    lists = defaultdict(list)
    for item in items:
        lists[item.list_key].append(item)
    list_ndcgs = []
    for members in lists.values():
        if all(member.scores or member.unrated for member in members):
            ordered = sorted((member for member in members if member.scores), key=lambda member: member.rank)
            if ordered:
                list_ndcgs.append(stats.list_ndcg([member.mean_score for member in ordered], k))
    defined_ndcgs = [value for value in list_ndcgs if value is not None]
    units = [item.scores for item in rated if len(item.scores) >= 2]
    return SystemAggregate(
        system=system,
        mean=stats.mean_with_ci(all_scores),
        ratings=len(all_scores),
        rated_items=len(rated),
        items=len(items),
        lists=len(lists),
        ndcg=stats.mean_of_defined(defined_ndcgs),
        ndcg_lists=len(defined_ndcgs),
        alpha=stats.krippendorff_alpha_ordinal(units),
        alpha_units=len(units),
        spearman=stats.spearman([item.cosine_similarity for item in rated], [item.mean_score for item in rated]),
        distribution=stats.score_distribution(all_scores),
        unknown=sum(item.unrated.count("unknown") for item in items),
        unplayable=sum(item.unrated.count("unplayable") for item in items),
        points=[(item.cosine_similarity, item.mean_score) for item in rated if item.cosine_similarity is not None],
    )


@dataclass
class Aggregates:
    systems: list[SystemAggregate]
    alpha: float | None
    alpha_units: int
    ratings: int
    unknown: int = 0
    unplayable: int = 0

    def by_system(self):
        return {aggregate.system: aggregate for aggregate in self.systems}

    def as_dict(self):
        return {"ratings": self.ratings, "alpha": self.alpha, "alpha_units": self.alpha_units,
                "unknown": self.unknown, "unplayable": self.unplayable,
                "systems": [aggregate.as_dict() for aggregate in self.systems]}


def aggregate(items: Iterable[RatedItem], systems: Iterable[str], k: int | None = None) -> Aggregates:
    """Aggregates for each of ``systems`` (in that order, present even when unrated) plus overall agreement."""
    items = list(items)
    by_system = defaultdict(list)
    for item in items:
        by_system[item.system].append(item)
    ordered_systems = list(dict.fromkeys([*systems, *by_system]))
    units = [item.scores for item in items if len(item.scores) >= 2]
    return Aggregates(
        systems=[aggregate_system(system, by_system.get(system, []), k) for system in ordered_systems],
        alpha=stats.krippendorff_alpha_ordinal(units),
        alpha_units=len(units),
        ratings=sum(len(item.scores) for item in items),
        unknown=sum(item.unrated.count("unknown") for item in items),
        unplayable=sum(item.unrated.count("unplayable") for item in items),
    )

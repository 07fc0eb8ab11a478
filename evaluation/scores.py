"""Human scores for (seed track, recommended track) pairs, for display beside cosine scores."""

from dataclasses import dataclass


@dataclass(frozen=True)
class HumanScore:
    mean: float
    count: int


def human_scores(seed_track_id, track_ids):
    """Map each of ``track_ids`` that evaluators have rated as a recommendation for the seed to its HumanScore.

    Both arguments are catalog Track primary keys. Unrated tracks are absent from the result.
    """
    return {}

"""The pairwise fit recovers a known weighting from simulated 1–5 scores (tolerance 0.05 per share)."""

import numpy as np
import pytest

from recommender.together.weight_fitting import FEATURES, NotEnoughJudgements, fit_pairwise

TRUE = np.array([0.5, 0.2, 0.3])
TOLERANCE = 0.05


def simulated(lists, seed, items=10):
    """Judges with their own offset and use of the scale score lists by the known weighting, with noise."""
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(lists):
        features = rng.uniform(0, 1, size=(items, 3))
        features[:, 2] *= rng.random(items) < 0.5  # half the tracks nobody put together with the seed
        offset, spread = rng.normal(0, 0.5), rng.uniform(3, 6)
        scores = np.clip(np.round(1 + offset + spread * (features @ TRUE) + rng.normal(0, 0.3, items)), 1, 5)
        groups.append((features, scores))
    return groups


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ratings_simulated_from_a_known_weighting_are_recovered(seed):
    fitted = fit_pairwise(simulated(150, seed))
    for name, true in zip(FEATURES, TRUE, strict=True):
        assert fitted.weights[name] == pytest.approx(true, abs=TOLERANCE)
    assert sum(fitted.weights.values()) == pytest.approx(1.0)
    assert fitted.agreement > 0.9
    audio, genre = fitted.index_weights()
    assert audio == 1.0 and genre == pytest.approx(np.sqrt(fitted.weights["genre"] / fitted.weights["audio"]))


def test_too_few_ratings_or_pairs_are_refused():
    with pytest.raises(NotEnoughJudgements, match="40 ratings; fitting needs at least 50"):
        fit_pairwise(simulated(4, 0))
    same = [(np.random.default_rng(0).uniform(size=(10, 3)), np.full(10, 3.0)) for _ in range(10)]
    with pytest.raises(NotEnoughJudgements, match="only 0 pairs"):
        fit_pairwise(same)

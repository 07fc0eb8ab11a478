"""Learning the similar lists' blend from judgement: how much audio, genre and "together" similarity to mix.

Each judged pair (a seed and a track in its list) is described by three similarities: of the audio blocks, of
the genre blocks (cosine of each block of the index version's weighted vectors) and the together model's
(its neighbour score divided by the seed's best, 0 without co-occurrence). A weighting w ranks a seed's tracks
by w · x. The fit is **pairwise** (a logistic model of "i was judged better than j" on x_i − x_j, over pairs of
one judge and one seed): judges use the 1–5 scale differently (one's 3 is another's 4) and a weighting only
decides an order, so comparisons inside one judge's scores of one seed keep what the scores say about order and
drop each judge's offset and spread, which an ordinal model would need a threshold set per judge to absorb.

The weights are normalised to sum 1. Content's cosine on unit blocks is (a²·audio + g²·genre) / (a² + g²) for
block weights a, g, so the learned audio : genre shares give index weights a = √share (genre the same), and the
together share is the blend's ``similar_blend``.
"""

from dataclasses import dataclass

import numpy as np

from catalog.models import AUDIO_FEATURES

from .scoring import neighbour_scores

FEATURES = ("audio", "genre", "together")
MIN_RATINGS = 50
MIN_PAIRS = 30


class NotEnoughJudgements(ValueError):
    """Too few ratings or informative pairs to fit anything: the caller changes nothing."""


@dataclass
class FittedWeights:
    weights: dict  # feature → share, summing to 1
    pairs: int
    agreement: float  # share of the training pairs the weighting orders as judged

    @property
    def similar_blend(self):
        return self.weights["together"]

    def index_weights(self):
        """(audio_weight, genre_weight) for an index build, audio 1 unless it learned nothing."""
        audio, genre = self.weights["audio"], self.weights["genre"]
        if audio <= 0:
            return 0.0, 1.0
        return 1.0, float(np.sqrt(genre / audio))


def judged_pairs(groups):
    """(differences, labels, sample weights) over every pair of differently scored items of each group."""
    differences, labels, weights = [], [], []
    for features, scores in groups:
        features, scores = np.asarray(features, dtype=np.float64), np.asarray(scores, dtype=np.float64)
        for i in range(len(scores)):
            for j in range(i + 1, len(scores)):
                if scores[i] == scores[j]:
                    continue
                sign = 1.0 if scores[i] > scores[j] else -1.0
                gap = abs(scores[i] - scores[j])
                differences += [features[i] - features[j], features[j] - features[i]]
                labels += [sign > 0, sign < 0]
                weights += [gap, gap]
    return np.asarray(differences).reshape(-1, len(FEATURES)), np.asarray(labels), np.asarray(weights)


def fit_pairwise(groups, ratings=None):
    """FittedWeights from [(features n × 3, scores n)] per (judge, seed); raises NotEnoughJudgements."""
    from sklearn.linear_model import LogisticRegression  # deferred: only this command needs it

    ratings = sum(len(scores) for _, scores in groups) if ratings is None else ratings
    if ratings < MIN_RATINGS:
        raise NotEnoughJudgements(f"{ratings} ratings; fitting needs at least {MIN_RATINGS}")
    differences, labels, weights = judged_pairs(groups)
    pairs = len(labels) // 2
    if pairs < MIN_PAIRS:
        raise NotEnoughJudgements(f"only {pairs} pairs of one judge's differently scored tracks of one seed; "
                                  f"fitting needs at least {MIN_PAIRS}")
    model = LogisticRegression(fit_intercept=False, C=100.0, max_iter=1000)
    model.fit(differences, labels, sample_weight=weights)
    coefficients = np.maximum(model.coef_[0], 0.0)
    if coefficients.sum() <= 0:
        raise NotEnoughJudgements("the judgements favour no similarity (every learned weight is 0 or less)")
    shares = coefficients / coefficients.sum()
    agreement = float(np.mean((differences[labels] @ shares) > 0))
    return FittedWeights({name: float(value) for name, value in zip(FEATURES, shares, strict=True)}, pairs,
                         agreement)


def block_columns(version, dimensions):
    """(audio columns, genre columns) of a version's weighted vectors: the stack is audio (12 columns), then
    popularity (1, when weighted), then the genre words."""
    audio = len(AUDIO_FEATURES) if version.params.get("audio_weight", 1.0) > 0 else 0
    start = audio + (1 if version.params.get("popularity_weight", 0.0) > 0 else 0)
    return np.arange(audio), np.arange(start, dimensions)


def features_for(data, version, *, model_data, seed_id, track_ids):
    """n × 3 similarities (audio, genre, together) of ``track_ids`` to the seed; None when the seed is not indexed.
    Tracks not in the version get 0 content similarity."""
    seed = data.position(int(seed_id))
    if seed is None:
        return None
    positions = data.positions(track_ids)
    audio, genre = block_columns(version, data.weighted.shape[1])
    rows = np.asarray(data.weighted[np.maximum(positions, 0)], dtype=np.float64)
    seed_row = np.asarray(data.weighted[seed], dtype=np.float64)
    features = np.zeros((len(track_ids), len(FEATURES)))
    for column, block in enumerate((audio, genre)):
        if len(block):
            norms = np.linalg.norm(rows[:, block], axis=1) * np.linalg.norm(seed_row[block])
            features[:, column] = np.divide(rows[:, block] @ seed_row[block], norms, out=np.zeros(len(rows)),
                                            where=norms > 0)
    together = None if model_data is None else neighbour_scores(model_data, version.pk, int(seed_id))
    if together is not None:
        features[:, 2] = np.where(positions >= 0, together[np.maximum(positions, 0)], 0.0)
    features[positions < 0, :2] = 0.0
    return features

"""One training of the "together" model: tracks people put together (playlists) or like together (listeners).

The model's files (ALS item factors and the item-item neighbours) live in ``RECOMMENDER_INDEX_DIR/together/<id>/``
and are written under a temporary name and renamed, so a model is either complete on disk or absent; exactly one
model is active at a time, and a failed training leaves the active one serving.
"""

from django.db import models
from django.db.models import Q

from recommender.trained_models import TrainedModel, one_active_constraint


class TogetherModel(TrainedModel):
    params = models.JSONField(default=dict, help_text="weighting, factors, regularization, iterations, K…")
    # The blends, each the share of the together score against content's cosine (0 = content only); the
    # benchmark on the development playlists chooses them (bench/bench_playlists.py, fit_weights --playlists dev).
    # The defaults (before any benchmark run) are what it chose with the artist level (docs/recommendations.md).
    similar_blend = models.FloatField(default=0.85, help_text="share of 'together' in the blended similar lists")
    personal_blend = models.FloatField(default=0.5, help_text="share of the folded-in listener in For you")
    seeds_blend = models.FloatField(default=0.5, help_text="share of the folded-in seeds in multi-seed lists")
    n_playlists = models.PositiveIntegerField(default=0)

    class Meta(TrainedModel.Meta):
        constraints = [
            one_active_constraint("one_active_together_model"),
            models.CheckConstraint(condition=Q(similar_blend__gte=0, similar_blend__lte=1, personal_blend__gte=0,
                                               personal_blend__lte=1, seeds_blend__gte=0, seeds_blend__lte=1),
                                   name="together_blends_between_0_and_1"),
        ]

    def __str__(self):
        return f"together model {self.pk} ({self.status})"

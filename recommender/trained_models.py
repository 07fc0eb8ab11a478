"""What the trained recommender models (together, personal) share: their status, their run's record, one active.

A training starts ``training``; it ends ``active`` (the one before it ``retired``) or ``failed``, while the active
model keeps serving. The database holds "one active at a time": each concrete model lists
``one_active_constraint(name)`` in its Meta, under its own constraint name.
"""

from typing import TypeVar

from django.db import models, transaction
from django.db.models import Q


class TrainedModel(models.Model):
    """The abstract base: status, parameters, the sizes trained on, the run's time, MLflow run and message."""

    class Status(models.TextChoices):
        TRAINING = "training", "Training"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.TRAINING, db_index=True)
    params = models.JSONField(default=dict)
    n_listeners = models.PositiveIntegerField(default=0)
    n_tracks = models.PositiveIntegerField(default=0)
    n_interactions = models.PositiveIntegerField(default=0)
    train_seconds = models.FloatField(default=0.0)
    mlflow_run_id = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]


Trained = TypeVar("Trained", bound=TrainedModel)


def one_active_constraint(name: str) -> models.UniqueConstraint:
    """At most one row of the model is active (a partial unique index on status)."""
    return models.UniqueConstraint(fields=["status"], condition=Q(status=TrainedModel.Status.ACTIVE), name=name)


def activate(model: Trained) -> list[Trained]:
    """Make ``model`` the active one and retire the one before it, in one transaction (the active row locked
    first, so two activations queue); returns the models retired, whose files the caller removes."""
    manager = type(model)._default_manager
    with transaction.atomic():
        previous = list(manager.select_for_update().filter(status=TrainedModel.Status.ACTIVE))
        manager.filter(pk__in=[old.pk for old in previous]).update(status=TrainedModel.Status.RETIRED)
        model.status = TrainedModel.Status.ACTIVE
        model.save()
    return previous

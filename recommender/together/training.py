"""Training the together model: fit, save its files, log an MLflow run, then switch it in as the active model.

A training that fails (or is killed) leaves the active model serving: the new model's row is marked failed and
its files never reach their final name (files.save_model). Rows that teach nothing (no playlist or listener with
two tracks) skip the training and change nothing. The blends (content / together shares) carry over from the
active model unless given: they are chosen by the benchmark or ``fit_weights``, not by each nightly retrain.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from recommender import trained_models
from songrec.lib.mlflow_runs import log_run

from . import active, files
from .fitting import Params, build_matrix, fit
from .models import TogetherModel
from .sources import PLAYLIST, Rows, artist_credits, training_rows

logger = logging.getLogger(__name__)
BLENDS = ("similar_blend", "personal_blend", "seeds_blend")


@dataclass
class TrainResult:
    model: TogetherModel | None
    skipped: str = ""


def default_params() -> Params:
    """The active model's parameters (what the benchmark chose last), else the defaults; threads from settings."""
    model = active.read_active_model()
    values = model.params if model is not None else {}
    return Params.from_dict({**values, "threads": settings.TOGETHER_THREADS})


def current_blends() -> dict:
    """The active model's blends, or the model's defaults before the first training."""
    model = active.read_active_model()
    source = model if model is not None else TogetherModel()
    return {name: getattr(source, name) for name in BLENDS}


def train_together_model(rows: Rows | None = None, *, params: Params | None = None, blends: dict | None = None,
                         activate: bool = True, log_to_mlflow: bool = True, progress=None) -> TrainResult:
    """Fit the model on ``rows`` (every playlist and listener when None); save, log and (unless ``activate`` is
    False, as for the benchmark's models) make it the active model. ``progress(stage)`` hears each stage."""
    progress = progress or (lambda stage: None)
    progress("reading")
    rows = training_rows() if rows is None else rows
    matrix = build_matrix(rows)
    if matrix.weights.shape[0] == 0:
        return TrainResult(None, "no playlist or listener has two tracks yet")
    params = params or default_params()
    blends = {**current_blends(), **(blends or {})}
    playlists = sum(1 for kind, _ in matrix.row_keys if kind == PLAYLIST)
    model = TogetherModel.objects.create(
        params=params.as_dict(), n_playlists=playlists, n_listeners=len(matrix.row_keys) - playlists,
        n_tracks=len(matrix.track_ids), n_interactions=int(matrix.weights.nnz), **blends)
    started = time.perf_counter()
    try:
        fitted = fit(matrix, params, progress, credits=artist_credits() if params.artist_weight > 0 else None)
        progress("saving")
        files.save_model(model.pk, fitted, params)
    except BaseException as error:
        TogetherModel.objects.filter(pk=model.pk).update(status=TogetherModel.Status.FAILED,
                                                         message=str(error)[:2000] or type(error).__name__,
                                                         finished_at=timezone.now())
        active.models_changed()
        raise
    model.train_seconds = round(time.perf_counter() - started, 3)
    model.finished_at = timezone.now()
    if log_to_mlflow:
        progress("logging")
        model.mlflow_run_id = log_run(settings.TOGETHER_MLFLOW_EXPERIMENT_NAME, f"together-{model.pk}",
            tags={"songrec.together_model": str(model.pk)},
            params={**params.as_dict(), "n_playlists": model.n_playlists, "n_listeners": model.n_listeners,
                    "n_tracks": model.n_tracks, "n_interactions": model.n_interactions},
            metrics={"train_seconds": model.train_seconds, **blends}).run_id
    if activate:
        _activate(model)
    else:
        model.status = TogetherModel.Status.RETIRED
        model.save()
    return TrainResult(model)


def _activate(model):
    previous = trained_models.activate(model)
    for old in previous:
        files.remove_model(old.pk)
        files.forget_model_data(old.pk)
    active.models_changed()


def set_blends(model: TogetherModel, blends: dict) -> TogetherModel:
    """Change a model's blends (each 0–1), e.g. to what fit_weights learned; raises ValueError on a bad value."""
    for name, value in blends.items():
        if name not in BLENDS or not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name} must be one of {', '.join(BLENDS)} with a value between 0 and 1")
    TogetherModel.objects.filter(pk=model.pk).update(**{name: float(value) for name, value in blends.items()})
    active.models_changed()
    model.refresh_from_db()
    return model

"""Training the collaborative model: implicit-feedback ALS over likes, plays and evaluators' ratings.

Each training holds out 20% of every listener's interactions (listeners with at least 5), fits on the rest and
measures precision@10, recall@10 and nDCG@10 of ALS, the content-based taste list, their hybrid at a few blend
weights and the popularity baseline. The best blend weight is kept; then ALS is refitted on everything, saved,
switched in as the active model and logged to MLflow. Training is bounded to ``PERSONAL_ALS_THREADS`` threads
with BLAS single-threaded (implicit's own advice).
"""

import random
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils import timezone
from scipy import sparse
from threadpoolctl import threadpool_limits

from recommender import storage, trained_models
from recommender.selectors import active_version
from songrec.lib.blas import one_blas_thread

from . import collaborative
from .foryou import recommend_from
from .interactions import Interactions
from .metrics import mean_metrics, precision_recall_ndcg
from .models import PersonalModel
from .sources import listener_interactions
from .tracking import log_training

HOLD_OUT_SHARE = 0.2
MIN_EVAL_ITEMS = 5
CONFIDENCE_SCALE = 10.0
BLEND_WEIGHTS = (0.25, 0.5, 0.75)
K = 10


@dataclass
class Matrix:
    user_ids: np.ndarray  # sorted
    track_ids: np.ndarray  # sorted
    weights: sparse.csr_matrix  # users × tracks


def build_matrix(pairs):
    """{(user id, track id): weight} → Matrix."""
    users = np.fromiter((user for user, _ in pairs), dtype=np.int64, count=len(pairs))
    tracks = np.fromiter((track for _, track in pairs), dtype=np.int64, count=len(pairs))
    values = np.fromiter(pairs.values(), dtype=np.float32, count=len(pairs))
    user_ids, rows = np.unique(users, return_inverse=True)
    track_ids, columns = np.unique(tracks, return_inverse=True)
    weights = sparse.csr_matrix((values, (rows, columns)), shape=(len(user_ids), len(track_ids)))
    return Matrix(user_ids, track_ids, weights)


def fit_als(weights, params):
    """(user factors, item factors) of implicit's ALS on a users × items weight matrix."""
    from implicit.cpu.als import AlternatingLeastSquares  # deferred: compiled extension, only for training

    with threadpool_limits(1, "blas"):  # implicit checks BLAS threads when the model is created
        model = AlternatingLeastSquares(factors=params["factors"], regularization=params["regularization"],
                                        iterations=params["iterations"], num_threads=params["threads"],
                                        random_state=params["random_state"], calculate_training_loss=False)
        model.fit((weights * CONFIDENCE_SCALE).tocsr(), show_progress=False)
    return np.asarray(model.user_factors), np.asarray(model.item_factors)


def split_held_out(weights, seed=0):
    """(training matrix, {row: held-out column set}) holding out HOLD_OUT_SHARE of each eligible row."""
    rng = random.Random(seed)
    weights = weights.tocsr()
    train = weights.tolil(copy=True)
    held = {}
    for row in range(weights.shape[0]):
        columns = weights.indices[weights.indptr[row]:weights.indptr[row + 1]].tolist()
        if len(columns) < MIN_EVAL_ITEMS:
            continue
        chosen = rng.sample(columns, max(1, int(len(columns) * HOLD_OUT_SHARE)))
        for column in chosen:
            train[row, column] = 0
        held[row] = set(chosen)
    train = train.tocsr()
    train.eliminate_zeros()
    return train, held


def evaluate(matrix, train, held, params, *, version):
    """Per-method mean @10 metrics on the held-out split; returns (metrics by method, best blend weight)."""
    user_factors, item_factors = fit_als(train, params)
    rows = sorted(held)
    if len(rows) > settings.PERSONAL_EVAL_MAX_LISTENERS:
        rows = sorted(random.Random(1).sample(rows, settings.PERSONAL_EVAL_MAX_LISTENERS))
    popularity = np.asarray((train > 0).sum(axis=0)).ravel().astype(np.float64)
    results = {name: [] for name in ("als", "popularity", "content",
                                     *(f"hybrid_{weight}" for weight in BLEND_WEIGHTS))}
    if version is not None:
        data = storage.version_data(version.pk)
        version_positions, index_size = data.positions(matrix.track_ids), len(data)
    for row in rows:
        start, stop = train.indptr[row], train.indptr[row + 1]
        seen_columns = train.indices[start:stop]
        relevant = {int(matrix.track_ids[column]) for column in held[row]}
        raw = item_factors @ user_factors[row]
        results["als"].append(precision_recall_ndcg(_top_ids(raw, seen_columns, matrix.track_ids), relevant))
        results["popularity"].append(precision_recall_ndcg(
            _top_ids(popularity, seen_columns, matrix.track_ids), relevant))
        if version is None:
            continue
        seen_ids = {int(matrix.track_ids[column]) for column in seen_columns}
        interactions = Interactions(
            positives={int(matrix.track_ids[c]): float(w) for c, w in zip(seen_columns, train.data[start:stop],
                                                                         strict=True)},
            reasons={}, negatives=set(), excluded=seen_ids)
        ranked, _ = recommend_from(interactions, K, version)
        results["content"].append(precision_recall_ndcg([item.track_id for item in ranked], relevant))
        spread = collaborative.spread_onto_index(raw, version_positions, index_size)
        for weight in BLEND_WEIGHTS:
            ranked, _ = recommend_from(interactions, K, version, spread, blend_weight=weight)
            results[f"hybrid_{weight}"].append(precision_recall_ndcg([item.track_id for item in ranked], relevant))
    metrics = {name: mean_metrics(values) for name, values in results.items() if values}
    hybrids = [(metrics[f"hybrid_{w}"]["ndcg_at_10"], w) for w in BLEND_WEIGHTS if f"hybrid_{w}" in metrics]
    best = max(hybrids)[1] if hybrids else 0.5
    if hybrids:
        metrics["hybrid"] = metrics[f"hybrid_{best}"]
    return metrics, best, len(rows)


def _top_ids(scores, seen_columns, track_ids, k=K):
    scores = np.array(scores, dtype=np.float64)
    scores[seen_columns] = -np.inf
    count = min(k, len(scores))
    top = np.argpartition(-scores, count - 1)[:count] if count else np.empty(0, dtype=np.int64)
    top = top[np.argsort(-scores[top], kind="stable")]
    return [int(track_ids[column]) for column in top if np.isfinite(scores[column])]


def default_params():
    return {"factors": settings.PERSONAL_ALS_FACTORS, "regularization": settings.PERSONAL_ALS_REGULARIZATION,
            "iterations": settings.PERSONAL_ALS_ITERATIONS, "threads": settings.PERSONAL_ALS_THREADS,
            "random_state": 42, "confidence_scale": CONFIDENCE_SCALE, "hold_out_share": HOLD_OUT_SHARE}


@dataclass
class TrainResult:
    model: PersonalModel | None
    skipped: str = ""


def train_personal_model(pairs=None, log_to_mlflow=True):
    """Train, evaluate, save and activate a collaborative model; skips when nobody has interactions yet."""
    pairs = listener_interactions() if pairs is None else pairs
    if not pairs:
        return TrainResult(None, "no listener has likes, plays or ratings yet")
    params = default_params()
    matrix = build_matrix(pairs)
    model = PersonalModel.objects.create(params=params, n_listeners=len(matrix.user_ids),
                                         n_tracks=len(matrix.track_ids), n_interactions=int(matrix.weights.nnz))
    # A training whose worker was killed left its row "training"; this run (its redelivery, or the next one) ends it.
    PersonalModel.objects.filter(status=PersonalModel.Status.TRAINING, pk__lt=model.pk).update(
        status=PersonalModel.Status.FAILED, finished_at=timezone.now(),
        message=f"stopped without finishing (its worker died); training {model.pk} replaced it")
    started = time.perf_counter()
    try:
        train, held = split_held_out(matrix.weights)
        with one_blas_thread():  # thousands of small products: see songrec.lib.blas
            metrics, blend_weight, evaluated = evaluate(matrix, train, held, params, version=active_version()) if held \
                else ({}, 0.5, 0)
        evaluate_seconds = time.perf_counter() - started
        fit_started = time.perf_counter()
        user_factors, item_factors = fit_als(matrix.weights, params)
        fit_seconds = time.perf_counter() - fit_started
        collaborative.save_factors(model.pk, matrix.user_ids, user_factors, matrix.track_ids, item_factors=item_factors)
    except Exception as error:
        PersonalModel.objects.filter(pk=model.pk).update(status=PersonalModel.Status.FAILED, message=str(error)[:2000],
                                                         finished_at=timezone.now())
        raise
    model.metrics, model.blend_weight, model.train_seconds = metrics, blend_weight, round(fit_seconds, 3)
    model.finished_at = timezone.now()
    if log_to_mlflow:
        model.mlflow_run_id = log_training(
            model, {**params, "n_listeners": model.n_listeners, "n_tracks": model.n_tracks,
                    "n_interactions": model.n_interactions, "evaluated_listeners": evaluated},
            metrics, {"train_seconds": fit_seconds, "evaluate_seconds": evaluate_seconds,
                      "blend_weight": blend_weight}).run_id
    previous = trained_models.activate(model)
    for old in previous:
        collaborative.remove_factors(old.pk)
    collaborative.forget_model_data()
    return TrainResult(model)

"""Log each index build as an MLflow run (params, metrics, the fitted pipeline as an artifact).

A client bound to ``settings.MLFLOW_TRACKING_URI`` is used instead of mlflow's global state, so tests and
processes with different settings don't leak into each other. The experiment is created on first use with
its artifact location under ``settings.MLFLOW_ARTIFACT_ROOT``.
"""

import logging
import time
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings


def artifact_location(root):
    """A URI for the experiment's artifact location: plain paths become file:// URIs."""
    root = str(root)
    if urlparse(root).scheme and len(urlparse(root).scheme) > 1:  # "s3://…", "file:…"; not "C:\…"
        return root
    return Path(root).resolve().as_uri()


def experiment_id(client, name=None):
    """The experiment's id (``MLFLOW_EXPERIMENT_NAME`` unless named), created or restored on first use."""
    name = name or settings.MLFLOW_EXPERIMENT_NAME
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        return client.create_experiment(name, artifact_location=artifact_location(settings.MLFLOW_ARTIFACT_ROOT))
    if experiment.lifecycle_stage == "deleted":
        client.restore_experiment(experiment.experiment_id)
    return experiment.experiment_id


def run_metrics(metrics, timings):
    """Flatten {"cosine": {...}, "euclidean": {...}} and timings into MLflow metric names."""
    flat = {"build_seconds": timings.get("total", 0.0)}
    for metric, values in metrics.items():
        for name, value in values.items():
            flat[f"{metric}_{name}"] = value
    for stage, seconds in timings.items():
        if stage != "total":
            flat[f"seconds_{stage}"] = seconds
    return flat


def log_build(version, params, metrics, timings, artifacts):
    """Record a finished build as an MLflow run and return its run id."""
    # mlflow is heavy to import: only processes that log a run pay for it, not every web process.
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    # MLflow and alembic log every store migration at INFO, which would scribble over progress bars.
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    client = MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)
    run = client.create_run(experiment_id(client), run_name=f"index-v{version.pk}",
                            tags={"songrec.index_version": str(version.pk),
                                  "songrec.catalog_revision": str(version.catalog_revision)})
    run_id = run.info.run_id
    try:
        now = int(time.time() * 1000)
        logged = {**params.mlflow_params(), "metric": "cosine,euclidean", "n_tracks": version.n_tracks,
                  "dimensions": version.dimensions}
        client.log_batch(
            run_id,
            params=[Param(key, str(value)) for key, value in logged.items()],
            metrics=[Metric(key, float(value), now, 0) for key, value in run_metrics(metrics, timings).items()],
        )
        for path in artifacts:
            client.log_artifact(run_id, str(path))
    except Exception:
        client.set_terminated(run_id, "FAILED")
        raise
    client.set_terminated(run_id, "FINISHED")
    return run_id


def log_run(*, experiment, run_name, tags, params, metrics):
    """Record a finished run of any model (params, flat numeric metrics) in ``experiment``; returns its run id."""
    from mlflow.entities import Metric, Param  # deferred: mlflow is heavy and only needed here
    from mlflow.tracking import MlflowClient

    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    client = MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)
    run = client.create_run(experiment_id(client, experiment), run_name=run_name, tags=tags)
    now = int(time.time() * 1000)
    try:
        client.log_batch(run.info.run_id, params=[Param(key, str(value)[:6000]) for key, value in params.items()],
                         metrics=[Metric(key, float(value), now, 0) for key, value in metrics.items()])
    except Exception:
        client.set_terminated(run.info.run_id, "FAILED")
        raise
    client.set_terminated(run.info.run_id, "FINISHED")
    return run.info.run_id


def latest_run(experiment, run_name_prefix=""):
    """(params, metrics, run id) of the experiment's newest finished run (named with the prefix), or None."""
    from mlflow.tracking import MlflowClient  # deferred: mlflow is heavy and only needed here

    client = MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)
    found = client.get_experiment_by_name(experiment)
    if found is None:
        return None
    query = "attributes.status = 'FINISHED'"
    if run_name_prefix:
        query += f" and attributes.run_name LIKE '{run_name_prefix}%'"
    runs = client.search_runs([found.experiment_id], query, order_by=["attributes.start_time DESC"], max_results=1)
    if not runs:
        return None
    return runs[0].data.params, runs[0].data.metrics, runs[0].info.run_id

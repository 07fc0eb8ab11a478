"""Log explorer and cluster results as MLflow runs in a named experiment.

A client bound to ``settings.MLFLOW_TRACKING_URI`` (no global mlflow state), like the index builds' runs; the
experiment is created on first use with its artifacts under ``settings.MLFLOW_ARTIFACT_ROOT``.
"""

import logging
import time
from pathlib import Path

from django.conf import settings


def _client():
    from mlflow.tracking import MlflowClient  # deferred: importing mlflow takes about a second

    # MLflow and alembic log every store migration at INFO.
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    return MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)


def _experiment(client, name):
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        root = str(settings.MLFLOW_ARTIFACT_ROOT)
        location = root if "://" in root else Path(root, name).resolve().as_uri()
        return client.create_experiment(name, artifact_location=location)
    if experiment.lifecycle_stage == "deleted":
        client.restore_experiment(experiment.experiment_id)
    return experiment.experiment_id


def log_run(experiment, run_name, *, params=None, metrics=None, tags=None, texts=None):
    """Create one finished run with params, numeric metrics (None values skipped), tags and small text
    artifacts (``{file name: content}``); return its run id."""
    from mlflow.entities import Metric, Param  # deferred with the client

    client = _client()
    run = client.create_run(_experiment(client, experiment), run_name=run_name,
                            tags={key: str(value) for key, value in (tags or {}).items()})
    run_id = run.info.run_id
    try:
        now = int(time.time() * 1000)
        client.log_batch(
            run_id,
            params=[Param(key, str(value)[:500]) for key, value in (params or {}).items()],
            metrics=[Metric(key, float(value), now, 0) for key, value in (metrics or {}).items() if value is not None])
        for name, content in (texts or {}).items():
            client.log_text(run_id, content, name)
    except Exception:
        client.set_terminated(run_id, "FAILED")
        raise
    client.set_terminated(run_id, "FINISHED")
    return run_id

"""The one way songrec records an MLflow run: bound client, one artifact-location rule, runs that always end.

Every run (index builds, personal-model trainings, weight sweeps, clusterings, crawl drift) goes through
``log_run``: a client bound to ``MLFLOW_TRACKING_URI`` (never mlflow's global state, so tests and processes with
different settings don't leak into each other), the experiment got or created — restored when it was deleted —
with its artifacts under ``MLFLOW_ARTIFACT_ROOT/<experiment name>``, the run ended FINISHED, or FAILED when
logging broke half-way. MLflow is a record of the work, not part of it: when MLflow fails, ``log_run`` logs a
warning and returns the error instead of raising, and the caller keeps its result (and says so where it shows
one). ``mlflow_client()`` and ``log_metrics()`` are for the one writer that adds to an existing run (the
evaluation's metrics, which its Celery task retries when MLflow is down).
"""

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoggedRun:
    """The run's id ("" when MLflow failed) and, then, what went wrong."""

    run_id: str
    error: str | None = None


def mlflow_client(tracking_uri: str | None = None) -> Any:
    """An ``MlflowClient`` bound to ``tracking_uri`` (``MLFLOW_TRACKING_URI`` by default)."""
    # mlflow takes about a second to import: only processes that log a run pay for it, not every web process.
    from mlflow.tracking import MlflowClient

    # MLflow and alembic log every store migration at INFO, which would scribble over progress bars.
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    return MlflowClient(tracking_uri=tracking_uri or settings.MLFLOW_TRACKING_URI)


def log_metrics(client: Any, run_id: str, metrics: Mapping[str, float], *, step: int = 0) -> None:
    """Add ``metrics`` to an existing run at ``step``, in one batch (raises when MLflow fails)."""
    from mlflow.entities import Metric  # with the client (mlflow is heavy)

    now = int(time.time() * 1000)
    client.log_batch(run_id, metrics=[Metric(key, float(value), now, step) for key, value in metrics.items()])


def artifact_location(root: str | Path, experiment: str) -> str:
    """The experiment's artifact location: ``root/<experiment>``, plain paths made file:// URIs."""
    root = str(root)
    scheme = urlparse(root).scheme
    if scheme and len(scheme) > 1:  # "s3://…", "file:…"; not "C:\…"
        return f"{root.rstrip('/')}/{experiment}"
    return Path(root, experiment).resolve().as_uri()


def experiment_id(client: Any, name: str) -> str:
    """The experiment's id, created (with ``artifact_location``) or restored on first use."""
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        return client.create_experiment(name, artifact_location=artifact_location(settings.MLFLOW_ARTIFACT_ROOT,
                                                                                  name))
    if experiment.lifecycle_stage == "deleted":
        client.restore_experiment(experiment.experiment_id)
    return experiment.experiment_id


def log_run(experiment: str, run_name: str, *, params: Mapping[str, Any] | None = None,
            metrics: Mapping[str, float | None] | None = None, tags: Mapping[str, Any] | None = None,
            texts: Mapping[str, str] | None = None, artifacts: Iterable[str | Path] = (),
            tracking_uri: str | None = None) -> LoggedRun:
    """Record one finished run: params (values cut to MLflow's 500 characters), numeric metrics (None skipped),
    tags, small text artifacts (``{file name: content}``) and files. Never raises for MLflow's sake (see above)."""
    try:
        client = mlflow_client(tracking_uri)
        run = client.create_run(experiment_id(client, experiment), run_name=run_name,
                                tags={key: str(value) for key, value in (tags or {}).items()})
    except Exception as error:
        logger.warning("MLflow run %s of %s could not be created: %s", run_name, experiment, error, exc_info=True)
        return LoggedRun("", str(error))
    from mlflow.entities import Metric, Param  # imported with the client above (mlflow is heavy)

    run_id = run.info.run_id
    try:
        now = int(time.time() * 1000)
        client.log_batch(
            run_id,
            params=[Param(key, str(value)[:500]) for key, value in (params or {}).items()],
            metrics=[Metric(key, float(value), now, 0) for key, value in (metrics or {}).items() if value is not None])
        for name, content in (texts or {}).items():
            client.log_text(run_id, content, name)
        for path in artifacts:
            client.log_artifact(run_id, str(path))
    except Exception as error:
        logger.warning("MLflow logging of run %s (%s) failed: %s", run_name, run_id, error, exc_info=True)
        try:
            client.set_terminated(run_id, "FAILED")
        except Exception:  # MLflow is gone altogether; the warning above says so
            pass
        return LoggedRun("", str(error))
    try:
        client.set_terminated(run_id, "FINISHED")
    except Exception as error:
        logger.warning("MLflow run %s (%s) could not be finished: %s", run_name, run_id, error, exc_info=True)
        return LoggedRun("", str(error))
    return LoggedRun(run_id)


def latest_run(experiment: str, run_name_prefix: str = "") -> tuple[dict, dict, str] | None:
    """(params, metrics, run id) of the experiment's newest finished run (named with the prefix), or None."""
    client = mlflow_client()
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

"""Log each training of the collaborative model as an MLflow run, beside the index builds' experiment.

Same client-per-call pattern as ``recommender.tracking``; the experiment is ``PERSONAL_MLFLOW_EXPERIMENT_NAME``.
"""

import logging
import time

from django.conf import settings

from recommender.tracking import experiment_id


def log_training(model, params, method_metrics, extra_metrics):
    """Record a finished training (params, per-method @10 metrics, timings, blend weight); returns the run id."""
    from mlflow.entities import Metric, Param  # deferred: mlflow is heavy and only needed here
    from mlflow.tracking import MlflowClient

    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    client = MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)
    run = client.create_run(experiment_id(client, settings.PERSONAL_MLFLOW_EXPERIMENT_NAME),
                            run_name=f"personal-{model.pk}", tags={"songrec.personal_model": str(model.pk)})
    now = int(time.time() * 1000)
    flat = {f"{method}_{name}": value for method, values in method_metrics.items() for name, value in values.items()}
    flat.update(extra_metrics)
    try:
        client.log_batch(run.info.run_id, params=[Param(key, str(value)) for key, value in params.items()],
                         metrics=[Metric(key, float(value), now, 0) for key, value in flat.items()])
    except Exception:
        client.set_terminated(run.info.run_id, "FAILED")
        raise
    client.set_terminated(run.info.run_id, "FINISHED")
    return run.info.run_id

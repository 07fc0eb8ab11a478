"""Log each training of the collaborative model as an MLflow run, beside the index builds' experiment.

Through ``songrec.lib.mlflow_runs.log_run``, in the experiment ``PERSONAL_MLFLOW_EXPERIMENT_NAME``.
"""

from django.conf import settings

from songrec.lib.mlflow_runs import LoggedRun, log_run


def log_training(model, params: dict, method_metrics: dict, extra_metrics: dict) -> LoggedRun:
    """Record a finished training (params, per-method @10 metrics, timings, blend weight)."""
    flat = {f"{method}_{name}": value for method, values in method_metrics.items() for name, value in values.items()}
    flat.update(extra_metrics)
    return log_run(settings.PERSONAL_MLFLOW_EXPERIMENT_NAME, f"personal-{model.pk}", params=params, metrics=flat,
                   tags={"songrec.personal_model": model.pk})

"""Log each training of the collaborative model as an MLflow run, beside the index builds' experiment.

The experiment is ``PERSONAL_MLFLOW_EXPERIMENT_NAME``; the run goes through ``recommender.tracking.log_run``.
"""

from django.conf import settings

from recommender.tracking import log_run


def log_training(model, params, method_metrics, extra_metrics):
    """Record a finished training (params, per-method @10 metrics, timings, blend weight); returns the run id."""
    flat = {f"{method}_{name}": value for method, values in method_metrics.items() for name, value in values.items()}
    flat.update(extra_metrics)
    return log_run(experiment=settings.PERSONAL_MLFLOW_EXPERIMENT_NAME, run_name=f"personal-{model.pk}",
                   tags={"songrec.personal_model": str(model.pk)}, params=params, metrics=flat)

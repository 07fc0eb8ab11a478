"""Log each index build as an MLflow run (params, metrics, the fitted pipeline as an artifact).

The run goes through ``songrec.lib.mlflow_runs.log_run`` (client, experiment, artifact location, ending the
run, and never failing the build for MLflow's sake).
"""

from django.conf import settings

from songrec.lib.mlflow_runs import LoggedRun, log_run


def run_metrics(metrics: dict, timings: dict) -> dict[str, float]:
    """Flatten {"cosine": {...}, "euclidean": {...}} and timings into MLflow metric names."""
    flat = {"build_seconds": timings.get("total", 0.0)}
    for metric, values in metrics.items():
        for name, value in values.items():
            flat[f"{metric}_{name}"] = value
    for stage, seconds in timings.items():
        if stage != "total":
            flat[f"seconds_{stage}"] = seconds
    return flat


def log_build(version, params, metrics: dict, timings: dict, *, artifacts) -> LoggedRun:
    """Record a finished build as an MLflow run (its id "" and the error set when MLflow failed)."""
    return log_run(
        settings.MLFLOW_EXPERIMENT_NAME, f"index-v{version.pk}",
        params={**params.mlflow_params(), "metric": "cosine,euclidean", "n_tracks": version.n_tracks,
                "dimensions": version.dimensions},
        metrics=run_metrics(metrics, timings), artifacts=artifacts,
        tags={"songrec.index_version": version.pk, "songrec.catalog_revision": version.catalog_revision})

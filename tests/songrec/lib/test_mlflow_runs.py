"""The one MLflow helper: a finished run in an experiment under MLFLOW_ARTIFACT_ROOT/<name>, and no exception
for the caller when MLflow is unreachable."""

from mlflow.tracking import MlflowClient

from songrec.lib.mlflow_runs import artifact_location, log_run


def test_a_run_is_logged_finished_with_params_metrics_texts_and_its_experiment_under_the_root(settings):
    logged = log_run("helper-test", "one run", params={"k": 10}, metrics={"recall": 0.9, "skipped": None},
                     tags={"songrec.test": 1}, texts={"notes.txt": "hello"})
    assert logged.error is None and logged.run_id
    client = MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)
    run = client.get_run(logged.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params == {"k": "10"} and run.data.metrics == {"recall": 0.9}
    assert run.data.tags["songrec.test"] == "1"
    assert [artifact.path for artifact in client.list_artifacts(logged.run_id)] == ["notes.txt"]
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.artifact_location == artifact_location(settings.MLFLOW_ARTIFACT_ROOT, "helper-test")


def test_an_unreachable_tracking_store_is_reported_not_raised(settings, tmp_path):
    (tmp_path / "not-a-dir").write_text("a file where the store's folder should be")
    settings.MLFLOW_TRACKING_URI = f"sqlite:///{tmp_path / 'not-a-dir' / 'mlflow.db'}"
    logged = log_run("helper-test", "lost run", metrics={"recall": 0.9})
    assert logged.run_id == "" and logged.error


def test_the_artifact_location_rule():
    assert artifact_location("s3://bucket/mlflow/", "songrec") == "s3://bucket/mlflow/songrec"
    assert artifact_location("/srv/mlartifacts", "songrec") == "file:///srv/mlartifacts/songrec"

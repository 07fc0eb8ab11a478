"""Campaign aggregates reach the MLflow run of the index version they evaluate, once."""

import pytest
from django.core.management import CommandError, call_command

from evaluation.assignment import next_task
from evaluation.campaigns import close_campaign
from evaluation.models import Campaign
from evaluation.tracking import NoMlflowRun, log_campaign
from tests.evaluation.conftest import rate_all


@pytest.fixture
def mlflow_client(settings):
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)


@pytest.fixture
def run_id(mlflow_client, index_version):
    experiment = mlflow_client.get_experiment_by_name("evaluation-tests")
    experiment_id = experiment.experiment_id if experiment else mlflow_client.create_experiment("evaluation-tests")
    run_id = mlflow_client.create_run(experiment_id).info.run_id
    index_version.mlflow_run_id = run_id
    index_version.save()
    return run_id


@pytest.fixture
def rated_campaign(make_campaign, make_evaluator, run_id):
    campaign = make_campaign()
    for score in (1, 3, 5, 4):
        evaluator = make_evaluator()
        rate_all(evaluator, next_task(evaluator).task, score=score)
    return campaign


def test_aggregates_are_logged_per_system_at_the_campaigns_step(rated_campaign, mlflow_client, run_id):
    result = log_campaign(rated_campaign)
    assert result.run_id == run_id and result.logged > 0
    metrics = mlflow_client.get_run(run_id).data.metrics
    assert metrics["eval_ratings"] == 12
    assert {"eval_cosine_mean_score", "eval_random_mean_score", "eval_cosine_ratings", "eval_cosine_ndcg_at_k",
            "eval_random_ci95_low"} <= set(metrics)
    history = mlflow_client.get_metric_history(run_id, "eval_cosine_mean_score")
    assert [point.step for point in history] == [rated_campaign.pk]
    assert Campaign.objects.get(pk=rated_campaign.pk).mlflow_logged_at is not None
    tags = mlflow_client.get_run(run_id).data.tags
    assert rated_campaign.name in tags[f"eval_campaign_{rated_campaign.pk}"]


def test_logging_again_adds_nothing(rated_campaign, mlflow_client, run_id):
    log_campaign(rated_campaign)
    again = log_campaign(rated_campaign)
    assert again.logged == 0 and again.already_logged > 0
    assert len(mlflow_client.get_metric_history(run_id, "eval_ratings")) == 1


def test_closing_a_campaign_logs_it(rated_campaign, mlflow_client, run_id, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        close_campaign(rated_campaign)
    assert mlflow_client.get_run(run_id).data.metrics["eval_ratings"] == 12


def test_a_version_without_a_run_is_reported_not_crashed(campaign, django_capture_on_commit_callbacks):
    with pytest.raises(NoMlflowRun, match="has no MLflow run"):
        log_campaign(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        close_campaign(campaign)  # the Celery task logs a warning and returns
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CLOSED


def test_the_command_logs_closed_campaigns(rated_campaign, mlflow_client, run_id):
    close_campaign(rated_campaign, log_to_mlflow=False)
    call_command("log_evaluation_metrics", "--no-progress")
    assert "eval_ratings" in mlflow_client.get_run(run_id).data.metrics
    with pytest.raises(CommandError, match="no campaign with id 999999"):
        call_command("log_evaluation_metrics", "999999")


def test_the_close_command_closes_and_logs(rated_campaign, mlflow_client, run_id, capsys):
    call_command("close_campaign", str(rated_campaign.pk))
    assert Campaign.objects.get(pk=rated_campaign.pk).status == Campaign.Status.CLOSED
    assert "logged" in capsys.readouterr().out
    with pytest.raises(CommandError, match="does not exist"):
        call_command("close_campaign", "999999")

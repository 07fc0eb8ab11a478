"""Logging campaign aggregates to the MLflow run of the index version they evaluate."""

import logging
import math
from dataclasses import dataclass

from django.utils import timezone

from songrec.lib.mlflow_runs import log_metrics, mlflow_client

from .errors import EvaluationError
from .models import Campaign
from .selectors import campaign_aggregates

logger = logging.getLogger(__name__)


class NoMlflowRun(EvaluationError):
    """The evaluated index version has no MLflow run to log to."""


@dataclass(frozen=True)
class LoggedMetrics:
    run_id: str
    logged: int
    already_logged: int


def campaign_metrics(aggregates):
    """MLflow metric names and values for a campaign's aggregates; undefined statistics are left out."""
    metrics = {"eval_ratings": aggregates.ratings, "eval_alpha": aggregates.alpha,
               "eval_unknown": aggregates.unknown, "eval_unplayable": aggregates.unplayable}
    for system in aggregates.systems:
        # MLflow metric names can't hold "@": arm "cosine@12" is logged as eval_cosine_v12_….
        prefix = f"eval_{system.system.replace('@', '_v')}"
        metrics.update({
            f"{prefix}_mean_score": system.mean.mean,
            f"{prefix}_ci95_low": system.mean.low,
            f"{prefix}_ci95_high": system.mean.high,
            f"{prefix}_ratings": system.ratings,
            f"{prefix}_unknown": system.unknown,
            f"{prefix}_unplayable": system.unplayable,
            f"{prefix}_ndcg_at_k": system.ndcg,
            f"{prefix}_alpha": system.alpha,
            f"{prefix}_spearman": system.spearman.rho,
        })
    return {name: float(value) for name, value in metrics.items() if value is not None}


def run_id_for(campaign):
    version = campaign.index_version
    return (getattr(version, "mlflow_run_id", "") or campaign.mlflow_run_id or "").strip()


def log_campaign(campaign):
    """Log the campaign's aggregates to its index version's MLflow run, as step ``campaign.pk``.

    Idempotent: a metric already recorded at this step with the same value is not logged again, so re-running
    (a retried Celery task, the command) adds nothing; changed values are added as the step's newest point.
    """
    run_id = run_id_for(campaign)
    if not run_id:
        raise NoMlflowRun(f"Index version {campaign.index_version_id} of campaign “{campaign.name}” "
                          f"has no MLflow run; nothing was logged.")
    metrics = campaign_metrics(campaign_aggregates(campaign))
    client = mlflow_client()
    fresh = {}
    for name, value in metrics.items():
        history = client.get_metric_history(run_id, name)
        if any(point.step == campaign.pk and math.isclose(point.value, value, rel_tol=0, abs_tol=1e-12)
               for point in history):
            continue
        fresh[name] = value
    if fresh:
        log_metrics(client, run_id, fresh, step=campaign.pk)
    client.set_tag(run_id, f"eval_campaign_{campaign.pk}",
                   f"{campaign.name} · {campaign.status} · {int(metrics.get('eval_ratings', 0))} ratings")
    Campaign.objects.filter(pk=campaign.pk).update(mlflow_logged_at=timezone.now())
    logger.info("campaign %s: logged %s metrics to MLflow run %s (%s unchanged)", campaign.pk, len(fresh), run_id,
                len(metrics) - len(fresh))
    return LoggedMetrics(run_id, len(fresh), len(metrics) - len(fresh))

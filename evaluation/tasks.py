"""Celery tasks of the evaluation app: thin, idempotent wrappers around the services."""

import logging

from celery import shared_task

from .assignment import release_stale_assignments as release
from .campaigns import populate_campaign as populate
from .models import Campaign
from .tracking import NoMlflowRun, log_campaign

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(OSError, ConnectionError), retry_backoff=True, max_retries=5,
             acks_late=True)
def log_campaign_to_mlflow(self, campaign_id):
    """Log a campaign's aggregates to MLflow; safe to run any number of times."""
    campaign = Campaign.objects.select_related("index_version").filter(pk=campaign_id).first()
    if campaign is None:
        logger.warning("campaign %s no longer exists; nothing to log", campaign_id)
        return None
    try:
        result = log_campaign(campaign)
    except NoMlflowRun as error:
        logger.warning("%s", error.message)
        return None
    return {"run_id": result.run_id, "logged": result.logged, "already_logged": result.already_logged}


@shared_task(acks_late=True)
def populate_campaign(campaign_id):
    """Freeze the campaign's lists (idempotent: only missing seeds are added)."""
    campaign = Campaign.objects.select_related("index_version").filter(pk=campaign_id).first()
    if campaign is None:
        return None
    result = populate(campaign)
    return {"seeds": result.seeds, "created_tasks": result.created_tasks, "skipped": len(result.skipped_seeds)}


@shared_task(acks_late=True)
def release_stale_assignments():
    """Hand abandoned tasks' slots to other evaluators (run by Beat, e.g. every 15 minutes)."""
    return release()

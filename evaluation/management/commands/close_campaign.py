from django.core.management.base import BaseCommand, CommandError

from evaluation.campaigns import close_campaign
from evaluation.errors import EvaluationError
from evaluation.models import Campaign
from evaluation.tracking import log_campaign


class Command(BaseCommand):
    help = "Close a campaign to new ratings and log its aggregates to the index version's MLflow run."

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="campaign id")
        parser.add_argument("--no-mlflow", action="store_true", help="close without logging to MLflow")

    def handle(self, campaign, no_mlflow, **options):
        found = Campaign.objects.filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"campaign {campaign} does not exist")
        closed = close_campaign(found, log_to_mlflow=False)
        message = f"Campaign {closed.pk} “{closed.name}” is closed"
        if not no_mlflow:
            try:
                logged = log_campaign(closed)
            except EvaluationError as error:
                raise CommandError(f"closed, but not logged to MLflow: {error.message}") from None
            message += (f"; logged {logged.logged} metrics to MLflow run {logged.run_id} "
                        f"({logged.already_logged} already there)")
        self.stdout.write(self.style.SUCCESS(message + "."))

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from evaluation.errors import EvaluationError
from evaluation.models import Campaign
from evaluation.tracking import log_campaign


class Command(BaseCommand):
    help = "Log campaign aggregates to their index versions' MLflow runs (idempotent: unchanged values are skipped)."

    def add_arguments(self, parser):
        parser.add_argument("campaigns", nargs="*", type=int, help="campaign ids (default: every closed campaign)")
        parser.add_argument("--all", action="store_true", dest="all_campaigns",
                            help="every campaign that has been opened")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, campaigns, all_campaigns, no_progress, **options):
        if campaigns:
            queryset = Campaign.objects.filter(pk__in=campaigns)
            missing = set(campaigns) - set(queryset.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no campaign with id {', '.join(map(str, sorted(missing)))}")
        elif all_campaigns:
            queryset = Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        else:
            queryset = Campaign.objects.filter(status=Campaign.Status.CLOSED)
        logged = unchanged = 0
        failures = []
        for campaign in tqdm(list(queryset.select_related("index_version").order_by("pk")), unit="campaign",
                             disable=no_progress, file=self.stderr):
            try:
                result = log_campaign(campaign)
            except EvaluationError as error:
                failures.append(f"campaign {campaign.pk}: {error.message}")
                continue
            logged += result.logged
            unchanged += result.already_logged
        for failure in failures:
            self.stderr.write(failure)
        summary = (f"Logged {logged} metrics for {queryset.count() - len(failures)} campaigns to MLflow "
                   f"({unchanged} already there, {len(failures)} campaigns failed).")
        if failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

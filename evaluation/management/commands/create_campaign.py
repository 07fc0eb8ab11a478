from django.core.management.base import BaseCommand, CommandError

from evaluation.campaigns import create_campaign, known_systems, open_campaign, populate_campaign
from evaluation.errors import EvaluationError
from evaluation.models import Campaign
from recommender.models import IndexVersion
from songrec.lib.console import progress_bar


class Command(BaseCommand):
    help = ("Create an evaluation campaign on an index version and freeze its recommendation lists "
            "(re-run with --resume to finish one that stopped).")

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--index-version", type=int, help="index version id (default: the active one)")
        parser.add_argument("--compare-versions", default="", metavar="ID,ID,…",
                            help="other index versions (e.g. other weights): each system is rated on every "
                                 "version, one blind arm each")
        parser.add_argument("--systems", default=",".join(known_systems()),
                            help=f"comma-separated, from {', '.join(known_systems())} (default: all)")
        parser.add_argument("--seeds", type=int, default=20, help="seed tracks (default 20)")
        parser.add_argument("-k", type=int, default=10, help="list length (default 10)")
        parser.add_argument("--ratings-per-item", type=int, default=3, help="evaluators per list (default 3)")
        parser.add_argument("--tasks-per-evaluator", type=int, help="cap on tasks per evaluator")
        parser.add_argument("--random-seed", type=int, help="fixes seed choice and display orders")
        parser.add_argument("--description", default="", help="instructions shown to evaluators")
        parser.add_argument("--open", action="store_true", help="open the campaign to evaluators once filled")
        parser.add_argument("--resume", action="store_true", help="fill an existing campaign of that name")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, name, **options):
        try:
            if options["resume"]:
                campaign = Campaign.objects.select_related("index_version").filter(name=name).first()
                if campaign is None:
                    raise CommandError(f"no campaign named {name!r} to resume")
            else:
                campaign = create_campaign(
                    name=name, index_version=self._version(options["index_version"]),
                    systems=options["systems"].split(","), seed_count=options["seeds"], k=options["k"],
                    ratings_per_item=options["ratings_per_item"],
                    tasks_per_evaluator=options["tasks_per_evaluator"], random_seed=options["random_seed"],
                    description=options["description"],
                    compared_versions=[self._version(int(value)) for value in self._ids(options["compare_versions"])])
            with progress_bar(self.stderr, total=campaign.seed_count, unit="seed",
                              disable=options["no_progress"]) as bar:
                result = populate_campaign(campaign, progress=lambda done: bar.update(done - bar.n))
            if options["open"]:
                open_campaign(campaign)
        except EvaluationError as error:
            raise CommandError(error.message) from None
        for track_id, reason in result.skipped_seeds[:10]:
            self.stderr.write(f"skipped seed track {track_id}: {reason}")
        tasks = campaign.tasks.count()
        status = Campaign.objects.get(pk=campaign.pk).get_status_display().lower()
        self.stdout.write(self.style.SUCCESS(
            f"Campaign {campaign.pk} “{campaign.name}” ({status}) on index version {campaign.index_version_id}: "
            f"{result.seeds} of {campaign.seed_count} seeds × {len(campaign.systems)} {self._kind(campaign)} = "
            f"{tasks} lists of "
            f"≤{campaign.k} tracks ({result.created_tasks} new), random seed {campaign.random_seed}, "
            f"{len(result.skipped_seeds)} seeds skipped."))
        if result.seeds < campaign.seed_count:
            raise CommandError(f"only {result.seeds} of {campaign.seed_count} seeds could be filled")

    def _ids(self, text):
        values = [value.strip() for value in text.split(",") if value.strip()]
        bad = [value for value in values if not value.isdigit()]
        if bad:
            raise CommandError(f"--compare-versions takes index version ids, got {', '.join(bad)}")
        return values

    def _version(self, version_id):
        if version_id is None:
            version = IndexVersion.objects.filter(status=IndexVersion.Status.ACTIVE).first()
            if version is None:
                raise CommandError("no active index version: build one with `manage.py rebuild_index` "
                                   "or pass --index-version")
            return version
        version = IndexVersion.objects.filter(pk=version_id).first()
        if version is None:
            raise CommandError(f"index version {version_id} does not exist")
        return version

    def _kind(self, campaign):
        return "arms (system@version)" if campaign.arm_weights else "systems"

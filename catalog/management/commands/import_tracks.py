from django.core.management.base import BaseCommand, CommandError

from catalog import datasets
from catalog.explore.tasks import request_profile
from catalog.importers import DatasetError, read_tracks
from catalog.models import Track
from catalog.upsert import refresh_planner_statistics, upsert_tracks
from songrec.lib.console import progress_bar

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Import a Spotify Tracks Dataset CSV (plain or .gz, path or URL) into the catalog; safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("source", help="path or http(s) URL of the CSV")
        parser.add_argument("--sha256", default="", help="pinned checksum; required for URLs")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
        parser.add_argument("--skip-if-loaded", action="store_true",
                            help="do nothing when the catalog already holds tracks (for start-up scripts)")

    def handle(self, source, sha256, batch_size, no_progress, skip_if_loaded, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if skip_if_loaded and Track.objects.exists():
            self.stdout.write(f"The catalog already holds {Track.objects.count()} tracks; not importing {source}.")
            return
        try:
            path = datasets.resolve(source, sha256)
            result = read_tracks(path)
        except DatasetError as error:
            raise CommandError(str(error)) from None

        skipped = sorted([*result.problems, *result.empty_rows], key=lambda problem: problem.line)
        for problem in skipped[:SHOWN_PROBLEMS]:
            self.stderr.write(f"skipped {problem}")
        if len(skipped) > SHOWN_PROBLEMS:
            self.stderr.write(f"… and {len(skipped) - SHOWN_PROBLEMS} more bad or empty rows")
        if not result.records:
            raise CommandError(f"{source}: no valid rows to import ({len(result.problems)} bad rows, "
                               f"{len(result.empty_rows)} empty rows)")

        with progress_bar(self.stderr, total=len(result.records), unit="track", disable=no_progress) as bar:
            summary = upsert_tracks(result.records.values(), batch_size=batch_size, progress=bar.update)
        refresh_planner_statistics()
        request_profile()  # the profile of the new catalog revision, computed by a worker

        self.stdout.write(self.style.SUCCESS(
            f"Imported {summary.total} tracks from {result.rows} rows ({result.layout}): "
            f"{summary.created} new, {summary.updated} updated, {result.duplicates} duplicate rows merged, "
            f"{len(result.problems)} bad rows skipped, {len(result.empty_rows)} empty rows ignored."
        ))

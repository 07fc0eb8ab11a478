from django.core.management.base import BaseCommand, CommandError

from catalog import datasets
from catalog.explore.tasks import request_profile
from catalog.importers import DatasetError, read_tracks
from catalog.models import Track
from catalog.playlists.models import Playlist
from catalog.playlists.services import ExternalPlaylist, store_external_playlists
from catalog.upsert import refresh_planner_statistics, remove_leaked_playlist_labels, upsert_tracks
from songrec.lib.console import progress_bar

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = ("Import a Spotify Tracks Dataset or TidyTuesday spotify_songs CSV (plain or .gz, path or URL) into the "
            "catalog, with the file's playlists; safe to re-run.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="path or http(s) URL of the CSV")
        parser.add_argument("--sha256", default="", help="pinned checksum; required for URLs")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
        parser.add_argument("--skip-if-loaded", action="store_true",
                            help="do nothing when the catalog already holds tracks (for start-up scripts)")

    def handle(self, *, source, sha256, batch_size, no_progress, skip_if_loaded, **options):
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
        if result.playlists:
            self.import_playlists(result)
        refresh_planner_statistics()
        request_profile()  # the profile of the new catalog revision, computed by a worker

        self.stdout.write(self.style.SUCCESS(
            f"Imported {summary.total} tracks from {result.rows} rows ({result.layout}): "
            f"{summary.created} new, {summary.updated} updated, {result.duplicates} duplicate rows merged, "
            f"{len(result.problems)} bad rows skipped, {len(result.empty_rows)} empty rows ignored."
        ))

    def import_playlists(self, result):
        """The file's playlists with their ordered members, and the cleanup of labels older imports leaked."""
        removed, tracks = remove_leaked_playlist_labels(result.playlist_labels)
        if removed:
            self.stdout.write(f"Removed {removed} playlist labels that an older import stored as genres of {tracks} "
                              f"tracks; re-import the Spotify Tracks Dataset to restore its genres of the same name.")
        summary = store_external_playlists(Playlist.Source.DATASET, [
            ExternalPlaylist(external_id=record.external_id, name=record.name, spotify_ids=record.spotify_ids,
                             genre=record.genre, subgenre=record.subgenre)
            for record in result.playlists.values()
        ])
        for line in summary.skipped[:SHOWN_PROBLEMS]:
            self.stderr.write(f"skipped {line}")
        if len(summary.skipped) > SHOWN_PROBLEMS:
            self.stderr.write(f"… and {len(summary.skipped) - SHOWN_PROBLEMS} more skipped playlists")
        self.stdout.write(f"Playlists: {summary}.")

from django.core.management.base import BaseCommand, CommandError

from catalog.crawl import service
from catalog.crawl.audio_features import PROVIDER_NAMES
from catalog.crawl.crawler import CrawlLimits
from catalog.crawl.models import CrawlRun
from catalog.crawl.service import NOT_CONFIGURED, credentials_configured, run_crawl
from songrec.lib.console import progress_bar

SHOWN_ERRORS = 10


class Command(BaseCommand):
    help = ("Crawl Spotify once by hand (the nightly task does the same): seeds → albums → tracks → audio features "
            "→ artists. Resumes from the stored cursor; safe to interrupt and re-run.")

    def add_arguments(self, parser):
        parser.add_argument("--query", action="append", dest="queries", metavar="Q",
                            help="search this instead of the configured seeds (repeatable); the seed cursor stays")
        parser.add_argument("--playlist", action="append", dest="playlists", metavar="ID",
                            help="crawl this playlist instead of the configured seeds (repeatable)")
        parser.add_argument("--provider", choices=PROVIDER_NAMES, help="audio-features provider for this run")
        parser.add_argument("--budget", type=int, metavar="SECONDS", help="time budget of this run")
        parser.add_argument("--max-albums", type=int, metavar="N", help="albums to crawl at most")
        parser.add_argument("--max-seeds", type=int, metavar="N", help="seeds to expand at most")
        parser.add_argument("--reset-cursor", action="store_true", help="forget queues and seed position first")
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *, queries, playlists, provider, budget, max_albums, max_seeds, no_progress, **options):
        if not credentials_configured():
            raise CommandError(NOT_CONFIGURED)
        for name, value in (("--budget", budget), ("--max-albums", max_albums), ("--max-seeds", max_seeds)):
            if value is not None and value < 1:
                raise CommandError(f"{name} must be at least 1")
        if options["reset_cursor"]:
            service.reset_cursor()
            self.stdout.write("Cursor reset: the crawl starts again from the first seed.")
        limits = CrawlLimits.from_settings(time_budget=budget, max_albums=max_albums, max_seeds=max_seeds)

        with progress_bar(self.stderr, total=limits.max_albums, unit="album", disable=no_progress) as bar:
            def progress(run):
                bar.n = min(run.albums_crawled, limits.max_albums)
                bar.set_postfix(tracks=run.tracks_stored, features=run.features_filled, requests=run.requests,
                                errors=run.error_count, refresh=False)
                bar.refresh()

            run = run_crawl(CrawlRun.Trigger.COMMAND, queries=queries, playlists=playlists, provider=provider,
                            progress=progress, time_budget=budget, max_albums=max_albums, max_seeds=max_seeds)

        for error in run.errors[:SHOWN_ERRORS]:
            self.stderr.write(f"skipped: {error}")
        if run.error_count > SHOWN_ERRORS:
            self.stderr.write(f"… and {run.error_count - SHOWN_ERRORS} more (see /crawl/ or the admin)")
        if run.status in (CrawlRun.Status.FAILED, CrawlRun.Status.SKIPPED):
            raise CommandError(f"crawl #{run.pk} {run.status}: {run.message}")

        seconds = run.duration.total_seconds() if run.duration else 0
        summary = (f"Crawl #{run.pk} {run.status} in {seconds:.0f}s: {run.albums_crawled} albums, "
                   f"{run.tracks_created} new and {run.tracks_updated} refreshed tracks, {run.features_filled} given "
                   f"features ({run.features_missing} still without), {run.artists_adopted} dataset artists adopted, "
                   f"{run.requests} requests, {run.error_count} errors.")
        if run.status == CrawlRun.Status.PARTIAL:
            self.stdout.write(self.style.WARNING(f"{summary} Stopped early: {run.message}"))
        else:
            self.stdout.write(self.style.SUCCESS(summary))

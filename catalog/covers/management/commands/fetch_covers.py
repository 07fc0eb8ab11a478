"""manage.py fetch_covers: look up cover art for albums without one (what the background job does, in the
foreground): resumable, throttled, with a progress bar on a terminal and a one-line summary."""

from django.core.management.base import BaseCommand, CommandError

from songrec.lib.console import progress_bar

from ...selectors import albums_without_cover
from ...services import CoverArtOff, fetch_covers


class Command(BaseCommand):
    help = "Fetch album covers from Spotify's oEmbed endpoint for albums without one (resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="at most this many albums (default: all)")
        parser.add_argument("--rate", type=float, help="requests per second (default COVER_ART_REQUESTS_PER_SECOND)")
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, limit, rate, no_progress, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        total = albums_without_cover().count()
        try:
            with progress_bar(self.stderr, total=min(total, limit or total), unit="album", disable=no_progress) as bar:
                result = fetch_covers(limit=limit, requests_per_second=rate, progress=bar.update)
        except CoverArtOff as error:
            raise CommandError(error.message) from None
        self.stdout.write(result.summary())

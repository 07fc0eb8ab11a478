from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from catalog.crawl.schedule import Cron, CronError, ensure_schedule


class Command(BaseCommand):
    help = ("Create the nightly Spotify crawl → index rebuild entry in Celery Beat's database schedule "
            "(migration 0003 already does this); with --cron, move it. Edit it in admin under Periodic tasks.")

    def add_arguments(self, parser):
        parser.add_argument("--cron", help=f'five cron fields, e.g. "30 3 * * *" (default: SPOTIFY_CRAWL_CRON, '
                                           f'now "{settings.SPOTIFY_CRAWL_CRON}"); resets the timing')
        parser.add_argument("--timezone", default=settings.CELERY_TIMEZONE, help="time zone of the cron fields")
        state = parser.add_mutually_exclusive_group()
        state.add_argument("--enable", action="store_true")
        state.add_argument("--disable", action="store_true")

    def handle(self, *, cron, timezone, enable, disable, **options):
        try:
            parsed = Cron.parse(cron or settings.SPOTIFY_CRAWL_CRON)
        except CronError as error:
            raise CommandError(str(error)) from None
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"unknown time zone {timezone!r}") from None
        enabled = True if enable else False if disable else None
        task, created = ensure_schedule(PeriodicTask, CrontabSchedule, parsed, timezone, reset=bool(cron),
                                        enabled=enabled)
        verb = "Created" if created else "Updated" if (cron or enabled is not None) else "Kept"
        state = "enabled" if task.enabled else "disabled"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} '{task.name}': {task.crontab.minute} {task.crontab.hour} {task.crontab.day_of_month} "
            f"{task.crontab.month_of_year} {task.crontab.day_of_week} ({task.crontab.timezone}), {state} → "
            f"{task.task}"))

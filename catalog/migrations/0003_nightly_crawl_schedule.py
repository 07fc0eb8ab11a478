"""Create the nightly crawl's Beat entry (django-celery-beat's database scheduler); edit it in admin afterwards.

Self-contained (frozen names and text, the cron split without the live module's checks, which
``manage.py setup_schedule`` applies), so it runs the same whatever catalog.crawl.schedule later becomes.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SCHEDULE_NAME = "Nightly Spotify crawl"
NIGHTLY_TASK = "catalog.tasks.nightly_crawl"
DESCRIPTION = ("Crawls Spotify for new and stale tracks, then rebuilds the recommendation index "
               "(a Celery chain). Created by catalog migration 0003 / `manage.py setup_schedule`.")
CRON_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")


def create_schedule(apps, schema_editor):
    fields = settings.SPOTIFY_CRAWL_CRON.split()
    if len(fields) != len(CRON_FIELDS):
        raise ValueError(f"SPOTIFY_CRAWL_CRON needs 5 fields (minute hour day month weekday), got "
                         f"{settings.SPOTIFY_CRAWL_CRON!r}")
    crontab, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
        timezone=settings.CELERY_TIMEZONE, **dict(zip(CRON_FIELDS, fields, strict=True)))
    apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(name=SCHEDULE_NAME, defaults={
        "task": NIGHTLY_TASK, "crontab": crontab, "description": DESCRIPTION, "enabled": True})
    # Historical models skip PeriodicTask.save(), which tells a running Beat to reload; do it here.
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_crawl"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]

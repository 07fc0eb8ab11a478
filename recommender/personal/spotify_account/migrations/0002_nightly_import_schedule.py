"""The 04:30 Beat entry that imports every connected listener's saved, recent and top tracks from Spotify.

Self-contained (constants here, not imported), so it still runs if the task module moves.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SCHEDULE_NAME = "Nightly import from listeners' Spotify accounts"
TASK_NAME = "recommender.personal.spotify_account.tasks.nightly_imports"
CRON = {"minute": "30", "hour": "4", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
DESCRIPTION = ("Queues “Import from Spotify” for every listener who connected Spotify: saved tracks become likes, "
               "recently played and top tracks plays. Created by spotify_account migration 0002.")


def touch_beat(apps):
    # Historical models skip PeriodicTask.save(), which tells a running Beat to reload; do it here.
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()})


def create_schedule(apps, schema_editor):
    schedule, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
        timezone=settings.CELERY_TIMEZONE, **CRON)
    apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(name=SCHEDULE_NAME, defaults={
        "task": TASK_NAME, "crontab": schedule, "description": DESCRIPTION, "enabled": True})
    touch_beat(apps)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()
    touch_beat(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("spotify_account", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]

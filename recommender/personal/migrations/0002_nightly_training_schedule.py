"""Created the 05:00 Beat entry that retrained the listeners' model (0003 removes it: the nightly chain does it).

Self-contained so it still runs after the schedule module it used was removed.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SCHEDULE_NAME = "Nightly listeners model"
TASK_NAME = "recommender.personal.tasks.train_personal_model"
CRON = {"minute": "0", "hour": "5", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
DESCRIPTION = ("Retrains the collaborative (ALS) model of “For you” over likes, plays and ratings after the "
               "nightly crawl and rebuild; logs it to MLflow. Created by personal migration 0002.")


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
        ("personal", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]

"""Create the nightly Beat entry that retrains the listeners' model; edit it in admin afterwards."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def create_schedule(apps, schema_editor):
    from recommender.personal.schedule import ensure_schedule

    ensure_schedule(apps.get_model("django_celery_beat", "PeriodicTask"),
                    apps.get_model("django_celery_beat", "CrontabSchedule"), settings.CELERY_TIMEZONE)
    # Historical models skip PeriodicTask.save(), which tells a running Beat to reload; do it here.
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    from recommender.personal.schedule import SCHEDULE_NAME

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("personal", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]

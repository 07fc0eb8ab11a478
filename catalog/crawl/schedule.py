"""The nightly crawl's entry in django-celery-beat's database schedule (created once, then edited in admin)."""

from dataclasses import dataclass

from celery.schedules import crontab
from django_celery_beat.models import PeriodicTask

SCHEDULE_NAME = "Nightly Spotify crawl"
NIGHTLY_TASK = "catalog.tasks.nightly_crawl"
DESCRIPTION = ("Crawls Spotify for new and stale tracks, then rebuilds the recommendation index "
               "(a Celery chain). Created by catalog migration 0003 / `manage.py setup_schedule`.")


class CronError(ValueError):
    pass


@dataclass(frozen=True)
class Cron:
    minute: str
    hour: str
    day_of_month: str
    month_of_year: str
    day_of_week: str

    @classmethod
    def parse(cls, text):
        """Parse five cron fields ("30 3 * * *"); ranges and lists are passed through for Beat to validate."""
        fields = text.split()
        if len(fields) != 5:
            raise CronError(f"a cron schedule needs 5 fields (minute hour day month weekday), got {text!r}")
        allowed = set("0123456789*/,-")
        for value in fields:
            if not set(value) <= allowed:
                raise CronError(f"unsupported cron field {value!r} in {text!r}")
        cron = cls(*fields)
        try:
            crontab(**cron.as_fields())  # Celery's own parser: catches minute 61, weekday 9 and the like
        except (ValueError, IndexError) as error:
            raise CronError(f"invalid cron schedule {text!r}: {error}") from None
        return cron

    def as_fields(self):
        return {"minute": self.minute, "hour": self.hour, "day_of_month": self.day_of_month,
                "month_of_year": self.month_of_year, "day_of_week": self.day_of_week}

    def __str__(self):
        return " ".join(self.as_fields().values())


def ensure_schedule(periodic_task_model, crontab_model, cron, timezone, *, reset=False, enabled=None):
    """Create the nightly entry if it is missing; with ``reset`` also put its timing back to ``cron``.

    Takes the model classes so a data migration can pass its historical models. Returns (task, created).
    An entry an admin edited is left alone unless ``reset`` is given.
    """
    crontab, _ = crontab_model.objects.get_or_create(timezone=timezone, **cron.as_fields())
    task = periodic_task_model.objects.filter(name=SCHEDULE_NAME).first()
    created = task is None
    if created:
        task = periodic_task_model(name=SCHEDULE_NAME, task=NIGHTLY_TASK, crontab=crontab, description=DESCRIPTION,
                                   enabled=True if enabled is None else enabled)
    elif reset:
        task.task = NIGHTLY_TASK
        task.crontab = crontab
        task.interval = task.solar = task.clocked = None
        task.one_off = False
    if enabled is not None:
        task.enabled = enabled
    if created or reset or enabled is not None:
        task.save()
    return task, created


def scheduled_entry():
    """The Beat entry for the nightly crawl, or None when it was deleted."""
    return PeriodicTask.objects.select_related("crontab").filter(name=SCHEDULE_NAME).first()

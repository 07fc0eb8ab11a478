"""The nightly Beat entry that retrains the listeners' model after the nightly crawl and index rebuild."""

SCHEDULE_NAME = "Nightly listeners model"
TASK_NAME = "recommender.personal.tasks.train_personal_model"
# 05:00: the crawl starts 03:30, runs at most SPOTIFY_CRAWL_TIME_BUDGET (30 min), the rebuild about a minute.
DEFAULT_CRON = {"minute": "0", "hour": "5", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
DESCRIPTION = ("Retrains the collaborative (ALS) model of “For you” over likes, plays and ratings after the "
               "nightly crawl and rebuild; logs it to MLflow. Created by personal migration 0002.")


def ensure_schedule(periodic_task_model, crontab_model, timezone):
    schedule, _ = crontab_model.objects.get_or_create(timezone=timezone, **DEFAULT_CRON)
    periodic_task_model.objects.get_or_create(name=SCHEDULE_NAME, defaults={
        "task": TASK_NAME, "crontab": schedule, "description": DESCRIPTION, "enabled": True})

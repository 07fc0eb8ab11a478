"""Every task name Beat runs is a task the workers register: the settings' schedule and the migrations' Beat rows.

Beat stores task names as strings; a task renamed or moved without its name would leave Beat sending messages no
worker accepts. The names are found in the app's autodiscovered tasks, not imported one by one here.
"""

from importlib import import_module

import pytest
from celery import current_app
from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django_celery_beat.models import PeriodicTask

from tests.migration_support import django_db_setup  # noqa: F401  (a test-order-proof database snapshot)


def registered_tasks():
    current_app.loader.import_default_modules()  # what a worker does at start: autodiscovery of the apps' tasks
    return set(current_app.tasks)


def migration_task_names():
    """The task names data migrations give the PeriodicTask rows they create (module constants named *TASK*)."""
    names = {}
    for key, migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items():
        module = import_module(type(migration).__module__)
        for attribute, value in vars(module).items():
            if attribute.isupper() and "TASK" in attribute and isinstance(value, str):
                names[f"{key[0]}.{key[1]}.{attribute}"] = value
    return names


def test_the_settings_beat_schedule_names_registered_tasks():
    tasks = registered_tasks()
    scheduled = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    assert scheduled and {name: task for name, task in scheduled.items() if task not in tasks} == {}


def test_the_migrations_beat_rows_name_registered_tasks():
    tasks = registered_tasks()
    names = migration_task_names()
    assert {"catalog.0003_nightly_crawl_schedule.NIGHTLY_TASK",
            "personal.0002_nightly_training_schedule.TASK_NAME",
            "spotify_account.0002_nightly_import_schedule.TASK_NAME"} <= set(names)
    assert {where: task for where, task in names.items() if task not in tasks} == {}


# The rows as the migrations left them: the snapshot of the migrated database, whatever tests ran before.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_beat_rows_of_a_migrated_database_name_registered_tasks():
    tasks = registered_tasks()
    rows = dict(PeriodicTask.objects.values_list("name", "task"))
    assert {"Nightly Spotify crawl", "Nightly import from listeners' Spotify accounts"} <= set(rows)
    assert {name: task for name, task in rows.items() if task not in tasks} == {}

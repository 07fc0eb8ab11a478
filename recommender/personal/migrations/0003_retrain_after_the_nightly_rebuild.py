"""Remove the 05:00 Beat entry: the nightly rebuild now queues the retraining itself when it succeeds.

A fixed hour could start training while a long crawl or a full refit was still rebuilding the index; queued by
the rebuild (recommender.tasks.nightly_rebuild), the training always follows a complete, active version.
"""

import importlib

from django.db import migrations

# Migration modules start with a digit, so they can only be imported by name.
previous = importlib.import_module("recommender.personal.migrations.0002_nightly_training_schedule")


class Migration(migrations.Migration):

    dependencies = [("personal", "0002_nightly_training_schedule")]

    operations = [migrations.RunPython(previous.remove_schedule, previous.create_schedule)]

"""songrec's Celery app for the distributed-rebuild test, with a worker process that dies after its first shard.

The process exits right after the shard's lists are committed and before the task is acknowledged — the worst
moment for duplicates — once per test (``SONGREC_TEST_CRASH_MARKER`` names the file that says it happened).
"""

import os

from celery.signals import task_postrun

from songrec.celery import app

__all__ = ["app"]


@task_postrun.connect
def _die_after_the_first_shard(sender=None, **kwargs):
    marker = os.environ.get("SONGREC_TEST_CRASH_MARKER")
    if marker and sender is not None and sender.name == "recommender.tasks.compute_index_shard":
        try:
            descriptor = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # only the first one dies
        except FileExistsError:
            return
        os.close(descriptor)
        os._exit(1)

"""A small transactional outbox: Celery work that must follow a commit is recorded in the database first.

``enqueue`` writes a PendingTask row in the caller's transaction and publishes it once that commits;
``send_now_or_later`` publishes at once and records the task only when the broker is down. Either way a task
the broker could not take stays pending and ``dispatch_pending`` sends it later: Beat runs it every minute
(task name ``catalog.outbox.dispatch_pending``, kept from when it lived in the catalog) and every worker runs it
when it starts. Publishing never waits for an unreachable broker longer than its connect timeout
(``CELERY_BROKER_CONNECTION_TIMEOUT``, 2 s).
"""

__all__ = ["BrokerUnavailable", "dispatch_pending", "enqueue", "send_now_or_later"]


def __getattr__(name):
    # The outbox is also an installed app: Django imports this package before models may be defined, so the
    # API (which needs the model) is loaded on first use, as django.contrib.auth defers its model imports.
    if name in __all__:
        from . import dispatch

        return getattr(dispatch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

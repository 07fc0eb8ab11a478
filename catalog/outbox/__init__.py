"""A small transactional outbox: Celery work that must follow a commit is recorded in the database first.

``enqueue`` writes a PendingTask row in the caller's transaction and publishes it once that commits;
``send_now_or_later`` publishes at once and records the task only when the broker is down. Either way a task
the broker could not take stays pending and ``dispatch_pending`` sends it later: Beat runs it every minute
(``catalog.outbox.dispatch_pending``) and every worker runs it when it starts. Publishing never waits for an
unreachable broker longer than its connect timeout (``CELERY_BROKER_CONNECTION_TIMEOUT``, 2 s).
"""

from .dispatch import BrokerUnavailable, dispatch_pending, enqueue, send_now_or_later

__all__ = ["BrokerUnavailable", "dispatch_pending", "enqueue", "send_now_or_later"]

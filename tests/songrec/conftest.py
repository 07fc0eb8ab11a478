from tests.broker import broker_down  # noqa: F401  (a Celery broker on a closed port)

"""A Celery broker that is down: Celery pointed at a closed port on 127.0.0.1, and brought back on demand."""

import socket
from dataclasses import dataclass

import pytest
from celery import current_app


def closed_port():
    """A port on 127.0.0.1 nobody listens on (bound once by us, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _point_celery_at(settings, url, eager=False):
    # Celery reads its CELERY_* settings through Django's, so the settings fixture changes (and restores) them.
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = url
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    # Forget the connection pools and result backend made for the previous URL (they are rebuilt on use).
    current_app._pool = None
    current_app.amqp._producer_pool = None
    current_app._local.__dict__.pop("backend", None)


@dataclass
class Broker:
    settings: object
    down_url: str
    real_url: str

    def come_back(self, eager=True):
        """The broker is reachable again: the real Redis, or (``eager``) tasks running in-process."""
        _point_celery_at(self.settings, self.real_url or "memory://", eager=eager)


@pytest.fixture
def broker_down(settings):
    real_url = settings.REDIS_URL
    url = f"redis://127.0.0.1:{closed_port()}/0"
    assert current_app.conf.broker_url  # Celery configured before we change its settings
    _point_celery_at(settings, url)
    assert current_app.conf.broker_url == url and not current_app.conf.task_always_eager
    broker = Broker(settings, url, real_url)
    yield broker
    if settings.CELERY_BROKER_URL == real_url and real_url:
        current_app.control.purge()  # what a test sent to the real Redis while no worker listens
    _point_celery_at(settings, url)  # dropped again once the settings fixture restores the originals

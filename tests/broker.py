"""A Celery broker that is down: Celery pointed at a closed port on 127.0.0.1, or at one that accepts connections
and never answers (a hung Redis), and brought back on demand."""

import socket
import threading
from dataclasses import dataclass

import pytest
from celery import current_app


def closed_port():
    """A port on 127.0.0.1 nobody listens on (bound once by us, then released): where a broker that is down
    "is", or where a bench script starts a private server."""
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


def silent_listener():
    """A port on 127.0.0.1 that accepts every connection and never sends a byte; returns (port, stop)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)  # so the thread notices stop() (closing a socket doesn't wake its accept)
    accepted, stopping = [], threading.Event()

    def accept():
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(connection)  # held open, unread, until stop()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    def stop():
        stopping.set()
        thread.join(timeout=5)
        listener.close()
        for connection in accepted:
            connection.close()

    return listener.getsockname()[1], stop


@dataclass
class Broker:
    settings: object
    down_url: str
    real_url: str

    def come_back(self, eager=True):
        """The broker is reachable again: the real Redis, or (``eager``) tasks running in-process."""
        _point_celery_at(self.settings, self.real_url or "memory://", eager=eager)


def _broker_at(settings, url):
    real_url = settings.REDIS_URL
    assert current_app.conf.broker_url  # Celery configured before we change its settings
    _point_celery_at(settings, url)
    assert current_app.conf.broker_url == url and not current_app.conf.task_always_eager
    broker = Broker(settings, url, real_url)
    yield broker
    if settings.CELERY_BROKER_URL == real_url and real_url:
        current_app.control.purge()  # what a test sent to the real Redis while no worker listens
    _point_celery_at(settings, url)  # dropped again once the settings fixture restores the originals


@pytest.fixture
def broker_down(settings):
    yield from _broker_at(settings, f"redis://127.0.0.1:{closed_port()}/0")


@pytest.fixture
def broker_silent(settings):
    """The broker accepts connections and never answers: only timeouts on each reply notice it."""
    port, stop = silent_listener()
    try:
        yield from _broker_at(settings, f"redis://127.0.0.1:{port}/0")
    finally:
        stop()

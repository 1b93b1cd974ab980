"""Redis for the tests that claim to use it, and Celery running through it for real."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from shop.celery import app
from tests.conftest import require

REDIS = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def fresh_connections() -> None:
    """Drop what Celery caches (producer pool, result backend, and the queue selection a test
    worker made), so the next user of the app gets what ``app.conf`` says."""
    app._after_fork()  # forgets the connection pools, as a freshly forked process would
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    app.amqp.__dict__.pop("queues", None)  # start_worker(queues=[...]) narrows it


@contextmanager
def celery_through_redis(**conf) -> Iterator[None]:
    """Send tasks through Redis instead of running them eagerly, under keys of this run only,
    so another test run on the same Redis cannot take our messages."""
    require(redis_up(), "needs Redis on 127.0.0.1:6379")
    conf = {
        "broker_url": REDIS,
        "task_always_eager": False,
        "broker_transport_options": {"global_keyprefix": f"test-{uuid.uuid4().hex[:12]}:"},
        **conf,
    }
    with celery_configured(**conf):
        yield


@contextmanager
def celery_configured(**conf) -> Iterator[None]:
    """Celery's configuration changed by `conf` for the block, with fresh connections."""
    saved = {key: app.conf[key] for key in conf}
    fresh_connections()
    app.conf.update(conf)
    try:
        yield
    finally:
        app.conf.update(saved)
        fresh_connections()

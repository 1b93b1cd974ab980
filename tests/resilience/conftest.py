"""Outages on purpose: a broker at a dead address, a Redis of our own that we stop and start,
real Celery workers (in a thread, or a process we kill). Never the machine's Redis."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.test import Client
from django.urls import reverse

from shop.celery import app
from tests.conftest import require
from tests.payments import flow
from tests.redis import celery_configured

ROOT = Path(__file__).resolve().parents[2]
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Send tasks to the broker at `url` instead of running them inline."""
    with celery_configured(broker_url=url, task_always_eager=False):
        yield


@pytest.fixture
def broker_down(uses_postgres):
    with celery_broker(DEAD_BROKER):
        yield


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server of this test's own, on a free port, that the test may stop and restart."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(uses_postgres):
    require(shutil.which("redis-server") is not None, "needs redis-server")
    redis = OwnRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@contextmanager
def worker() -> Iterator[None]:
    """A real Celery worker, in a thread of this process, on the configured broker."""
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


class WorkerProcess:
    """`celery worker` in a process of its own (so it can be killed), on the test database."""

    def __init__(self, *, broker: str, env: dict[str, str], log: Path) -> None:
        database = connection.settings_dict
        self.log = log
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.resilience.worker_settings",
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "CELERY_BROKER_URL": broker,
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "shop", "worker", "--pool=solo"]
                + ["--without-mingle", "--without-gossip", "--without-heartbeat"]
                + ["--loglevel=INFO", "-Q", "default"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text():
                return
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text()[-3000:])
            time.sleep(0.2)
        raise RuntimeError("the worker did not start:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def buyer_at_preview(*, products, method: str, email: str, client: Client | None = None):
    """A buyer who has filled a basket and stands on the preview page; the page's form."""
    client = client or Client()
    flow.vietnam()
    for product, quantity in products:
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    if client.session.get("_auth_user_id") is None:
        client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
    client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    client.get(reverse("checkout:shipping-method"))
    chosen = client.post(reverse("checkout:payment-method"), {"method": method})
    assert chosen.status_code == 302, chosen.content.decode()[-2000:]
    page = client.get(reverse("checkout:preview"))
    assert page.status_code == 200
    return client, {"action": "place_order", "basket_token": page.context["basket_token"]}


def wait_for(condition, *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or condition}")

"""The floor with its Redis down: pages answer (uncached), sessions live in the database, the
log says so once, and /healthz tells the truth.

In process, the cache points at a port nobody listens on; the production-like test runs gunicorn
with production settings and REDIS_URL at such a port. The machine's Redis is never touched.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories
from tests.conftest import require
from tests.payments import flow
from tests.redis import REDIS, redis_up

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-dai-9"  # noqa: S105


def dead_redis_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def cache_settings(location: str, *, breaker: float = 60) -> dict:
    """The production cache configuration (shop/settings/base.py) at another address."""
    return {
        "default": {
            "BACKEND": "shop.cache.FailSoftRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "chophien-test",
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
                "BREAKER_SECONDS": breaker,
            },
        }
    }


@pytest.fixture
def redis_down():
    """Every cache of this test (sessions, page cache, lookups) at a dead Redis."""
    with override_settings(CACHES=cache_settings(dead_redis_url())):  # resets the cache handlers
        yield


@pytest.fixture
def floor():
    flow.vietnam()
    honey = factories.category("Mật ong")
    item = factories.product("Mật ong bạc hà 500ml", price="350000", categories=[honey])
    from traceability import services

    lot = services.lot_create(
        product=item,
        code="MO-2025-001",
        production_date=date(2025, 11, 20),
        quantity=Decimal("120.5"),
        unit="KGM",
        actor=None,
    )
    user = get_user_model().objects.create_user("mai", "mai@example.com", PASSWORD)
    return {"category": honey, "product": item, "lot": lot, "user": user}


def storefront_urls(floor, *, content_pages: bool = True) -> list[str]:
    lot = floor["lot"]
    shop = [
        reverse("catalogue:index"),
        floor["category"].get_absolute_url(),
        floor["product"].get_absolute_url(),
        reverse("search:search") + "?q=m%E1%BA%ADt",
        reverse("basket:summary"),
        reverse("customer:login"),
        f"/01/{lot.gtin14}/10/{lot.code}",
    ]
    # Wagtail's pages and locales come from data migrations, which a flushing test empties.
    content = ["/", "/en/", reverse("content-search") + "?q=ong"]
    return shop + content if content_pages else shop


def walk_to_the_payment_step(client: Client, floor) -> list[tuple[str, int]]:
    """Basket, then checkout as far as the order preview (the order itself is not placed)."""
    seen = []
    response = client.post(
        reverse("basket:add", kwargs={"pk": floor["product"].pk}), {"quantity": 2}
    )
    seen.append(("basket:add", response.status_code))
    response = client.get(reverse("basket:summary"))
    assert "700.000\xa0₫" in response.content.decode()
    seen.append(("basket:summary", response.status_code))
    response = client.get(reverse("checkout:index"), follow=True)
    seen.append(("checkout:index", response.status_code))
    response = client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    assert response.status_code == 302, response.content.decode()[-1500:]
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("checkout:payment-method")
    seen.append(("checkout:payment-method", response.status_code))
    response = client.post(reverse("checkout:payment-method"), {"method": "vietqr"})
    assert response["Location"] == reverse("checkout:preview")
    response = client.get(reverse("checkout:preview"))
    assert "Mật ong bạc hà 500ml" in response.content.decode()
    seen.append(("checkout:preview", response.status_code))
    return seen


def test_storefront_login_and_checkout_answer_with_redis_down(floor, redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="shop.cache")
    anonymous = Client()
    answers = {url: anonymous.get(url).status_code for url in storefront_urls(floor)}
    assert answers == dict.fromkeys(answers, 200), answers

    buyer = Client()
    response = buyer.post(
        reverse("customer:login"),
        {"login-username": "mai@example.com", "login-password": PASSWORD, "login_submit": "1"},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    # The session was written to the database only, and is read back from it.
    profile = buyer.get(reverse("customer:profile-view"))
    assert profile.status_code == 200
    assert "mai@example.com" in profile.content.decode()
    steps = walk_to_the_payment_step(buyer, floor)
    assert all(status == 200 for name, status in steps if name != "basket:add"), steps

    # One warning while the breaker is open, not one per cache call.
    warnings = [r for r in caplog.records if r.name == "shop.cache"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "cache unavailable" in warnings[0].getMessage()


def test_guest_checkout_with_redis_down(floor, redis_down):
    client = Client()
    response = client.post(
        reverse("basket:add", kwargs={"pk": floor["product"].pk}), {"quantity": 2}
    )
    assert response.status_code == 302
    client.get(reverse("basket:summary"))
    response = client.post(
        reverse("checkout:index"), {"username": "lan@example.com", "options": "anonymous"}
    )
    assert response.status_code == 302
    response = client.get(reverse("checkout:shipping-address"))
    assert response.status_code == 200


def test_healthz_says_the_cache_is_down(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"] == {"ok": False, "detail": "ConnectionError"}
    assert checks["database"]["ok"] is True


def test_healthz_is_ok_with_redis_up(client):
    require(redis_up(), "needs Redis on 127.0.0.1:6379")
    with override_settings(CACHES=cache_settings(REDIS), CELERY_BROKER_URL=REDIS):
        response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["cache"] == {"ok": True, "detail": "FailSoftRedisCache"}


def test_healthz_asks_redis_even_while_the_breaker_is_open(redis_down, client):
    from django.core.cache import cache

    assert cache.get("anything", "fallback") == "fallback"  # opens the breaker
    assert client.get("/healthz").json()["checks"]["cache"]["ok"] is False


def test_the_cache_works_again_when_redis_comes_back(redis_server):
    from django.core.cache import cache

    port, start, stop = redis_server
    with override_settings(CACHES=cache_settings(f"redis://127.0.0.1:{port}/0", breaker=0.2)):
        cache.set("k", "v")
        assert cache.get("k") == "v"
        client = cache._cache.get_client(write=True)  # one redis-py client, kept (shop.cache)
        assert cache._cache.get_client() is client
        stop()
        assert cache.get("k", "miss") == "miss"
        cache.set("k", "w")  # swallowed
        start()
        time.sleep(0.3)  # the breaker half-opens
        cache.set("k", "again")
        assert cache.get("k") == "again"
        assert cache._cache.get_client() is client  # the kept client reconnected


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_server():
    """A redis-server of this test's own, on a free port, that the test stops and restarts."""
    import shutil

    binary = shutil.which("redis-server")
    require(binary is not None, "needs redis-server")
    port = free_port()
    processes = []

    def start():
        process = subprocess.Popen(
            [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        processes.append(process)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)

    def stop():
        process = processes[-1]
        process.terminate()
        process.wait(timeout=10)

    start()
    yield port, start, stop
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


# --------------------------------------------------------------------------- under gunicorn


@pytest.fixture
def production_site(tmp_path):
    """gunicorn with production settings (bench/settings.py), the test database, a dead Redis
    as cache and broker, and static files collected as a deployment does."""
    from django.db import connection

    from bench.server import gunicorn_start, gunicorn_stop, production_env

    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    db = connection.settings_dict
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(
        database=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        redis=dead_redis_url(),
        static_root=str(tmp_path / "static"),
        bind=f"127.0.0.1:{port}",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr
    server = gunicorn_start(env, base)
    try:
        yield base
    finally:
        gunicorn_stop(server)


# The pages of Wagtail, whose rows a flushing test may have emptied, are checked in process.
@pytest.mark.django_db(transaction=True)
def test_production_site_answers_with_redis_down(floor, production_site):
    import requests

    base = production_site
    # Hashed as production hashes (it does not accept the test settings' fast hasher).
    user = floor["user"]
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    https = {"X-Forwarded-Proto": "https"}  # as behind the TLS proxy (SECURE_PROXY_SSL_HEADER)
    jar: dict[str, str] = {}

    def get(path: str) -> requests.Response:
        response = requests.get(base + path, headers=https, cookies=jar, timeout=30)
        jar.update(response.cookies.get_dict())  # Secure cookies, sent back by hand over http
        return response

    started = time.monotonic()
    answers = {path: get(path).status_code for path in storefront_urls(floor, content_pages=False)}
    elapsed = time.monotonic() - started

    login_page = get(reverse("customer:login"))
    token = jar["csrftoken"]
    response = requests.post(
        base + reverse("customer:login"),
        data={
            "csrfmiddlewaretoken": token,
            "login-username": "mai@example.com",
            "login-password": PASSWORD,
            "login_submit": "1",
        },
        headers={**https, "Referer": f"https://127.0.0.1:{base.rsplit(':', 1)[1]}/"},
        cookies=jar,
        allow_redirects=False,
        timeout=30,
    )
    jar.update(response.cookies.get_dict())
    answers["login"] = 200 if response.status_code == 302 else response.status_code
    profile = get(reverse("customer:profile-view"))
    answers[reverse("customer:profile-view")] = profile.status_code
    assert "mai@example.com" in profile.text

    # Bodies: refused from the headers alone, by the server as deployed.
    huge = raw_request(base, "POST", reverse("customer:login"), "Content-Length: 100000000")
    chunked = raw_request(base, "POST", reverse("customer:login"), "Transfer-Encoding: chunked")
    assert huge.startswith(b"HTTP/1.1 413"), huge[:200]
    assert chunked.startswith(b"HTTP/1.1 411"), chunked[:200]

    healthz = requests.get(base + "/healthz", timeout=30)
    print(
        f"\nRedis down under gunicorn: {sum(s == 200 for s in answers.values())} of {len(answers)}"
        f" pages answered 200 ({elapsed:.2f}s for the first {len(answers) - 2});"
        f" /healthz {healthz.status_code}"
    )
    assert login_page.status_code == 200
    assert answers == dict.fromkeys(answers, 200), answers
    assert healthz.status_code == 503
    assert healthz.json()["checks"]["cache"]["ok"] is False
    assert healthz.json()["checks"]["broker"]["ok"] is False
    assert elapsed < 10, "a dead Redis must not add seconds to every request"


def raw_request(base: str, method: str, path: str, header: str) -> bytes:
    """Send only a request's head (no body follows) and read the status line the server sends."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {host}",
            "X-Forwarded-Proto: https",
            "Content-Type: application/x-www-form-urlencoded",
            header,
        ]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return conn.recv(200)

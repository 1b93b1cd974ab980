"""The site under gunicorn, as in production, for the HTTP benchmarks."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def site_prepare(env: dict, *, database: str, redis: str) -> None:
    """A fresh database with the demo floor, an empty Redis database and collected static files."""
    name = database.rsplit("/", 1)[1]
    admin = database.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        run("psql", admin, "-q", "-c", sql, env=env)
    subprocess.run(["redis-cli", "-u", redis, "FLUSHDB"], check=True, capture_output=True)
    py = sys.executable
    run(py, "manage.py", "migrate", "--no-input", "-v0", env=env)
    run(py, "manage.py", "load_demo", env=env, stdout=subprocess.DEVNULL)
    run(py, "manage.py", "collectstatic", "--no-input", "-v0", env=env)


def gunicorn_start(
    env: dict[str, str], base: str, *, ping: str = "/bench/ping"
) -> subprocess.Popen:
    """Start gunicorn (gunicorn.conf.py) with `env` and wait until `base` + `ping` answers.
    Refuses a port something already listens on: gunicorn's workers bind with SO_REUSEPORT, so
    a server left running there would silently take part of the load."""
    address = urllib.parse.urlsplit(base)
    with socket.socket() as probe:
        if probe.connect_ex((address.hostname, address.port)) == 0:
            raise SystemExit(f"{base} is already served: stop that server first")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(base + ping, timeout=1)  # noqa: S310
            break
        except OSError:
            time.sleep(0.2)
    return server


def gunicorn_stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def production_env(*, database: str, redis: str, static_root: str, bind: str) -> dict[str, str]:
    """Production settings (bench/settings.py over shop.settings.production) with throw-away
    secrets and everything production refuses to start without."""
    import secrets

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": static_root,
        # Required by production settings; no page measured here calls the chain.
        "CHAIN_RPC_URL": "http://127.0.0.1:9",
        "CHAIN_ANCHOR_KEY": "0x" + secrets.token_hex(32),
        "GS1_COMPANY_PREFIX": "8930000",
        "GUNICORN_BIND": bind,
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def django_start(env: dict) -> None:
    """Django in this process, with the server's settings (to build data and check it)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def send_all(
    requests: list[tuple[str, str, bytes | None, dict]],
    *,
    host: str,
    port: int,
    connections: int,
    outcome: Callable[[int, bytes], str],
) -> dict:
    """Send every (method, path, body, headers) once over `connections` keep-alive connections,
    all starting together; count each answer's `outcome(status, body)` and time them."""
    codes: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(connections + 1)

    def worker(chunk: list) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        mine, times = Counter(), []
        start.wait()
        for method, path, body, headers in chunk:
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
            except (http.client.HTTPException, OSError):
                mine["connection lost"] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                continue
            times.append(time.perf_counter() - began)
            mine[outcome(response.status, answer)] += 1
        conn.close()
        with lock:
            codes.update(mine)
            latencies.extend(times)

    threads = [
        threading.Thread(target=worker, args=(requests[i::connections],))
        for i in range(connections)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "count": len(requests),
        "rps": len(requests) / elapsed,
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "codes": codes,
    }

"""The site under gunicorn, as in production, for the HTTP benchmarks."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
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
    """Start gunicorn (gunicorn.conf.py) with `env` and wait until `base` + `ping` answers."""
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

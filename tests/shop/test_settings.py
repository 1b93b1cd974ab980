"""Settings per environment: embedded defaults; production configured only by the environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "shop.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/chophien",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "chophien.example.vn",
    "CHAIN_RPC_URL": "https://rpc.chophien.example.vn",
    "CHAIN_ANCHOR_KEY": "0x" + secrets.token_hex(32),
    "GS1_COMPANY_PREFIX": "8930000",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    unwanted = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_vietnamese_first_in_vietnam_time():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ and timezone.now().tzinfo is not None
    assert settings.OSCAR_DEFAULT_CURRENCY == "VND"
    assert settings.OSCAR_ALLOW_ANON_CHECKOUT is True


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_its_configuration(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_never_runs_in_debug():
    code = "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split() == ["False", "True"], result.stderr


CARRIERS_ENV = {
    "GHN_TOKEN": "ghn-token",
    "GHN_SHOP_ID": "885",
    "GHN_WEBHOOK_TOKEN": "ghn-callback-secret",
    "GHTK_TOKEN": "ghtk-token",
    "GHTK_CLIENT_SOURCE": "S123456",
    "GHTK_WEBHOOK_TOKEN": "ghtk-callback-secret",
    "VIETTELPOST_USERNAME": "0912345678",
    "VIETTELPOST_PASSWORD": "vtp-password",
    "VIETTELPOST_WEBHOOK_TOKEN": "vtp-callback-secret",
}


def test_production_runs_the_real_carriers_and_no_simulator():
    code = (
        "from django.conf import settings; from django.urls import resolve, Resolver404\n"
        "from shop.carriers.registry import carrier_for\n"
        "print(sorted(settings.CARRIERS), settings.CARRIER_SIMULATORS)\n"
        "print(carrier_for('ghn').__class__.__name__)\n"
        "for path in ('/shipping/simulator/ghn/', '/shipping/simulator/ghtk/',"
        " '/shipping/simulator/viettelpost/'):\n"
        "    try:\n"
        "        view = resolve(path).func\n"
        "    except Resolver404:\n"
        "        continue\n"
        "    print('resolves to', view.__module__)\n"
    )
    env = {**PRODUCTION_ENV, **CARRIERS_ENV}
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["['ghn', 'ghtk', 'viettelpost'] False", "GHNCarrier"]
    resolved = [line for line in result.stdout.split("\n") if line.startswith("resolves to")]
    assert resolved and not [line for line in resolved if "simulators" in line]
    deploy = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert deploy.returncode == 0, deploy.stderr


@pytest.mark.parametrize("missing", ["GHN_SHOP_ID", "GHTK_CLIENT_SOURCE", "VIETTELPOST_PASSWORD"])
def test_production_refuses_a_carrier_without_every_option(missing):
    env = {k: v for k, v in {**PRODUCTION_ENV, **CARRIERS_ENV}.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Carrier" in result.stderr and "needs" in result.stderr

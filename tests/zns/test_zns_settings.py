"""ZNS settings: off unless enabled; in production enabled means every key given and no
simulator, neither its page nor its port."""

import pytest

from tests.shop.test_settings import PRODUCTION_ENV, manage

ZNS_ENV = {
    "ZNS_ENABLED": "1",
    "ZNS_APP_ID": "1234567890123456789",
    "ZNS_SECRET_KEY": "zalo-app-secret",
    "ZNS_REFRESH_TOKEN": "zalo-refresh-token",
    "ZNS_OA_ID": "987654321",
    "ZNS_TEMPLATE_ORDER_PLACED": "301234",
}


def test_production_runs_the_real_zalo_and_no_simulator():
    code = (
        "from django.conf import settings; from django.urls import resolve, Resolver404\n"
        "from shop.zns import registry\n"
        "client = registry.client()\n"
        "print(settings.ZNS_SIMULATOR, client.api_url, client.oauth_url)\n"
        "print(registry.template_id('orders/order_placed') or '-',"
        " registry.template_id('fulfilment/shipped') or '-')\n"
        "try:\n"
        "    print('resolves to', resolve('/messages/simulator/zns/').func.__module__)\n"
        "except Resolver404:\n"
        "    print('no simulator')\n"
    )
    result = manage("shell", "--no-imports", "-c", code, env={**PRODUCTION_ENV, **ZNS_ENV})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "False https://business.openapi.zalo.me https://oauth.zaloapp.com/v4/oa/access_token",
        "301234 -",
        "resolves to wagtail.views",  # the CMS's catch-all: no page there
    ]


@pytest.mark.parametrize("missing", ["ZNS_APP_ID", "ZNS_SECRET_KEY", "ZNS_REFRESH_TOKEN"])
def test_production_refuses_zns_enabled_without_its_keys(missing):
    env = {k: v for k, v in {**PRODUCTION_ENV, **ZNS_ENV}.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ZNS is enabled and needs" in result.stderr and missing in result.stderr


def test_production_refuses_zns_pointing_at_the_simulator():
    env = {**PRODUCTION_ENV, **ZNS_ENV, "ZNS_API_URL": "simulator"}
    result = manage("check", env=env)
    assert result.returncode != 0 and "ZNS points at a simulator" in result.stderr


def test_production_without_zns_sends_email_only():
    code = "from django.conf import settings; print(settings.ZNS, settings.ZNS_SIMULATOR)"
    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split("\n")[0] == "{} False", result.stderr

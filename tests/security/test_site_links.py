"""Links in e-mails, labels and gateway addresses point at SITE_URL: never example.com, never
the request's Host header; on a laptop they follow the port the run command serves on."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shop import links
from tests import factories
from tests.payments import flow
from tests.traceability.conftest import make_lot  # noqa: F401

pytestmark = pytest.mark.django_db

PUBLIC = "https://chophien.example.vn"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def public_site(settings):
    """The site as production runs it: SITE_URL from the environment, then `migrate`."""
    settings.SITE_URL = PUBLIC
    settings.OSCAR_URL_SCHEMA = "https"  # what shop.settings derives from SITE_URL (tested below)
    settings.WAGTAILADMIN_BASE_URL = PUBLIC
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    call_command("migrate", verbosity=0)
    return PUBLIC


def urls_in(message) -> list[str]:
    bodies = [message.body] + [body for body, _type in getattr(message, "alternatives", [])]
    return [url for body in bodies for url in re.findall(r"https?://[^\s\"'<>]+", body)]


def test_migrate_sets_the_sites_record_and_the_check_watches_it(public_site, settings):
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.domain, site.name) == ("chophien.example.vn", "Chợ Phiên")
    assert links.sites_out_of_step() == []
    site.domain = "example.com"
    site.save()
    assert links.sites_out_of_step()  # manage.py check --database default warns (site.W001)


def test_password_reset_email_links_to_site_url(client, public_site):
    user = factories.operator("mai@example.com")
    response = client.post(
        reverse("password-reset"), {"email": user.email}, HTTP_HOST="attacker.example"
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    reset = [url for url in urls_in(message) if "/password-reset/confirm/" in url]
    assert reset and all(url.startswith(PUBLIC + "/") for url in reset), urls_in(message)
    assert not any("example.com" in url or "attacker" in url for url in urls_in(message))
    path = urlsplit(reset[0]).path
    assert client.get(path, follow=True).status_code == 200  # the link opens the reset form


def test_order_email_links_to_site_url(client, public_site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        flow.checkout(client, products=[(flow.honey(), 1)], method="vietqr")
    (message,) = [m for m in mail.outbox if "mai@example.com" in m.to]
    order_links = [url for url in urls_in(message) if "/payments/order/" in url]
    assert order_links and all(url.startswith(PUBLIC + "/") for url in order_links)


def test_gateway_return_and_notify_addresses_come_from_site_url(client, public_site, settings):
    """The buyer's Host header never chooses where VNPay sends the buyer and its IPN."""
    flow.vietnam()
    product = flow.honey()
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    client.post(reverse("checkout:index"), {"username": "mai@example.com", "options": "anonymous"})
    client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    client.get(reverse("checkout:shipping-method"))
    client.post(reverse("checkout:payment-method"), {"method": "vnpay"})
    response = client.post(
        reverse("checkout:preview"), {"action": "place_order"}, HTTP_HOST="attacker.example"
    )
    assert response.status_code == 302
    query = dict(parse_qsl(urlsplit(response["Location"]).query))
    assert query["vnp_ReturnUrl"].startswith(PUBLIC + "/payments/return/vnpay/")


def test_application_email_links_to_site_url(
    client, public_site, settings, tmp_path, django_capture_on_commit_callbacks
):
    from tests.onboarding.conftest import valid_data

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("onboarding:apply"), valid_data(), HTTP_HOST="attacker.example"
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    status = [url for url in urls_in(message) if "/shop/sell/status/" in url]
    assert status and all(url.startswith(PUBLIC + "/") for url in status)


def test_statement_email_links_to_site_url(public_site):
    from datetime import date

    from shop.settlements import tasks
    from shop.settlements.models import Statement

    maker = factories.producer()
    factories.producer_user(maker, email="honey@example.com")
    statement = Statement.objects.create(
        partner=maker,
        reference="BK-2611-A",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 16),
        status=Statement.Status.ISSUED,
        issued_at=timezone.now(),
    )
    tasks.send_statement_email(statement_id=statement.pk)
    (message,) = mail.outbox
    assert [url for url in urls_in(message) if url.startswith(PUBLIC + "/")], message.body


def test_labels_qr_codes_carry_site_url(public_site, make_lot):  # noqa: F811
    from traceability import selectors

    lot = make_lot()
    assert selectors.lot_uri(lot) == f"{PUBLIC}/01/{lot.gtin14}/10/{lot.code}"


def settings_of(module: str, **env) -> dict:
    """SITE_URL and the simulators' addresses as a fresh process with `env` loads them."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'site': settings.SITE_URL, 'schema': settings.OSCAR_URL_SCHEMA, "
        "'vnpay': settings.PAYMENT_GATEWAYS['vnpay']['OPTIONS']['pay_url'], "
        "'wagtail': settings.WAGTAILADMIN_BASE_URL}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_development_follows_the_port_the_server_runs_on():
    found = settings_of("shop.settings.dev", PORT="8123")
    assert found["site"] == "http://127.0.0.1:8123"
    assert found["vnpay"].startswith("http://127.0.0.1:8123/payments/simulator/")
    assert found["wagtail"] == "http://127.0.0.1:8123"
    assert settings_of("shop.settings.dev")["site"] == "http://127.0.0.1:8000"
    # the run command hands its port to the settings as well as to runserver
    script = (ROOT / "dev").read_text()
    assert "export PORT=${PORT:-8000}" in script and 'runserver "127.0.0.1:$PORT"' in script


def test_the_scheme_oscar_uses_follows_site_url():
    assert settings_of("shop.settings.test", SITE_URL=PUBLIC)["schema"] == "https"

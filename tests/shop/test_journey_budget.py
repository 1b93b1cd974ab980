"""A signed-in buyer's journey from the home page to the payment gateway, as bench/journey.py
scripts it, costs at most 54 queries in all (stock Oscar's sandbox made 256 for the same journey):
home, a category, a product, adding it to the basket, the basket, every checkout step with a new
delivery address and VNPay, and placing the order. Run as requests run (autocommit), with the
pages shared as in production; a first buyer's journey warms what a first visit writes. The
order's e-mails are handed to the broker from the outbox, as in production: a worker sends them
(here, where tasks run in the request, they are only recorded as handed over)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.journey import STEPS, journey_paths_for
from payments.models import PaymentAttempt
from tests import factories
from tests.payments import flow

# The issue asks for under 60; the journey costs 52 now, and its budget keeps two of room.
JOURNEY_BUDGET = 54


def journey(client: Client, paths: dict[str, str]) -> list[tuple[str, int]]:
    rows = []
    for label, method, key, data, status in STEPS:
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method.lower())(paths[key], data or {})
        assert response.status_code == status, (label, response.content.decode()[-2000:])
        rows.append((label, len(queries)))
    return rows


@pytest.mark.django_db(transaction=True)
def test_a_buyers_journey_to_the_payment_gateway_stays_within_its_budget(settings, monkeypatch):
    from cms.services import home_page_ensure
    from shop.outbox import services as outbox

    handed = []
    monkeypatch.setattr(outbox, "_send_many", lambda messages: handed.extend(messages) or True)
    settings.PAGE_CACHE_SECONDS = 600
    home_page_ensure()
    flow.vietnam()
    honey = factories.category("Mật ong")
    product = factories.product("Mật ong bạc hà 500ml", stock=1000, categories=[honey])
    paths = journey_paths_for(product, honey)
    for name in ("lan", "mai"):
        user = get_user_model().objects.create_user(name, f"{name}@example.vn", "pw-123456789")
        client = Client()
        client.force_login(user)
        rows = journey(client, paths)
        assert PaymentAttempt.objects.get(order__user=user).method == "vnpay"
        assert handed.pop()[1] == "payments.send_order_email"
    assert sum(count for _label, count in rows) <= JOURNEY_BUDGET, str(rows)

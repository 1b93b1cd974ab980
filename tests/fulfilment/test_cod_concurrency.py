"""Carriers report the same parcels at the same moment (a callback and a COD report, both
producers' parcels of one order): each figure is recorded once, one discrepancy at most per
parcel, and the order is paid exactly once."""

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from payments.models import PaymentAttempt
from shop.fulfilment import cod
from shop.fulfilment.models import CodDiscrepancy, Shipment
from shop.order import statuses
from tests.conftest import require
from tests.fulfilment.cod_helpers import cod_order

REPORTS = 6


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_record_each_parcel_once_and_pay_the_order_once():
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    order, honey, tea = cod_order(Client())
    # Honey's carrier and its report agree; tea's disagree with what was due.
    reports = [(honey, honey.cod_due)] * REPORTS + [(tea, Decimal(400000))] * REPORTS
    start = threading.Barrier(len(reports))
    errors: list[BaseException] = []

    def report(shipment, amount):
        try:
            start.wait()
            cod.cod_reported(shipment=shipment, amount=amount, source="webhook:test")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=r) for r in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    honey.refresh_from_db()
    tea.refresh_from_db()
    assert honey.cod == Shipment.Cod.COLLECTED and tea.cod == Shipment.Cod.MISMATCH
    assert CodDiscrepancy.objects.filter(shipment=tea).count() == 1
    order.refresh_from_db()
    assert order.status == statuses.CASH_ON_DELIVERY

    cod.cod_reported(shipment=tea, amount=Decimal(400000), source="report:again.csv")
    gap = CodDiscrepancy.objects.get()
    staff = get_user_model().objects.create_user("op", "op@example.com", "pw", is_staff=True)
    cod.cod_discrepancy_resolve(discrepancy=gap, decision=cod.Decision.CARRIER, actor=staff)
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert PaymentAttempt.objects.get(order=order).status == "paid"
    assert order.payment_events.count() == 1

"""More buyers than units left, checking out at the same moment on PostgreSQL: exactly the
available units are sold, and nobody is asked to pay for goods that were not allocated."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from payments.models import PaymentAttempt
from tests.conftest import require
from tests.payments import flow

UNITS, BUYERS = 3, 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_sell_exactly_the_units_left():
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    product = flow.honey(stock=UNITS)
    flow.vietnam()
    clients = []
    for i in range(BUYERS):
        client = Client()
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
        email = f"buyer{i}@example.com"
        client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
        client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
        client.get(reverse("checkout:shipping-method"))
        client.post(reverse("checkout:payment-method"), {"method": "vietqr"})
        clients.append(client)

    start = threading.Barrier(BUYERS)
    results: list[int] = []

    def buy(client):
        try:
            start.wait()
            response = client.post(reverse("checkout:preview"), {"action": "place_order"})
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    record = product.stockrecords.get()
    assert record.num_allocated == UNITS == record.num_in_stock
    orders = flow.Order.objects.all()
    assert orders.count() == UNITS
    assert sorted(results) == [200] * (BUYERS - UNITS) + [302] * UNITS
    # Only the placed orders were sent on to pay, each for exactly its allocated goods.
    attempts = PaymentAttempt.objects.all()
    assert attempts.count() == UNITS
    assert {a.order_id for a in attempts} == {o.pk for o in orders}

"""Orders placed through the real checkout, and moved along by the services that own them."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import Client
from oscar.core.loading import get_class, get_model

from shop.fulfilment import aftersale
from shop.fulfilment import services as fulfilment
from shop.fulfilment.models import Shipment
from tests.payments import flow

Order = get_model("order", "Order")
Statement = get_model("settlements", "Statement")
EventHandler = get_class("order.processing", "EventHandler")
_months = itertools.count()


def place(products, *, method="cod", user=None):
    """An order for `products` (pairs of product, quantity): a guest's, or `user`'s."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = flow.checkout(
        client, products=products, method=method, email=None if user else "mai@example.com"
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return flow.latest_order()


def shipment(order, partner) -> Shipment:
    return Shipment.objects.get(order=order, partner=partner)


def deliver(order, partner, *, upto="delivered") -> Shipment:
    """The producer moves its parcel forward, one step at a time, up to `upto`."""
    parcel = shipment(order, partner)
    actor = partner.users.first()
    for step in ("confirmed", "packed", "shipped", "delivered"):
        extra = (
            {"carrier": "VNPost", "tracking_number": f"EB{parcel.pk:09d}VN"}
            if step == "shipped"
            else {}
        )
        fulfilment.shipment_advance(shipment=parcel, to=step, actor=actor, on_behalf=False, **extra)
        if step == upto:
            break
    return parcel


def send_back(order, partner) -> None:
    """The parcel, shipped, comes back to its producer."""
    deliver(order, partner, upto="shipped")
    assert aftersale.shipment_goods_back(shipment=shipment(order, partner), reason="Không nhận")


def cancel(order) -> None:
    """An order not paid yet, cancelled through the order pipeline."""
    order = Order.objects.get(pk=order.pk)
    EventHandler().order_cancelled(order, note="Hết hạn thanh toán")


def buyer(email="buyer@example.com"):
    return get_user_model().objects.create_user(email.split("@")[0], email, "pw-123456789")


def paid_statement(partner, *, net, paid_at, reference, paid=True) -> Statement:
    """A settlement the floor paid (or, `paid=False`, issued and still to pay): sales less an
    8 % commission make `net`."""
    net = Decimal(net)
    gross = (net / Decimal("0.92")).quantize(Decimal(1))
    n = next(_months)  # each statement its own settlement month
    first = date(2020 + n // 12, n % 12 + 1, 1)
    return Statement.objects.create(
        partner=partner,
        reference=reference,
        period_start=first,
        period_end=first + timedelta(days=27),
        status=Statement.Status.PAID if paid else Statement.Status.ISSUED,
        gross_sales=gross,
        commission=gross - net,
        net=net,
        issued_at=paid_at,
        paid_at=paid_at if paid else None,
        bank_reference=f"FT{reference}" if paid else "",
    )

"""A cash-on-delivery order from two producers, ready to pack: full Vietnamese addresses, each
producer's lots, and a carrier that keeps its orders in memory (idempotent on our reference,
like the carriers' own APIs) and can be told to time out or refuse."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from django.db import connection
from django.urls import reverse

from shop.carriers.ports import (
    CarrierCapabilities,
    CarrierError,
    CarrierUnavailable,
    Waybill,
    WaybillRequest,
)
from shop.fulfilment.models import Shipment
from tests import factories
from tests.fulfilment.helpers import two_producer_order
from traceability import services as trace

_lot_numbers = itertools.count(1)


class MemoryCarrier:
    """A carrier's order book: one waybill per reference, however often it is asked."""

    name = "ghn"
    capabilities = CarrierCapabilities()

    def __init__(self):
        self.orders: dict[str, tuple[Waybill, WaybillRequest]] = {}
        self.calls = 0
        self.down = 0  # the next calls time out before reaching the carrier
        self.lost_answers = 0  # the next calls create the order, then the answer is lost
        self.refusal = ""  # the carrier refuses every call with these words
        self.in_transaction: list[bool] = []
        self.cancelled: list[str] = []

    def create(self, request: WaybillRequest) -> Waybill:
        self.calls += 1
        self.in_transaction.append(connection.in_atomic_block)
        if self.down:
            self.down -= 1
            raise CarrierUnavailable("Hết thời gian chờ")
        if self.refusal:
            raise CarrierError(self.refusal)
        if request.reference not in self.orders:
            waybill = Waybill(
                code=f"LB{len(self.orders) + 1:06d}VN",
                fee=Decimal(32000),
                expected_delivery=date(2026, 12, 9),
                sort_code="TQ-08-A1",
            )
            self.orders[request.reference] = (waybill, request)
        if self.lost_answers:
            self.lost_answers -= 1
            raise CarrierUnavailable("Read timed out")
        return self.orders[request.reference][0]

    def cancel(self, code: str) -> None:
        if self.refusal:
            raise CarrierError(self.refusal)
        self.cancelled.append(code)


def ready_order(client):
    """A COD order (honey maker in Tuyên Quang, tea maker in Hà Nội), both shipments new, the
    buyer's address in a real ward, both producers with a pick-up address and phone."""
    order, honey_maker, tea_maker = two_producer_order(client, method="cod")
    address = order.shipping_address
    address.set_units(province_code=8, ward_code=factories.DONG_VAN)
    address.save()
    for partner, phone in ((honey_maker, "+84987654321"), (tea_maker, "+84911222333")):
        partner.phone = phone
        partner.street = "Số 5 đường Chợ"
        partner.default_carrier = "ghn"
        partner.save()
    tea_maker.ward_code = factories.MEO_VAC  # a pick-up ward (the helper leaves it empty)
    tea_maker.province_code = 8
    tea_maker.save()
    client.logout()
    return order, honey_maker, tea_maker


def lot_of(product, *, actor, code=None):
    return trace.lot_create(
        product=product,
        code=code or f"MO-2026-{next(_lot_numbers):03d}",
        production_date=date(2026, 11, 20),
        quantity=Decimal("120"),
        unit="KGM",
        actor=actor,
    )


def producer_client(client, partner):
    user = partner.users.first() or factories.producer_user(partner)
    client.force_login(user)
    return user


def pack(client, shipment: Shipment, **data):
    body = {"to": "packed", "carrier": "ghn", "weight_grams": "600", **data}
    return client.post(reverse("producer-orders:advance", kwargs={"pk": shipment.pk}), body)


def confirm(client, shipment: Shipment):
    return client.post(
        reverse("producer-orders:advance", kwargs={"pk": shipment.pk}), {"to": "confirmed"}
    )

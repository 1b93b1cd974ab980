"""The province dashboard's known-answer floor, as plain rows (bulk-created where it helps):
the dashboard reads orders, lines, shipments, payments, statements and lots, whoever wrote them.
"""

from __future__ import annotations

import itertools
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from payments.models import AttemptStatus, PaymentAttempt
from shop.fulfilment.models import Shipment
from shop.order import statuses
from shop.settlements.models import Statement
from traceability.models import (
    AnchorBatch,
    BizStep,
    Event,
    Lot,
    LotHead,
    LotShipment,
    RegistryDeployment,
    Unit,
)

LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
_numbers = itertools.count(900_000)


def local(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def buyer(email: str):
    return get_user_model().objects.create_user(email.split("@")[0], email, "pw-123456789")


@dataclass
class Part:
    """One producer's part of an order: `quantity` of `product`, and its parcel."""

    product: object
    quantity: int = 1
    carrier: str = "ghn"
    status: str = Shipment.Status.DELIVERED
    shipped: datetime | None = None
    delivered: datetime | None = None
    expected: date | None = None
    line: object = None


@dataclass
class Sale:
    placed: datetime
    parts: list[Part]
    status: str = statuses.PAID
    method: str = "vnpay"  # the payment attempt's method
    user: object = None
    guest_email: str = "khach@example.com"
    order: object = None
    lines: list = field(default_factory=list)

    @property
    def goods(self) -> Decimal:
        return sum(
            (p.product.stockrecords.get().price * p.quantity for p in self.parts), Decimal(0)
        )


def sales_create(sales: list[Sale]) -> list[Sale]:
    for sale in sales:
        goods = sale.goods
        sale.order = Order.objects.create(
            number=str(next(_numbers)),
            currency="VND",
            total_incl_tax=goods + 30000,
            total_excl_tax=goods + 30000,
            shipping_incl_tax=Decimal(30000),
            shipping_excl_tax=Decimal(30000),
            status=sale.status,
            user=sale.user,
            guest_email="" if sale.user else sale.guest_email,
            date_placed=sale.placed,
        )
        for part in sale.parts:
            product, record = part.product, part.product.stockrecords.get()
            amount = record.price * part.quantity
            part.line = Line.objects.create(
                order=sale.order,
                partner=product.producer,
                partner_name=product.producer.name,
                partner_sku=record.partner_sku,
                stockrecord=record,
                product=product,
                title=product.title,
                quantity=part.quantity,
                num_allocated=part.quantity,
                line_price_incl_tax=amount,
                line_price_excl_tax=amount,
                line_price_before_discounts_incl_tax=amount,
                line_price_before_discounts_excl_tax=amount,
                unit_price_incl_tax=record.price,
                unit_price_excl_tax=record.price,
            )
            Shipment.objects.create(
                order=sale.order,
                partner=product.producer,
                status=part.status,
                carrier=part.carrier,
                shipped_at=part.shipped,
                delivered_at=part.delivered,
                expected_delivery=part.expected,
            )
        paid = sale.status == statuses.PAID
        PaymentAttempt.objects.create(
            order=sale.order,
            method=sale.method,
            reference=f"PRV{sale.order.number}",
            amount=sale.order.total_incl_tax,
            status=AttemptStatus.PAID if paid else AttemptStatus.PENDING,
            created_at=sale.placed,
            expires_at=sale.placed + timedelta(minutes=15),
            paid_at=sale.placed if paid else None,
        )
    return sales


def lot(product, *, anchored: bool, inspected: bool, code: str) -> Lot:
    """A lot of `product`, anchored (a head in a confirmed batch) and inspected or not."""
    row = Lot.objects.create(
        product=product,
        producer=product.producer,
        code=code,
        production_date=date(2026, 10, 1),
        origin_province_code=8,
        origin_province_name="Tuyên Quang",
        origin_ward_code=product.producer.ward_code,
        origin_ward_name="Xã",
        quantity=Decimal(100),
        unit=Unit.choices[0][0],
    )
    if inspected:
        Event.objects.create(
            lot=row,
            seq=1,
            event_id=f"ev-{code}",
            biz_step=BizStep.INSPECTING,
            event_time=local(2026, 10, 2),
            canonical="{}",
            digest=f"0x{row.pk:064x}",
        )
    if anchored:
        registry, _ = RegistryDeployment.objects.get_or_create(
            chain_id=31337,
            address="0x" + "1" * 40,
            defaults={"owner": "0x" + "2" * 40, "tx_hash": "0x" + "3" * 64, "block_number": 1},
        )
        batch = AnchorBatch.objects.create(
            registry=registry,
            root=f"0x{row.pk:064x}",
            count=1,
            state=AnchorBatch.State.CONFIRMED,
            anchored_at=local(2026, 10, 3),
        )
        LotHead.objects.create(
            batch=batch, lot=row, key=f"0x{row.pk:064x}", digest="0x0", count=1, proof={}
        )
    return row


def shipped_from(part: Part, lot_row: Lot, quantity: int) -> LotShipment:
    return LotShipment.objects.create(order_line=part.line, lot=lot_row, quantity=quantity)


def statement_paid(partner, *, net: str, paid_at: datetime, reference: str) -> Statement:
    return Statement.objects.create(
        partner=partner,
        reference=reference,
        period_start=paid_at.date().replace(day=1),
        period_end=paid_at.date(),
        status=Statement.Status.PAID,
        gross_sales=Decimal(net),
        net=Decimal(net),
        issued_at=paid_at,
        paid_at=paid_at,
        bank_reference=f"FT{reference}",
    )

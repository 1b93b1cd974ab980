"""Orders, shipments, reviews and complaints as plain rows (bulk-created), for the satisfaction
index's known-answer tests and its benchmark: the index reads rows, whoever wrote them."""

from __future__ import annotations

import itertools
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from oscar.core.loading import get_model

from payments.models import AttemptStatus, PaymentAttempt
from shop.complaints.models import Complaint, Reason, Remedy, State
from shop.fulfilment.models import Shipment

LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
ProductReview = get_model("reviews", "ProductReview")
_numbers = itertools.count(700_000)


def local(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


@dataclass
class Sale:
    """One order with one producer's part: `lines` lines of `product`."""

    product: object
    placed: datetime
    status: str = Shipment.Status.DELIVERED
    expected: date | None = None
    delivered: datetime | None = None
    lines: int = 1
    payment: str | None = None  # an online payment attempt's final status, if any
    order: object = None
    shipment: object = None
    line_rows: list = field(default_factory=list)


def sales_create(sales: list[Sale]) -> list[Sale]:
    """Insert the sales' orders, lines, shipments and payment attempts in a few bulk inserts."""
    orders = []
    for sale in sales:
        sale.order = Order(
            number=str(next(_numbers)),
            currency="VND",
            total_incl_tax=Decimal(185000),
            total_excl_tax=Decimal(185000),
            shipping_incl_tax=Decimal(0),
            shipping_excl_tax=Decimal(0),
            status="Paid",
            guest_email="khach@example.com",
            date_placed=sale.placed,
        )
        orders.append(sale.order)
    Order.objects.bulk_create(orders, batch_size=2000)
    lines, shipments, attempts = [], [], []
    records = {}
    for sale in sales:
        product = sale.product
        if product.pk not in records:
            records[product.pk] = product.stockrecords.get()
        record = records[product.pk]
        for _ in range(sale.lines):
            line = Line(
                order=sale.order,
                partner=product.producer,
                partner_name=product.producer.name,
                partner_sku=record.partner_sku,
                stockrecord=record,
                product=product,
                title=product.title,
                quantity=1,
                num_allocated=1,
                line_price_incl_tax=Decimal(185000),
                line_price_excl_tax=Decimal(185000),
                line_price_before_discounts_incl_tax=Decimal(185000),
                line_price_before_discounts_excl_tax=Decimal(185000),
                unit_price_incl_tax=Decimal(185000),
                unit_price_excl_tax=Decimal(185000),
                status="Delivered",
            )
            sale.line_rows.append(line)
            lines.append(line)
        sale.shipment = Shipment(
            order=sale.order,
            partner=product.producer,
            status=sale.status,
            expected_delivery=sale.expected,
            delivered_at=sale.delivered,
        )
        shipments.append(sale.shipment)
        if sale.payment:
            attempts.append(
                PaymentAttempt(
                    order=sale.order,
                    method="vnpay",
                    reference=f"SAT{sale.order.number}",
                    amount=Decimal(185000),
                    status=sale.payment,
                    created_at=sale.placed,
                    expires_at=sale.placed + timedelta(minutes=15),
                    paid_at=sale.placed if sale.payment == AttemptStatus.PAID else None,
                )
            )
    Line.objects.bulk_create(lines, batch_size=2000)
    Shipment.objects.bulk_create(shipments, batch_size=2000)
    PaymentAttempt.objects.bulk_create(attempts, batch_size=2000)
    return sales


def reviews_create(items: list[tuple[Sale, int, datetime]], *, status=None) -> list:
    """Reviews (sale, score, written at) on each sale's first line."""
    rows = [
        ProductReview(
            product=sale.product,
            partner=sale.product.producer,
            line=sale.line_rows[0],
            score=score,
            title="Đánh giá",
            body="Hàng tốt.",
            name="Khách",
            email="khach@example.com",
            status=ProductReview.APPROVED if status is None else status,
            purchased_at=sale.placed,
        )
        for sale, score, _at in items
    ]
    ProductReview.objects.bulk_create(rows, batch_size=2000)
    for row, (_sale, _score, at) in zip(rows, items, strict=True):
        row.date_created = at
    ProductReview.objects.bulk_update(rows, ["date_created"], batch_size=2000)
    return rows


def complaint_rows(
    items: list[tuple[Sale, datetime, float | None, bool | None]], *, state=State.RESOLVED
) -> list:
    """Complaints (sale, opened at, hours to the decision or None, resolved in time)."""
    rows = []
    for sale, opened, hours, in_time in items:
        decided = None if hours is None else opened + timedelta(hours=hours)
        rows.append(
            Complaint(
                reference=f"KN-T-{next(_numbers)}",
                order=sale.order,
                shipment=sale.shipment,
                line=sale.line_rows[0],
                partner=sale.product.producer,
                reason=Reason.DAMAGED,
                description="Vỡ hộp.",
                wish=Remedy.REFUND,
                state=state,
                opened_at=opened,
                answer_due_at=opened + timedelta(hours=48),
                decided_at=decided,
                resolved_at=decided,
                resolved_in_time=in_time,
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=2000)
    return rows

"""The planned year written as rows (`history.history_load` plans it): orders, lines,
shipments and their events, payments with Oscar's sources and events, reviews, complaints with
their steps, refunds — with `bulk_create`, dates set back to when they happened."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import connection
from django.db.models import Avg, Count
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import AttemptStatus, PaymentAttempt, Refund, method_label
from payments.references import REFERENCE_ALPHABET, REFERENCE_PREFIX
from shop import geo, pagecache
from shop.complaints.models import (
    Complaint,
    ComplaintParcel,
    ComplaintStep,
    Reason,
    Remedy,
    Role,
    State,
)
from shop.demo.history import (
    COD,
    DECIDING,
    HISTORY,
    LOCAL,
    STEP_STATE,
    VIETQR,
    Floor,
    Kind,
    PlannedOrder,
    Status,
    _working_hours,
)
from shop.fulfilment.models import Shipment, ShipmentEvent
from shop.fulfilment.services import LINE_STATUS
from shop.order import statuses
from shop.text import slugify
from traceability.models import Lot

Order = get_model("order", "Order")
Line = get_model("order", "Line")
ShippingAddress = get_model("order", "ShippingAddress")
OrderStatusChange = get_model("order", "OrderStatusChange")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
ProductReview = get_model("reviews", "ProductReview")


def history_write(floor: Floor, orders: list[PlannedOrder], rng: random.Random, *, now) -> dict:
    site = Site.objects.get_current()
    prototypes = {}  # one address a buyer: its units and search text worked out once
    for order in orders:
        if order.buyer.pk not in prototypes:
            prototypes[order.buyer.pk] = _shipping_address(order)
    addresses = [_copy(prototypes[order.buyer.pk]) for order in orders]
    ShippingAddress.objects.bulk_create(addresses)
    for order, address in zip(orders, addresses, strict=True):
        order.row = Order(
            number=order.number,
            site=site,
            user=order.buyer,
            currency="VND",
            total_incl_tax=order.total,
            total_excl_tax=order.total,
            shipping_incl_tax=order.shipping,
            shipping_excl_tax=order.shipping,
            shipping_address=address,
            shipping_method="Giao hàng bởi từng nhà sản xuất",
            shipping_code="per-producer",
            status=_order_status(order),
            guest_email="",
            date_placed=order.placed_at,
            language=order.language,
        )
    Order.objects.bulk_create([order.row for order in orders])

    lines = []
    for order in orders:
        for shipment in order.shipments:
            for line in shipment.lines:
                price = line.stockrecord.price
                live = shipment.status in (Status.NEW, Status.CONFIRMED)
                line.row = Line(
                    order=order.row,
                    partner=shipment.partner,
                    partner_name=shipment.partner.name,
                    partner_sku=line.stockrecord.partner_sku,
                    stockrecord=line.stockrecord,
                    product=line.product,
                    title=line.product.title_vi,
                    upc=line.product.upc,
                    quantity=line.quantity,
                    line_price_incl_tax=price * line.quantity,
                    line_price_excl_tax=price * line.quantity,
                    line_price_before_discounts_incl_tax=price * line.quantity,
                    line_price_before_discounts_excl_tax=price * line.quantity,
                    unit_price_incl_tax=price,
                    unit_price_excl_tax=price,
                    status=LINE_STATUS[shipment.status],
                    num_allocated=line.quantity if live else 0,
                )
                lines.append(line.row)
    Line.objects.bulk_create(lines)

    _write_shipments(orders)
    _write_payments(orders, rng)
    reviews = _write_reviews(floor, orders, rng, now=now)
    complaints = _write_complaints(floor, orders, now=now)
    _ratings_refresh(reviews)
    return {"orders": len(orders), "reviews": len(reviews), "complaints": complaints}


def _ratings_refresh(reviews: list) -> None:
    """What `ratings_refresh` computes (the approved reviews' average and count), for every
    product and producer reviewed, in two queries each rather than two a product."""
    approved = ProductReview.objects.filter(status=ProductReview.APPROVED)
    for model, key in ((Product, "product_id"), (Partner, "partner_id")):
        ids = {getattr(review, key) for review in reviews}
        figures = {
            row[key]: row
            for row in approved.filter(**{f"{key}__in": ids})
            .values(key)
            .annotate(rating=Avg("score"), count=Count("pk"))
        }
        rows = list(model.objects.filter(pk__in=ids).only("pk"))
        for row in rows:
            row.rating = figures.get(row.pk, {}).get("rating")
            row.reviews_count = figures.get(row.pk, {}).get("count", 0)
        model.objects.bulk_update(rows, ["rating", "reviews_count"])
    pagecache.bump_generation_now_and_on_commit()


def _order_status(order: PlannedOrder) -> str:
    if order.cancelled:
        return statuses.CANCELLED
    if order.paid_at is None:
        return statuses.CASH_ON_DELIVERY
    return statuses.PAID


def _copy(address):
    fields = ("first_name", "phone_number", "line1", "country", "state", "line4", "search_text")
    copy = ShippingAddress(**{name: getattr(address, name) for name in fields})
    copy.province_code, copy.ward_code = address.province_code, address.ward_code
    return copy


def _shipping_address(order: PlannedOrder):
    data = order.address
    province = next(code for code, p in geo.provinces().items() if p.name == data["province"])
    ward = geo.find_ward(province_code=province, name=data["ward"])
    address = ShippingAddress(
        first_name=data["first_name"],
        phone_number=data["phone_number"],
        line1=data["line1"],
        country_id="VN",
    )
    address.set_units(province_code=province, ward_code=int(ward.code))
    address._update_search_text()
    return address


def _write_shipments(orders: list[PlannedOrder]) -> None:
    rows, events = [], []
    for order in orders:
        for shipment in order.shipments:
            partner = shipment.partner
            carrier = partner.default_carrier or "ghn"
            shipped, delivered = shipment.at(Status.SHIPPED), shipment.at(Status.DELIVERED)
            cod = order.method == COD and not order.cancelled
            row = Shipment(
                order=order.row,
                partner=partner,
                status=shipment.status,
                charge=shipment.charge,
                charge_source=shipment.source,
                quoted_carrier=carrier if shipment.source == Shipment.ChargeSource.QUOTE else "",
                expected_delivery=shipment.expected,
                weight_grams=400 * sum(line.quantity for line in shipment.lines) + 150,
            )
            if cod:
                row.cod, row.cod_due = Shipment.Cod.DUE, shipment.goods + shipment.charge
            if shipped:
                row.carrier, row.waybill = carrier, Shipment.Waybill.CREATED
                row.tracking_number = f"{carrier.upper()}{order.number}{partner.pk:02d}"
                row.waybill_reference = f"CP{order.number}-{partner.pk}-1"
                row.tracking_status, row.tracking_at = "in_transit", shipped
                row.shipped_at = shipped
            if delivered:
                row.tracking_status, row.tracking_at, row.delivered_at = (
                    "delivered",
                    delivered,
                    delivered,
                )
                if cod:
                    row.cod, row.cod_collected = Shipment.Cod.COLLECTED, row.cod_due
                    row.cod_reported_at = delivered + timedelta(hours=6)
                if int(order.number) % 5 < 2:
                    row.receipt, row.received_at = (
                        Shipment.Receipt.BUYER,
                        delivered + timedelta(hours=2),
                    )
                else:
                    auto = delivered + timedelta(days=settings.DELIVERY_CONFIRM_AFTER_DAYS)
                    if auto <= timezone.now():
                        row.receipt, row.received_at = Shipment.Receipt.AUTO, auto
            shipment.row = row
            rows.append(row)
    Shipment.objects.bulk_create(rows)
    stamps, times = [], []
    for order in orders:
        for shipment in order.shipments:
            last = shipment.moves[-1][1]
            stamps.append((shipment.row.pk, shipment.moves[0][1], last))
            for status, when in shipment.moves:
                events.append(ShipmentEvent(shipment=shipment.row, status=status))
                times.append(when)
    ShipmentEvent.objects.bulk_create(events)
    _backdate(Shipment, ("created_at", "updated_at"), stamps)
    _backdate(ShipmentEvent, ("at",), [(e.pk, at) for e, at in zip(events, times, strict=True)])


def _write_payments(orders: list[PlannedOrder], rng: random.Random) -> None:
    attempts, references = [], set()
    for order in orders:
        reference = ""
        while not reference or reference in references:
            body = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(6))
            reference = REFERENCE_PREFIX + body
        references.add(reference)
        order.reference = reference
    taken = set(
        PaymentAttempt.objects.filter(reference__in=references).values_list("reference", flat=True)
    )
    for order in orders:
        if order.reference in taken:  # a real payment has it: the history's steps aside
            order.reference = order.reference[:2] + order.reference[2:][::-1]
        if order.cancelled:
            status = AttemptStatus.EXPIRED
        elif order.paid_at is not None:
            status = AttemptStatus.PAID
        else:
            status = AttemptStatus.PENDING  # cash on delivery, not yet collected
        expiry = settings.PAYMENT_EXPIRY_SECONDS.get(order.method, 3650 * 86400)
        attempts.append(
            PaymentAttempt(
                order=order.row,
                method=order.method,
                reference=order.reference,
                amount=order.total,
                status=status,
                gateway_txn_id=f"{order.method.upper()}{order.number}" if order.paid_at else "",
                created_at=order.placed_at,
                expires_at=order.placed_at + timedelta(seconds=expiry),
                paid_at=order.paid_at,
            )
        )
    PaymentAttempt.objects.bulk_create(attempts)
    for order, attempt in zip(orders, attempts, strict=True):
        order.row.attempt = attempt

    types = {}
    for method in sorted({order.method for order in orders}):
        types[method] = SourceType.objects.get_or_create(
            code=method, defaults={"name": method_label(method)}
        )[0]
    paid_event = PaymentEventType.objects.get_or_create(name="Paid")[0]
    sources, events, changes = [], [], []
    for order in orders:
        row = order.row
        if order.cancelled:
            changes.append((row, statuses.PENDING_PAYMENT, statuses.CANCELLED, order.placed_at))
            continue
        if order.method == COD:
            changes.append(
                (row, statuses.PENDING_PAYMENT, statuses.CASH_ON_DELIVERY, order.placed_at)
            )
        if order.paid_at is None:
            continue
        was = statuses.CASH_ON_DELIVERY if order.method == COD else statuses.PENDING_PAYMENT
        changes.append((row, was, statuses.PAID, order.paid_at))
        sources.append(
            Source(
                order=row,
                source_type=types[order.method],
                currency="VND",
                amount_allocated=order.total,
                amount_debited=order.total,
                reference=order.reference,
            )
        )
        events.append(
            PaymentEvent(
                order=row,
                amount=order.total,
                reference=order.reference,
                event_type=paid_event,
            )
        )
    Source.objects.bulk_create(sources)
    PaymentEvent.objects.bulk_create(events)
    paid = [order.paid_at for order in orders if order.paid_at and not order.cancelled]
    stamps = [(event.pk, at) for event, at in zip(events, paid, strict=True)]
    _backdate(PaymentEvent, ("date_created",), stamps)
    rows = [OrderStatusChange(order=o, old_status=a, new_status=b) for o, a, b, _ in changes]
    OrderStatusChange.objects.bulk_create(rows)
    _backdate(
        OrderStatusChange,
        ("date_created",),
        [(row.pk, change[3]) for row, change in zip(rows, changes, strict=True)],
    )


def _backdate(model, fields: tuple[str, ...], values: list[tuple]) -> None:
    """Set `fields` (Django stamps them with the time of writing) to the history's times, in one
    statement: `values` are (pk, value, …)."""
    if not values:
        return
    table = model._meta.db_table
    if connection.vendor != "postgresql":  # SQLite (the embedded demo): a statement a row
        assignments = ", ".join(f'"{name}" = %s' for name in fields)
        with connection.cursor() as cursor:
            cursor.executemany(
                f'UPDATE "{table}" SET {assignments} WHERE id = %s',  # noqa: S608 (model names)
                [(*item[1:], item[0]) for item in values],
            )
        return
    columns = ", ".join(f'"{name}" = v."{name}"' for name in fields)
    names = ", ".join(f'"{name}"' for name in fields)
    row = "(%s" + ", %s::timestamptz" * len(fields) + ")"
    sql = (
        f'UPDATE "{table}" AS t SET {columns} '  # noqa: S608 (model names, not input)
        f"FROM (VALUES {', '.join([row] * len(values))}) AS v(id, {names}) WHERE t.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for item in values for value in item])


# Reviews -------------------------------------------------------------------------------------


def _write_reviews(floor: Floor, orders: list[PlannedOrder], rng, *, now) -> list:
    texts = HISTORY["reviews"]
    used = defaultdict(set)  # product: titles used (no text twice on one product page)
    rows, scripted, times = [], [], {}
    for order in orders:
        for shipment in order.shipments:
            delivered = shipment.at(Status.DELIVERED)
            if delivered is None or shipment.status != Status.DELIVERED:
                continue
            profile = HISTORY["producers"][shipment.partner.code]
            answerer = floor.producer_users.get(shipment.partner.pk)
            for line in shipment.lines:
                written = delivered + timedelta(hours=rng.uniform(20, 240))
                late = delivered.astimezone(LOCAL).date() > shipment.expected
                if order.script:
                    if not line.review:
                        continue
                    score, title, body, *answer = line.review
                    written = min(written, delivered + timedelta(hours=30), now)
                else:
                    draw = rng.random()
                    if draw >= HISTORY["reviewed"] or written > now:
                        continue
                    score = rng.choices((5, 4, 3, 2, 1), profile["scores"])[0]
                    title, body = _review_text(
                        texts, line.product, score, order.language, late, rng
                    )
                    if (title, order.language) in used[line.product.pk]:
                        continue
                    answer = []
                    if rng.random() < profile["answers"]:
                        if score >= 4:
                            pool = texts["answers"]["good"][order.language]
                        else:
                            bad = texts["answers"]["bad"][order.language]
                            pool = bad["late" if late else "other"]
                        answer = [rng.choice(pool)]
                used[line.product.pk].add((title, order.language))
                review = ProductReview(
                    product=line.product,
                    partner=shipment.partner,
                    line=line.row,
                    user=order.buyer,
                    score=score,
                    title=title,
                    body=body,
                    status=ProductReview.APPROVED,
                    purchased_at=order.placed_at,
                    language=order.language,
                )
                times[id(review)] = written
                answered = written + timedelta(hours=rng.uniform(3, 60))
                if answer and answered <= now:
                    review.answer, review.answered_at = answer[0], answered
                    review.answered_by = answerer
                (scripted if order.script else rows).append(review)
    _hide_one(floor, rows, times, now=now)
    rows += scripted
    ProductReview.objects.bulk_create(rows)
    _backdate(ProductReview, ("date_created",), [(r.pk, times[id(r)]) for r in rows])
    return rows


def _review_text(texts, product, score: int, language: str, late: bool, rng) -> tuple[str, str]:
    """A title and body for `score`; below 4 stars, a late parcel's buyer speaks of the delay
    (and only they do)."""
    if score >= 4:
        return tuple(rng.choice(texts["good"][product.category][language]))
    pool = texts["fair" if score == 3 else "poor"][language]
    pool = [text for text in pool if (len(text) == 3) == late] or pool
    return tuple(rng.choice(pool)[:2])


def _hide_one(floor: Floor, rows: list, times: dict, *, now) -> None:
    """One review an operator hid (an advertisement for buying outside the floor)."""
    candidates = [r for r in rows if r.language == "vi" and r.score == 5 and not r.answer]
    if not candidates or floor.operator is None:
        return
    review = candidates[len(candidates) // 2]
    review.title, review.body = HISTORY["hidden"]["text"]
    review.status = ProductReview.REJECTED
    review.hidden_reason = HISTORY["hidden"]["reason"]
    review.hidden_at = min(times[id(review)] + timedelta(hours=5), now)
    review.hidden_by = floor.operator


# Complaints ----------------------------------------------------------------------------------


def _write_complaints(floor: Floor, orders: list[PlannedOrder], *, now) -> int:
    scripted = [order for order in orders if order.script and order.script.get("complaint")]
    complaints, steps, parcels, refunds = [], [], [], []
    for index, order in enumerate(scripted):
        spec = order.script["complaint"]
        upc = spec.get("upc") or order.script["lines"][0][0]
        shipment, line = next(
            (s, line) for s in order.shipments for line in s.lines if line.product.upc == upc
        )
        delivered = shipment.at(Status.DELIVERED)
        if "opened_hours_ago" in spec:
            opened = now - timedelta(hours=spec["opened_hours_ago"])
        else:
            opened = _working_hours(delivered + timedelta(hours=20))
        amount = Decimal(spec["amount"])
        complaint = Complaint(
            reference=f"KN-{opened.year}-{900001 + index:06d}",
            order=order.row,
            shipment=shipment.row,
            line=line.row,
            partner=shipment.partner,
            user=order.buyer,
            language=order.language,
            reason=spec["reason"],
            description=spec["description"],
            wish=spec["wish"],
            quantity=spec["quantity"],
            opened_at=opened,
            answer_due_at=opened + timedelta(hours=settings.COMPLAINT_ANSWER_HOURS),
        )
        if complaint.reason == Reason.ORIGIN:  # the lot the product came from, for inspectors
            complaint.lot = Lot.objects.filter(product=line.product).order_by("pk").first()
        actors = {
            Role.BUYER: order.buyer,
            Role.PRODUCER: floor.producer_users.get(shipment.partner.pk),
            Role.OPERATOR: floor.operator,
        }
        for kind, role, hours, text in spec["steps"]:
            at = opened + timedelta(hours=hours)
            remedy, step_amount = _step_apply(complaint, kind, role, at, text, amount, order)
            steps.append(
                ComplaintStep(
                    complaint=complaint,
                    kind=kind,
                    role=role,
                    actor=actors.get(role),
                    remedy=remedy,
                    amount=step_amount,
                    text=text,
                    at=at,
                )
            )
            if kind in (Kind.REFUNDED, Kind.PAYOUT_RECORDED):
                refunds.append((complaint, order, shipment, at))
            if kind == Kind.PARCEL:
                parcels.append(
                    ComplaintParcel(
                        complaint=complaint,
                        direction=ComplaintParcel.Direction.REPLACEMENT,
                        carrier=shipment.row.carrier,
                        reference=f"{complaint.reference}-R1",
                        status=ComplaintParcel.Status.CREATED,
                        tracking_number=f"{shipment.row.carrier.upper()}{complaint.reference[3:]}",
                        tracking_status="in_transit",
                        attempts=1,
                    )
                )
            if kind == Kind.PARCEL_ARRIVED:
                parcel = parcels[-1]
                parcel.status = ComplaintParcel.Status.DELIVERED
                parcel.tracking_status, parcel.delivered_at = "delivered", at
        complaints.append(complaint)
    Complaint.objects.bulk_create(complaints)
    for step in steps:
        step.complaint_id = step.complaint.pk
    ComplaintStep.objects.bulk_create(steps)
    for parcel in parcels:
        parcel.complaint_id = parcel.complaint.pk
    ComplaintParcel.objects.bulk_create(parcels)
    _write_refunds(floor, refunds)
    return len(complaints)


def _step_apply(complaint, kind, role, at, text, amount, order) -> tuple[str, Decimal | None]:
    """What the step changes on the complaint (as the services would); its remedy and amount."""
    state = STEP_STATE.get(kind)
    if state:
        complaint.state = state
    remedy, step_amount = "", None
    if kind in (Kind.PROPOSED, Kind.REJECTED, Kind.ACCEPTED) and complaint.answered_at is None:
        complaint.answered_at = at
    if kind == Kind.PROPOSED:
        remedy = Remedy.OTHER
        complaint.remedy, complaint.remedy_note = remedy, text
        complaint.buyer_due_at = at + timedelta(days=settings.COMPLAINT_BUYER_DAYS)
    elif kind == Kind.REJECTED:
        remedy = Remedy.NONE
        complaint.remedy, complaint.remedy_note = remedy, text
        complaint.buyer_due_at = at + timedelta(days=settings.COMPLAINT_BUYER_DAYS)
    elif kind in (Kind.ESCALATED, Kind.DEADLINE_MISSED):
        complaint.escalated_at = at
        complaint.escalated_automatically = kind == Kind.DEADLINE_MISSED
    elif kind in DECIDING:
        remedy = complaint.remedy if kind == Kind.BUYER_ACCEPTED else complaint.wish
        step_amount = None if remedy in (Remedy.NONE, Remedy.OTHER) else amount
        complaint.remedy, complaint.remedy_amount = remedy, step_amount
        complaint.decided_by_role, complaint.decided_at = role, at
        if kind != Kind.BUYER_ACCEPTED:
            complaint.remedy_note = text
        complaint.resolved_in_time = at <= complaint.opened_at + timedelta(
            days=settings.COMPLAINT_RESOLVE_DAYS
        )
        if remedy in (Remedy.REFUND, Remedy.REPLACE, Remedy.RETURN):
            complaint.state = State.EXECUTING
    elif kind in (Kind.PAYOUT_ACCOUNT,):
        complaint.payout_bank_bin = "970436"  # Vietcombank
        complaint.payout_account_number = f"10{order.number}{order.row.pk % 100:02d}"
        complaint.payout_account_holder = slugify(order.buyer.first_name).replace("-", " ").upper()
    elif kind == Kind.PAYOUT_RECORDED:
        complaint.payout_recorded_at = at
    elif kind == Kind.RESOLVED:
        complaint.resolved_at = at
    return remedy, step_amount


def _write_refunds(floor: Floor, refunds: list) -> None:
    """The money a complaint sent back: a refund through the gateway (or recorded, for cash
    and transfers), the attempt's refunded figure, and Oscar's payment event."""
    refunded_event = PaymentEventType.objects.get_or_create(name="Refunded")[0]
    for complaint, order, _shipment, at in refunds:
        attempt = order.row.attempt
        through_gateway = order.method not in (COD, VIETQR)
        refund = Refund.objects.create(
            attempt=attempt,
            amount=complaint.remedy_amount,
            reason=f"Khiếu nại {complaint.reference}",
            status=Refund.Status.ACCEPTED if through_gateway else Refund.Status.RECORDED,
            gateway_reference=f"RF{order.number}" if through_gateway else "",
            partner=complaint.partner,
            created_by=floor.operator,
        )
        PaymentAttempt.objects.filter(pk=attempt.pk).update(refunded=complaint.remedy_amount)
        event = PaymentEvent.objects.create(
            order=order.row,
            amount=complaint.remedy_amount,
            reference=attempt.reference,
            event_type=refunded_event,
        )
        _backdate(Refund, ("created_at",), [(refund.pk, at)])
        _backdate(PaymentEvent, ("date_created",), [(event.pk, at)])
        Complaint.objects.filter(pk=complaint.pk).update(refund=refund)

"""A year of the floor's history: orders, parcels on time or late, reviews, complaints.

The demo floor would otherwise start on the day it is loaded, with no rating on any product and
nothing for the satisfaction index to count. `history_load()` adds the twelve months before:
the everyday orders drawn from a seeded random generator (the same on every machine for the
same day), and the orders written out in `history.yaml` with what happened next — reviews the
producers answered, a complaint in every state with its steps. Everything is written as the
services would have left it (orders, lines, shipments and their events, payments, Oscar's
payment sources and events, refunds), with `bulk_create` and no signal, outbox row or e-mail:
the past has already been told.

Idempotent: the history is there once its first order is (a second load adds nothing).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.db import connection
from django.db.models import Avg, Count
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import AttemptStatus, Method, PaymentAttempt, Refund, method_label
from payments.references import REFERENCE_ALPHABET, REFERENCE_PREFIX
from shop import geo, pagecache, people
from shop.complaints.models import (
    Complaint,
    ComplaintParcel,
    ComplaintStep,
    Reason,
    Remedy,
    Role,
    State,
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

Status = Shipment.Status
Kind = ComplaintStep.Kind
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
COD, VIETQR = Method.COD.value, Method.VIETQR.value
SAME_PROVINCE = 8  # the producers' province (shop.demo.PROVINCE)

# What each step leaves the complaint in (steps that change nothing are left out).
STEP_STATE = {
    Kind.OPENED: State.OPEN,
    Kind.PROPOSED: State.ANSWERED,
    Kind.REJECTED: State.ANSWERED,
    Kind.ESCALATED: State.ESCALATED,
    Kind.DEADLINE_MISSED: State.ESCALATED,
    Kind.RESOLVED: State.RESOLVED,
    Kind.WITHDRAWN: State.WITHDRAWN,
}
DECIDING = (Kind.ACCEPTED, Kind.DECIDED, Kind.BUYER_ACCEPTED)


def _data() -> dict:
    from shop.demo import _data as data

    return data("history.yaml")


HISTORY = _data()


# The plan: what happened, in plain objects, before anything is written ----------------------


@dataclass
class PlannedLine:
    product: object
    stockrecord: object
    quantity: int
    review: list | None = None  # [score, title, body, answer?]
    row: object = None


@dataclass
class PlannedShipment:
    partner: object
    lines: list[PlannedLine]
    charge: Decimal = Decimal(0)
    source: str = Shipment.ChargeSource.QUOTE
    expected: date | None = None
    status: str = Status.PENDING
    moves: list[tuple[str, datetime]] = field(default_factory=list)
    row: object = None

    @property
    def goods(self) -> Decimal:
        return sum((line.stockrecord.price * line.quantity for line in self.lines), Decimal(0))

    def at(self, status: str) -> datetime | None:
        return next((when for move, when in self.moves if move == status), None)


@dataclass
class PlannedOrder:
    buyer: object
    address: dict
    language: str
    placed_at: datetime
    method: str
    shipments: list[PlannedShipment]
    cancelled: bool = False
    paid_at: datetime | None = None
    script: dict | None = None
    number: str = ""
    reference: str = ""
    row: object = None

    @property
    def shipping(self) -> Decimal:
        return sum((s.charge for s in self.shipments), Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum((s.goods for s in self.shipments), Decimal(0)) + self.shipping


@dataclass
class Floor:
    """What the history is drawn on: the demo floor's producers, products and people."""

    producers: dict[str, object]
    products: dict[str, object]  # by UPC, with `stockrecord` and `category` set
    by_producer: dict[str, list]
    buyers: dict[str, tuple]  # e-mail: (user, address, language)
    operator: object
    producer_users: dict[int, object]


# Loading -------------------------------------------------------------------------------------


def history_load(*, now: datetime | None = None) -> dict[str, int]:
    """The floor's last year (nothing if it is there already); returns what was added."""
    first = str(HISTORY["first_number"])
    if Order.objects.filter(number=first).exists():
        return {"orders": 0, "reviews": 0, "complaints": 0}
    now = now or timezone.now()
    floor = _floor()
    rng = random.Random(HISTORY["seed"])  # noqa: S311 (demo data, not security)
    orders = _plan(floor, rng, now=now)
    return _write(floor, orders, rng, now=now)


def _floor() -> Floor:
    from shop.demo import ACCOUNTS, _demo_address

    producers = {p.code: p for p in Partner.objects.filter(code__in=HISTORY["producers"])}
    products, by_producer = {}, defaultdict(list)
    for product in Product.objects.select_related("producer").prefetch_related(
        "stockrecords", "categories"
    ):
        product.stockrecord = product.stockrecords.all()[0]
        product.category = product.categories.all()[0].name_vi
        products[product.upc] = product
        if product.producer and product.producer.code in producers:
            by_producer[product.producer.code].append(product)
    User = get_user_model()
    buyers = {}
    for row in HISTORY["buyers"]:
        user = User.objects.filter(email=row["email"]).first()
        if user is None:
            user = User(username=row["email"].split("@")[0][:30], email=row["email"])
            people.full_name_set(user, row["name"])
            user.set_unusable_password()
            user.save()
        address = row.get("address") or next(a.address for a in ACCOUNTS if a.email == row["email"])
        address = {"first_name": user.first_name, **address}
        _demo_address(user, address)
        buyers[row["email"]] = (user, address, row["language"])
    operator = User.objects.filter(is_staff=True).order_by("pk").first()
    producer_users = {}
    for partner in producers.values():
        producer_users[partner.pk] = partner.users.order_by("pk").first()
    return Floor(producers, products, by_producer, buyers, operator, producer_users)


def _plan(floor: Floor, rng: random.Random, *, now: datetime) -> list[PlannedOrder]:
    """Every order of the year, in the order they were placed."""
    today = now.astimezone(LOCAL).date()
    orders = []
    ordinary = [e for e in floor.buyers if e != "buyer@chophien.test"]
    producer_codes = sorted(floor.by_producer)
    days = HISTORY["days"]
    for ago in range(days, 2, -1):
        day = today - timedelta(days=ago)
        # Slowly more buyers through the year; more before Tết and in the honey season.
        expected = 0.35 + 0.6 * (days - ago) / days + (0.4 if day.month in (1, 10, 11, 12) else 0)
        count = int(expected) + (rng.random() < expected - int(expected))
        for _ in range(count):
            email = rng.choice(ordinary) if rng.random() < 0.93 else "buyer@chophien.test"
            codes = rng.sample(producer_codes, 2 if rng.random() < 0.22 else 1)
            shipments = []
            for code in sorted(codes):
                products = rng.sample(floor.by_producer[code], 2 if rng.random() < 0.3 else 1)
                lines = [
                    PlannedLine(p, p.stockrecord, rng.choices((1, 2, 3), (70, 25, 5))[0])
                    for p in products
                ]
                shipments.append(PlannedShipment(floor.producers[code], lines))
            placed = _local(day, rng.uniform(7, 22.5))
            orders.append(_order(floor, rng, email, placed, shipments))
    for script in HISTORY["scripted"]:
        day = today - timedelta(days=script["days_ago"])
        lines = defaultdict(list)
        for upc, quantity in script["lines"]:
            product = floor.products[upc]
            review = (script.get("reviews") or {}).get(upc)
            lines[product.producer.code].append(
                PlannedLine(product, product.stockrecord, quantity, review)
            )
        shipments = [PlannedShipment(floor.producers[c], lines[c]) for c in sorted(lines)]
        order = _order(floor, rng, script["buyer"], _local(day, 9.5), shipments, script=script)
        orders.append(order)
    orders.sort(key=lambda o: o.placed_at)
    for index, order in enumerate(orders):
        order.number = str(HISTORY["first_number"] + index)
        _timeline(order, rng, now=now)
    return orders


def _local(day: date, hours: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL) + timedelta(hours=hours)


def _order(floor, rng, email, placed, shipments, *, script=None) -> PlannedOrder:
    user, address, language = floor.buyers[email]
    if script:
        method, cancelled = script["method"], False
    else:
        weights = HISTORY["methods_en" if language == "en" else "methods"]
        method = rng.choices(list(weights), list(weights.values()))[0]
        cancelled = method != COD and rng.random() < HISTORY["cancelled"]
    order = PlannedOrder(user, address, language, placed, method, shipments, cancelled)
    order.script = script
    same = address["province"] == geo.province(SAME_PROVINCE).name
    for shipment in shipments:
        partner = shipment.partner
        threshold = partner.free_shipping_threshold
        if threshold is not None and shipment.goods >= threshold:
            shipment.charge, shipment.source = Decimal(0), Shipment.ChargeSource.FREE
        else:
            shipment.charge = partner.shipping_same_province if same else partner.shipping_elsewhere
    return order


def _quote_days(address: dict) -> int:
    days = HISTORY["quote_days"]
    if address["province"] == geo.province(SAME_PROVINCE).name:
        return days["same"]
    return days["near"] if address["province"] in HISTORY["near_provinces"] else days["far"]


def _timeline(order: PlannedOrder, rng: random.Random, *, now: datetime) -> None:
    """Each shipment's moves, from the order's placing up to where it stands `now`."""
    placed = order.placed_at
    script = order.script or {}
    quote = _quote_days(order.address)
    for shipment in order.shipments:
        shipment.expected = placed.date() + timedelta(days=quote)
        shipment.moves = [(Status.PENDING, placed)]
    if order.cancelled:
        expired = placed + timedelta(seconds=settings.PAYMENT_EXPIRY_SECONDS.get(order.method, 900))
        for shipment in order.shipments:
            shipment.moves.append((Status.CANCELLED, expired))
            shipment.status = Status.CANCELLED
        return
    if order.method != COD:
        order.paid_at = placed + timedelta(minutes=rng.uniform(1, 12))
    opened = order.paid_at or placed + timedelta(seconds=5)
    for shipment in order.shipments:
        profile = HISTORY["producers"][shipment.partner.code]
        confirmed = _working_hours(opened + timedelta(hours=rng.uniform(0.5, 10)))
        packed = _working_hours(confirmed + timedelta(hours=rng.uniform(1, 18)))
        shipped = _working_hours(packed + timedelta(hours=rng.uniform(2, 8)))
        if order.script:  # written out: late only when it says so
            late = script.get("late", 0)
        else:
            late = rng.random() < profile["late"] and rng.randint(1, 4)
        if late:
            day = shipment.expected + timedelta(days=late)
        else:
            day = max(shipped.date() + timedelta(days=1), shipment.expected - timedelta(days=1))
            day = min(day, shipment.expected) if rng.random() < 0.7 else shipment.expected
        delivered = _local(day, rng.uniform(8.5, 18))
        # The carrier needs its time: a few hours inside the province, a night elsewhere.
        delivered = max(delivered, shipped + timedelta(hours=4 if quote <= 2 else 20))
        if script.get("delivered") is False:
            delivered = shipped = packed = now + timedelta(days=30)  # still with the producer
        moves = [
            (Status.NEW, opened),
            (Status.CONFIRMED, confirmed),
            (Status.PACKED, packed),
            (Status.SHIPPED, shipped),
            (Status.DELIVERED, delivered),
        ]
        # Where it stands now; a parcel not yet delivered waits with its producer (the demo's
        # producers pack it with their lots: no parcel at a carrier that knows nothing of it).
        done = [move for move in moves if move[1] <= now]
        if done and done[-1][0] in (Status.PACKED, Status.SHIPPED):
            done = [move for move in done if move[0] in (Status.NEW, Status.CONFIRMED)]
        shipment.moves += done
        shipment.status = shipment.moves[-1][0]
    if order.method == COD and all(s.status == Status.DELIVERED for s in order.shipments):
        order.paid_at = max(s.at(Status.DELIVERED) for s in order.shipments)


def _working_hours(when: datetime) -> datetime:
    """Producers and carriers work from 7:00 to 19:00."""
    local = when.astimezone(LOCAL)
    if local.hour < 7:
        return local.replace(hour=7, minute=local.minute)
    if local.hour >= 19:
        return (local + timedelta(days=1)).replace(hour=7, minute=local.minute)
    return local


# Writing -------------------------------------------------------------------------------------


def _write(floor: Floor, orders: list[PlannedOrder], rng: random.Random, *, now) -> dict:
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

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
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import Method
from shop import geo, people
from shop.complaints.models import (
    ComplaintStep,
    State,
)
from shop.fulfilment.models import Shipment

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")

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
    from shop.demo.history_rows import history_write

    return history_write(floor, orders, rng, now=now)


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

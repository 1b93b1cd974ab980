"""Reading the province dashboard: a period's figures and the previous period's, grouped by
PostgreSQL from the summary tables (`shop.province.models`) and a few small tables.

Each query reads both periods at once (they are contiguous: `DateRange.previous`) and tells
them apart with a flag, and the sales breakdowns come from one scan with GROUPING SETS: the
page costs about ten queries, whatever the period's length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, Q, Sum, When
from django.db.models.functions import TruncMonth
from oscar.core.loading import get_model

from shop.onboarding.models import Action, Decision
from shop.producers.models import ListingChange
from shop.province.models import (
    Basis,
    BuyerBitsDay,
    BuyerBitsMonth,
    DeliveryDay,
    DeliveryMonth,
    OrdersDay,
    Refresh,
    SalesDay,
    SalesMonth,
)
from shop.reporting import DateRange
from shop.satisfaction import selectors as satisfaction
from shop.settlements.models import Statement

CURRENT, PREVIOUS = True, False
# The sales breakdowns, each a grouping set of the one sales query.
BREAKDOWNS = {
    "province": ("province_code",),
    "commune": ("province_code", "ward_code"),
    "category": ("category_id",),
    "kind": ("kind",),
    "stars": ("ocop_stars",),
}
DIMENSIONS = ("province_code", "ward_code", "category_id", "kind", "ocop_stars")


@dataclass
class Sales:
    gmv: Decimal = Decimal(0)
    units: int = 0
    traced_units: int = 0
    producers: int = 0


@dataclass
class Delivery:
    """One carrier's deliveries: histograms of whole hours, and the promise kept."""

    shipped: dict[int, int] = field(default_factory=dict)
    placed: dict[int, int] = field(default_factory=dict)
    quoted: int = 0
    on_time: int = 0

    @property
    def delivered(self) -> int:
        return sum(self.placed.values())


@dataclass
class Figures:
    """One period's figures."""

    period: DateRange
    orders: int = 0
    gmv: Decimal = Decimal(0)
    buyers: int = 0
    sales: Sales = field(default_factory=Sales)  # the whole floor
    # breakdown name -> group key (a tuple) -> Sales
    breakdowns: dict[str, dict[tuple, Sales]] = field(
        default_factory=lambda: {name: {} for name in BREAKDOWNS}
    )
    methods: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # orders, GMV
    deliveries: dict[str, Delivery] = field(default_factory=dict)  # per carrier
    new_producers: int = 0
    new_listings: int = 0
    income_paid: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # kind -> n, net
    trend: dict[date, tuple[int, Decimal]] = field(default_factory=dict)  # day -> orders, GMV

    @property
    def income_paid_total(self) -> Decimal:
        return sum((net for _n, net in self.income_paid.values()), Decimal(0))


@dataclass
class Dashboard:
    current: Figures
    previous: Figures
    satisfaction: list  # shop.satisfaction.selectors.Row, one per month the period touches
    refreshed_at: object = None


def _flag(period: DateRange) -> Case:
    return Case(When(day__gte=period.start, then=True), default=False)


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def segments(period: DateRange) -> list[tuple[str, date, date]]:
    """Where `period` is read from: its whole months from the monthly tables (their rows are
    keyed by the month's first day), the odd days before and after them from the daily ones."""
    first_full = period.start
    if first_full.day != 1:
        first_full = _month_end(first_full) + timedelta(days=1)
    last_full = period.end
    if last_full != _month_end(last_full):
        last_full = last_full.replace(day=1) - timedelta(days=1)
    if first_full > last_full:
        return [("day", period.start, period.end)]
    parts = [("month", first_full, last_full.replace(day=1))]
    if period.start < first_full:
        parts.insert(0, ("day", period.start, first_full - timedelta(days=1)))
    if last_full < period.end:
        parts.append(("day", last_full + timedelta(days=1), period.end))
    return parts


def _union(tables: dict[str, str], columns: str, current: DateRange, previous: DateRange):
    """One row source for both periods: the segments' rows, each with its period's flag."""
    parts, params = [], []
    for flag, period in ((CURRENT, current), (PREVIOUS, previous)):
        for kind, first, last in segments(period):
            # Table and column names are ours (no input reaches them); the days are parameters.
            parts.append(
                f"SELECT {'TRUE' if flag else 'FALSE'} AS cur, {columns} "  # noqa: S608
                f"FROM {tables[kind]} WHERE day >= %s AND day <= %s"
            )
            params += [first, last]
    return " UNION ALL ".join(parts), params


SALES_SQL = """
SELECT s.cur, {dimensions},
       GROUPING({dimensions}) AS grouping,
       SUM(s.gmv), SUM(s.units), SUM(s.traced_units), COUNT(DISTINCT s.partner_id)
FROM ({union}) s JOIN {partner} p ON p.id = s.partner_id
GROUP BY GROUPING SETS ({sets})
"""


def _sales(both: dict[bool, Figures], current: DateRange, previous: DateRange) -> None:
    partner = get_model("partner", "Partner")._meta.db_table
    columns = {
        "province_code": "p.province_code",
        "ward_code": "p.ward_code",
        "category_id": "s.category_id",
        "kind": "p.kind",
        "ocop_stars": "s.ocop_stars",
    }
    dimensions = ", ".join(columns[d] for d in DIMENSIONS)
    sets = ", ".join(
        ["(1)"] + [f"(1, {', '.join(columns[d] for d in dims)})" for dims in BREAKDOWNS.values()]
    )
    union, params = _union(
        {"day": SalesDay._meta.db_table, "month": SalesMonth._meta.db_table},
        "partner_id, category_id, ocop_stars, gmv, units, traced_units",
        current,
        previous,
    )
    sql = SALES_SQL.format(dimensions=dimensions, sets=sets, union=union, partner=partner)
    # GROUPING(...) has a bit per dimension, 1 when the dimension is not in the set.
    width = len(DIMENSIONS)
    by_mask = {}
    for name, dims in BREAKDOWNS.items():
        mask = sum(1 << (width - 1 - DIMENSIONS.index(d)) for d in DIMENSIONS if d not in dims)
        by_mask[mask] = (name, [DIMENSIONS.index(d) for d in dims])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for cur, *rest in cursor.fetchall():
            values, (mask, gmv, units, traced, producers) = rest[:width], rest[width:]
            sales = Sales(
                gmv=gmv or Decimal(0), units=units, traced_units=traced, producers=producers
            )
            if mask == (1 << width) - 1:
                both[cur].sales = sales
            else:
                name, positions = by_mask[mask]
                both[cur].breakdowns[name][tuple(values[i] for i in positions)] = sales


def _orders(both, current: DateRange, previous: DateRange) -> None:
    rows = (
        OrdersDay.objects.filter(day__gte=previous.start, day__lte=current.end)
        .annotate(cur=_flag(current))
        .values("cur", "method")
        .annotate(orders=Sum("orders"), gmv=Sum("gmv"))
        .order_by()
    )
    for row in rows:
        figures = both[row["cur"]]
        figures.methods[row["method"]] = (row["orders"], row["gmv"])
        figures.orders += row["orders"]
        figures.gmv += row["gmv"]


def _trend(figures: Figures, *, monthly: bool) -> None:
    """Orders and GMV per day (per month for long periods), in the current period."""
    period = figures.period
    rows = OrdersDay.objects.filter(day__gte=period.start, day__lte=period.end)
    step = "day"
    if monthly:
        rows, step = rows.annotate(month=TruncMonth("day")), "month"
    rows = rows.values(step).annotate(orders=Sum("orders"), gmv=Sum("gmv")).order_by(step)
    for row in rows:
        figures.trend[row[step]] = (row["orders"], row["gmv"])


BUYERS_SQL = "SELECT cur, BIT_COUNT(BIT_OR(bits)) FROM ({union}) b GROUP BY cur"


def _buyers(both, current: DateRange, previous: DateRange) -> None:
    """Distinct paying buyers: the union of the buyers' bitsets of the whole months and odd
    days, its bits counted (each buyer has one bit: `shop.province.models.BuyerKey`)."""
    union, params = _union(
        {"day": BuyerBitsDay._meta.db_table, "month": BuyerBitsMonth._meta.db_table},
        "bits",
        current,
        previous,
    )
    with connection.cursor() as cursor:
        cursor.execute(BUYERS_SQL.format(union=union), params)
        for cur, buyers in cursor.fetchall():
            both[cur].buyers = buyers


DELIVERIES_SQL = """
SELECT cur, carrier, basis, hours, SUM(shipments), SUM(quoted), SUM(on_time)
FROM ({union}) d
GROUP BY 1, 2, 3, 4
"""


def _deliveries(both, current: DateRange, previous: DateRange) -> None:
    union, params = _union(
        {"day": DeliveryDay._meta.db_table, "month": DeliveryMonth._meta.db_table},
        "carrier, basis, hours, shipments, quoted, on_time",
        current,
        previous,
    )
    with connection.cursor() as cursor:
        cursor.execute(DELIVERIES_SQL.format(union=union), params)
        for cur, carrier_name, basis, hours, shipments, quoted, on_time in cursor.fetchall():
            carrier = both[cur].deliveries.setdefault(carrier_name, Delivery())
            histogram = carrier.shipped if basis == Basis.SHIPPED else carrier.placed
            histogram[hours] = histogram.get(hours, 0) + shipments
            carrier.quoted += quoted
            carrier.on_time += on_time


def _events(both, current: DateRange, previous: DateRange) -> None:
    """New producers (applications approved) and new listings (new products approved)."""
    span = Q(created_at__gte=previous.starts_at, created_at__lt=current.ends_at)
    now = Q(created_at__gte=current.starts_at)
    approved = Decision.objects.filter(span, action=Action.APPROVE).aggregate(
        cur=Count("pk", filter=now), all=Count("pk")
    )
    both[CURRENT].new_producers = approved["cur"]
    both[PREVIOUS].new_producers = approved["all"] - approved["cur"]
    listings = ListingChange.objects.filter(
        kind=ListingChange.Kind.NEW,
        status=ListingChange.Status.APPROVED,
        decided_at__gte=previous.starts_at,
        decided_at__lt=current.ends_at,
    ).aggregate(cur=Count("pk", filter=Q(decided_at__gte=current.starts_at)), all=Count("pk"))
    both[CURRENT].new_listings = listings["cur"]
    both[PREVIOUS].new_listings = listings["all"] - listings["cur"]


def _income(both, current: DateRange, previous: DateRange) -> None:
    """Producers' income paid out: statements paid in the period, their net."""
    rows = (
        Statement.objects.filter(
            status=Statement.Status.PAID,
            paid_at__gte=previous.starts_at,
            paid_at__lt=current.ends_at,
        )
        .annotate(cur=Case(When(paid_at__gte=current.starts_at, then=True), default=False))
        .values("cur", "partner__kind")
        .annotate(count=Count("pk"), net=Sum("net"))
        .order_by()
    )
    for row in rows:
        both[row["cur"]].income_paid[row["partner__kind"]] = (row["count"], row["net"])


def _months(period: DateRange) -> list[date]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = _month_end(month) + timedelta(days=1)
    return months


def province_dashboard(*, period: DateRange) -> Dashboard:
    """The figures of `period` and of the period before it."""
    previous = period.previous()
    both = {CURRENT: Figures(period=period), PREVIOUS: Figures(period=previous)}
    _sales(both, period, previous)
    _orders(both, period, previous)
    _trend(both[CURRENT], monthly=period.days > 62)
    _buyers(both, period, previous)
    _deliveries(both, period, previous)
    _events(both, period, previous)
    _income(both, period, previous)
    refreshed = Refresh.objects.order_by("-finished_at").values_list("finished_at", flat=True)
    return Dashboard(
        current=both[CURRENT],
        previous=both[PREVIOUS],
        # The satisfaction index is monthly: the months the period touches, as computed there.
        satisfaction=satisfaction.floor_history(_months(period)),
        refreshed_at=refreshed.first(),
    )

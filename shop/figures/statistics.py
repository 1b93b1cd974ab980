"""The periodic statistics the Ministry of Industry and Trade asks trading floors for.

Decree 52/2013/NĐ-CP on e-commerce, as amended by Decree 85/2021/NĐ-CP, has a floor's operator
report its activity to the Ministry (per quarter, half-year or year as the Ministry asks):
sellers, new sellers, listings, orders (total, successful, failed) and the value of goods sold.

For a period (shop.reporting.DateRange, whole days of the floor's calendar):

- *Sellers on the floor*: producers public and not suspended today, among those approved before
  the period ended (a producer approved later is not counted; one without an application, set
  up by the operator, always is). *New sellers*: applications approved in the period.
  *Sellers with sales*: producers with a line in a counted order placed in the period.
- *Listings on sale*: public products (canonical, of a producer on the floor) created before
  the period ended. *New listings*: products whose listing was first approved in the period,
  or created in the period by an operator (no listing to review).
- *Orders*: every order placed in the period (its date in the floor's time zone), and of those
  the counted, successful and failed ones by the one definition in shop/order/outcomes.py, as
  they stand at the last refresh of the summaries for the days before today, and as they stand
  now for today. The rest are in progress.
- *GMV*: the counted orders' goods, taxes included, shipping excluded (outcomes.py): the
  province dashboard's GMV, the same number.

Orders and sellers with sales are read from the province summaries (`shop.province.orders`):
per-day counts rebuilt by `summaries_refresh`, whose beat rebuilds the last 35 days every few
minutes (an order's outcome may change that long after it was placed); today is read live.

Who is on the floor today stands in for who was on it at the period's end: suspensions are
not kept as a history. The file says so.

Four aggregate queries, whatever the period's length (the orders' and sellers' read a year's
summaries: a few thousand rows, not a million orders).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from oscar.core.loading import get_model

from shop import exports
from shop.exports import Column, Table
from shop.province import orders as province_orders
from shop.reporting import DateRange


@dataclass(frozen=True)
class Statistics:
    period: DateRange
    sellers: int
    new_sellers: int
    selling_sellers: int
    listings: int
    new_listings: int
    orders: int
    counted_orders: int
    successful_orders: int
    failed_orders: int
    gmv: Decimal
    refreshed_at: datetime | None = None  # when the summaries the past days are read from were

    @property
    def in_progress_orders(self) -> int:
        return self.orders - self.successful_orders - self.failed_orders

    @property
    def empty(self) -> bool:
        """Nothing happened in the period: no order, no new seller, no new listing."""
        return not (self.orders or self.new_sellers or self.new_listings)


def _approvals(*, period: DateRange | None = None, after: DateRange | None = None):
    Decision = get_model("onboarding", "Decision")
    decisions = Decision.objects.filter(application__partner=OuterRef("pk"), action="approve")
    if period is not None:
        decisions = decisions.filter(
            created_at__gte=period.starts_at, created_at__lt=period.ends_at
        )
    if after is not None:
        decisions = decisions.filter(created_at__gte=after.ends_at)
    return Exists(decisions)


def _sellers(period: DateRange) -> dict:
    Partner = get_model("partner", "Partner")
    on_floor = Q(is_public=True, suspended_at__isnull=True) & ~Q(_approvals(after=period))
    return Partner.objects.aggregate(
        sellers=Count("pk", filter=on_floor),
        new_sellers=Count("pk", filter=Q(_approvals(period=period))),
    )


def _listings(period: DateRange) -> dict:
    Product = get_model("catalogue", "Product")
    ListingChange = get_model("producers", "ListingChange")
    new = ListingChange.objects.filter(product=OuterRef("pk"), kind="new")
    approved_in_period = new.filter(
        status="approved", decided_at__gte=period.starts_at, decided_at__lt=period.ends_at
    )
    created_in_period = Q(date_created__gte=period.starts_at, date_created__lt=period.ends_at)
    live = Q(
        is_public=True,
        producer__is_public=True,
        producer__suspended_at__isnull=True,
        date_created__lt=period.ends_at,
    )
    return Product.objects.filter(parent=None).aggregate(
        listings=Count("pk", filter=live),
        new_listings=Count(
            "pk",
            filter=Q(Exists(approved_in_period))
            | (created_in_period & Q(is_public=True) & ~Q(Exists(new))),
        ),
    )


def _orders(period: DateRange) -> dict:
    figures = province_orders.order_outcomes(period=period)
    return {
        "orders": figures["placed"],
        "counted_orders": figures["counted"],
        "successful_orders": figures["succeeded"],
        "failed_orders": figures["failed"],
        "gmv": figures["gmv"],
        "refreshed_at": figures["refreshed_at"],
    }


def moit_statistics(*, period: DateRange) -> Statistics:
    values = {
        **_sellers(period),
        **_listings(period),
        **_orders(period),
        "selling_sellers": province_orders.producers_who_sold(period=period),
    }
    return Statistics(period=period, **values)


# --------------------------------------------------------------------------- the report


def rows(statistics: Statistics) -> list[tuple[str, str, int | Decimal, str]]:
    """(key, indicator, value, unit) in the order the report lists them."""
    s = statistics
    sellers, listings, orders = _("sellers"), _("listings"), _("orders")
    return [
        ("sellers", _("Sellers on the floor"), s.sellers, sellers),
        ("new_sellers", _("New sellers (approved in the period)"), s.new_sellers, sellers),
        ("selling_sellers", _("Sellers with sales in the period"), s.selling_sellers, sellers),
        ("listings", _("Listings on sale"), s.listings, listings),
        ("new_listings", _("New listings (approved in the period)"), s.new_listings, listings),
        ("orders", _("Orders placed (total)"), s.orders, orders),
        (
            "counted_orders",
            _("Orders paid or confirmed for cash on delivery"),
            s.counted_orders,
            orders,
        ),
        ("successful_orders", _("Successful orders (delivered)"), s.successful_orders, orders),
        ("failed_orders", _("Failed orders (cancelled or returned)"), s.failed_orders, orders),
        ("in_progress_orders", _("Orders still in progress"), s.in_progress_orders, orders),
        ("gmv", _("Value of goods sold (GMV, tax included, shipping excluded)"), s.gmv, _("đồng")),
    ]


def freshness(statistics: Statistics) -> str:
    """How fresh the orders' figures are: the past days' come from the summaries."""
    if statistics.refreshed_at is None:
        return _("The floor's summaries have not been built yet: only today's orders are counted.")
    return _(
        "Orders placed before today are counted with their outcome as it stood when the "
        "floor's summaries were last rebuilt, at %(time)s (Asia/Ho_Chi_Minh); today's orders "
        "as they stand now."
    ) % {"time": f"{timezone.localtime(statistics.refreshed_at):%d/%m/%Y %H:%M}"}


def notes(statistics: Statistics, *, floor: str) -> list[str]:
    period = statistics.period
    lines = [
        _(
            "Periodic statistics of the e-commerce trading floor %(floor)s for the Ministry of "
            "Industry and Trade (Decree 52/2013/NĐ-CP, amended by Decree 85/2021/NĐ-CP)"
        )
        % {"floor": floor},
        _("Period: %(start)s to %(end)s")
        % {"start": f"{period.start:%d/%m/%Y}", "end": f"{period.end:%d/%m/%Y}"},
        _("Produced at %(time)s (Asia/Ho_Chi_Minh)")
        % {"time": f"{timezone.localtime():%d/%m/%Y %H:%M}"},
        _(
            "Orders are counted on the day they were placed, with their outcome at the time of "
            "this report. Sellers and listings on sale are those on the floor at the time of this "
            "report, among those approved before the period ended."
        ),
        freshness(statistics),
    ]
    if statistics.empty:
        lines.append(
            _(
                "Nothing happened on the floor in this period: no order, no new seller, "
                "no new listing."
            )
        )
    return lines


def table(statistics: Statistics, *, floor: str) -> Table:
    return Table(
        title=_("MOIT statistics"),
        columns=[
            Column("number", _("No."), exports.INT),
            Column("indicator", _("Indicator")),
            Column("unit", pgettext("statistics", "Unit")),
            Column("value", _("Figure"), exports.INT),
        ],
        rows=[
            (number, label, unit, value)
            for number, (_key, label, value, unit) in enumerate(rows(statistics), start=1)
        ],
        notes=notes(statistics, floor=floor),
    )

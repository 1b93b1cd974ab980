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
  they stand at the time of the report. The rest are in progress.
- *GMV*: the counted orders' goods, taxes included, shipping excluded (outcomes.py).

Who is on the floor today stands in for who was on it at the period's end: suspensions are
not kept as a history. The file says so.

Four aggregate queries, whatever the period's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from oscar.core.loading import get_model

from shop import exports
from shop.exports import Column, Table
from shop.order import outcomes
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
    goods = F("total_incl_tax") - F("shipping_incl_tax")
    return _placed_in(period).aggregate(
        orders=Count("pk"),
        counted_orders=Count("pk", filter=outcomes.counted()),
        successful_orders=Count("pk", filter=outcomes.succeeded()),
        failed_orders=Count("pk", filter=outcomes.failed()),
        gmv=Coalesce(Sum(goods, filter=outcomes.counted()), Decimal(0)),
    )


def _placed_in(period: DateRange):
    Order = get_model("order", "Order")
    return Order.objects.filter(date_placed__gte=period.starts_at, date_placed__lt=period.ends_at)


def _selling_sellers(period: DateRange) -> int:
    Line = get_model("order", "Line")
    counted = _placed_in(period).filter(outcomes.counted())
    return Line.objects.filter(order__in=counted.values("pk")).aggregate(
        n=Count("partner", distinct=True)
    )["n"]


def moit_statistics(*, period: DateRange) -> Statistics:
    values = {
        **_sellers(period),
        **_listings(period),
        **_orders(period),
        "selling_sellers": _selling_sellers(period),
    }
    return Statistics(period=period, gmv=Decimal(values.pop("gmv")), **values)


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

"""The Ministry's statistics read from the province summaries (`shop.province.orders`), against a
brute-force count of the orders in Python, on the known-answer floor (tests/province/conftest.py)
with late changes: a parcel returned and a cash order cancelled after the day they were placed.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from shop.figures import statistics
from shop.fulfilment.models import Shipment
from shop.order import statuses
from shop.province import selectors, services
from shop.province.models import OutcomesDay
from shop.reporting import DateRange, month_range
from tests.province.builders import Line, Order, Part, Sale, local, sales_create

pytestmark = pytest.mark.django_db
NOVEMBER = month_range(2026, 11)
COUNTED = (statuses.PAID, statuses.CASH_ON_DELIVERY)


def brute_force(period: DateRange) -> dict:
    """The orders placed in `period`, one by one, as shop/order/outcomes.py's docstring says."""
    figures = dict.fromkeys(("orders", "counted", "succeeded", "failed"), 0)
    figures["gmv"], sellers = Decimal(0), set()
    for order in Order.objects.all():
        if not period.start <= timezone.localtime(order.date_placed).date() <= period.end:
            continue
        parcels = list(Shipment.objects.filter(order=order).values_list("status", flat=True))
        counted = order.status in COUNTED
        figures["orders"] += 1
        if counted:
            figures["counted"] += 1
            figures["gmv"] += order.total_incl_tax - order.shipping_incl_tax
            sellers |= set(Line.objects.filter(order=order).values_list("partner_id", flat=True))
            finished = (Shipment.Status.DELIVERED, Shipment.Status.CANCELLED)
            if Shipment.Status.DELIVERED in parcels and all(p in finished for p in parcels):
                figures["succeeded"] += 1
        if order.status == statuses.CANCELLED or Shipment.Status.RETURNED in parcels:
            figures["failed"] += 1
    figures["sellers"] = len(sellers - {None})
    return figures


def read(period: DateRange) -> dict:
    s = statistics.moit_statistics(period=period)
    return {
        "orders": s.orders,
        "counted": s.counted_orders,
        "succeeded": s.successful_orders,
        "failed": s.failed_orders,
        "gmv": s.gmv,
        "sellers": s.selling_sellers,
    }


def test_the_statistics_and_the_dashboard_say_the_same_gmv_and_orders(floor):
    figures = statistics.moit_statistics(period=NOVEMBER)
    board = selectors.province_dashboard(period=NOVEMBER).current
    # o1, o2, o3 counted; the pending and the cancelled order placed, not counted.
    assert (figures.orders, figures.counted_orders) == (5, 3)
    assert (figures.successful_orders, figures.failed_orders) == (2, 1)
    assert figures.gmv == board.gmv == board.sales.gmv == Decimal(1_000_000)
    assert figures.counted_orders == board.orders
    assert figures.selling_sellers == board.sales.producers == 2


@pytest.mark.parametrize(
    ("first", "last"),
    [
        # whole months, odd days (A sold on 1 and 3 November: two rows of A), and both
        ((2026, 11, 1), (2026, 11, 30)),
        ((2026, 11, 1), (2026, 11, 15)),
        ((2026, 9, 1), (2026, 11, 30)),
        ((2026, 10, 15), (2026, 12, 2)),
        ((2026, 11, 4), (2026, 11, 9)),
    ],
)
def test_any_period_equals_a_brute_force_count(floor, first, last):
    period = DateRange(date(*first), date(*last))
    assert read(period) == brute_force(period)


def test_late_changes_count_once_the_days_are_rebuilt(floor, django_assert_max_num_queries):
    honey, tea = floor["honey"], floor["tea"]
    late = Sale(
        local(2026, 11, 20, 9),
        [Part(tea, 2, status=Shipment.Status.CONFIRMED)],
        status=statuses.CASH_ON_DELIVERY,
        method="cod",
    )
    sales_create([late])
    services.summaries_refresh(first=NOVEMBER.start, last=NOVEMBER.end)
    before = read(NOVEMBER)
    assert before == brute_force(NOVEMBER)
    assert (before["counted"], before["succeeded"], before["failed"]) == (4, 2, 1)

    # December: o2's parcel comes back to its producer, the late cash order is cancelled.
    Shipment.objects.filter(order=floor["o2"].order).update(status=Shipment.Status.RETURNED)
    Order.objects.filter(pk=late.order.pk).update(status=statuses.CANCELLED)
    Shipment.objects.filter(order=late.order).update(status=Shipment.Status.CANCELLED)
    assert read(NOVEMBER) == before  # the past days: as they stood at the last refresh

    services.summaries_refresh(first=NOVEMBER.start, last=NOVEMBER.end)
    after = read(NOVEMBER)
    assert after == brute_force(NOVEMBER)
    assert (after["counted"], after["succeeded"], after["failed"]) == (3, 1, 3)
    assert after["gmv"] == Decimal(1_000_000)  # o2 still counts: paid for, then returned
    assert OutcomesDay.objects.get(day=late.placed.date()).failed == 1

    # Today's orders are read live, before any refresh; the budget holds across both sources.
    now = timezone.localtime()
    today = Sale(now - timedelta(seconds=1), [Part(honey, 3, status=Shipment.Status.PENDING)])
    sales_create([today])
    period = DateRange(NOVEMBER.start, now.date())
    with django_assert_max_num_queries(4):
        figures = statistics.moit_statistics(period=period)
    assert figures.refreshed_at is not None
    assert read(period) == brute_force(period)
    assert read(DateRange(now.date(), now.date()))["gmv"] == Decimal(600_000)


def test_the_files_say_when_the_summaries_were_rebuilt(floor):
    figures = statistics.moit_statistics(period=NOVEMBER)
    with translation.override("en"):
        notes = statistics.notes(figures, floor="Chợ Phiên")
    stamp = f"{timezone.localtime(figures.refreshed_at):%d/%m/%Y %H:%M}"
    assert any(stamp in note and "today" in note for note in notes)

"""The province dashboard's figures against the known-answer floor (tests/province/conftest.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from shop.order import statuses
from shop.province import selectors, services, tables
from shop.province.models import BuyerDay, OrdersDay, SalesDay
from shop.reporting import month_range

pytestmark = pytest.mark.django_db
NOVEMBER = month_range(2026, 11)


def rows_of(table) -> dict:
    return {row[0]: list(row[1:]) for row in table.rows}


def test_headline_figures_and_the_previous_month(floor):
    board = selectors.province_dashboard(period=NOVEMBER)
    now, before = board.current, board.previous
    assert before.period == month_range(2026, 10)
    assert (now.orders, now.gmv, now.buyers) == (3, Decimal(1_000_000), 2)
    assert (before.orders, before.gmv, before.buyers) == (1, Decimal(200_000), 1)
    assert (now.sales.producers, before.sales.producers) == (2, 1)
    assert (now.sales.units, now.sales.traced_units) == (7, 2)
    assert (now.new_producers, before.new_producers) == (1, 0)
    assert (now.new_listings, before.new_listings) == (1, 0)
    assert now.income_paid == {"household": (1, Decimal(500_000))}
    assert before.income_paid == {"cooperative": (1, Decimal(300_000))}


def test_breakdowns_by_origin_category_type_and_stars(floor):
    with translation.override("en"):
        built = tables.build(selectors.province_dashboard(period=NOVEMBER))
    t = built.tables
    change = Decimal(400_000) / Decimal(200_000)  # 600,000 against 200,000
    assert rows_of(t["province"]) == {
        "Tuyên Quang Province": [Decimal(1_000_000), Decimal(200_000), 4, 7, 2]
    }
    communes = rows_of(t["commune"])
    assert [name.split(",")[0] for name in communes] == ["Đồng Văn Commune", "Mèo Vạc Commune"]
    assert list(communes.values()) == [
        [Decimal(600_000), Decimal(200_000), change, 3, 1],
        [Decimal(400_000), Decimal(0), None, 4, 1],
    ]
    assert rows_of(t["category"]) == {
        "Mật ong": [Decimal(600_000), Decimal(200_000), change, 3, 1],
        "Chè": [Decimal(400_000), Decimal(0), None, 4, 1],
    }
    assert list(rows_of(t["kind"])) == ["Household", "Cooperative"]
    assert rows_of(t["stars"]) == {
        "OCOP 4★": [Decimal(600_000), Decimal(200_000), change, 3, 1],
        "Not OCOP-rated": [Decimal(400_000), Decimal(0), None, 4, 1],
    }


def test_payment_mix_deliveries_income_and_traceability(floor):
    with translation.override("en"):
        built = tables.build(selectors.province_dashboard(period=NOVEMBER))
    t = built.tables
    third = Decimal(1) / 3
    payments = rows_of(t["payments"])
    assert payments["VNPay"] == [1, third, Decimal(400_000), 1, Decimal(0)]
    assert payments["Cash on delivery"] == [1, third, Decimal(100_000), 0, None]
    assert payments["Bank transfer (VietQR)"] == [1, third, Decimal(500_000), 0, None]
    assert rows_of(t["deliveries"]) == {
        "ghn": [2, 24, 24, 28, 32, Decimal(1), Decimal(0)],
        "ghtk": [1, 60, 60, 70, 70, Decimal(0), None],
    }
    assert rows_of(t["income"]) == {
        "Household": [1, Decimal(500_000), Decimal(0), None],
        "Cooperative": [0, Decimal(0), Decimal(300_000), Decimal(-1)],
    }
    trace = rows_of(t["traceability"])
    assert trace["The whole floor"] == [7, 2, Decimal(2) / 7, Decimal(0)]
    assert trace["Chè"] == [4, 0, Decimal(0), None]
    rates = rows_of(t["rates"])
    assert rates["Delivered by the quoted date"] == [Decimal(2) / 3, Decimal(0), Decimal(2) / 3]
    summary = rows_of(t["summary"])
    assert summary["Sales (GMV, ₫)"] == [Decimal(1_000_000), Decimal(200_000), 4]
    assert summary["Paying buyers"] == [2, 1, 1]
    assert summary["Income paid to producers (₫)"][:2] == [Decimal(500_000), Decimal(300_000)]
    trend = rows_of(t["trend"])  # per day in a month
    assert trend == {
        date(2026, 11, 1): [1, Decimal(500_000)],
        date(2026, 11, 3): [1, Decimal(400_000)],
        date(2026, 11, 10): [1, Decimal(100_000)],
    }
    assert built.charts["payments"]["series"][0]["values"] == [1, 1, 1]


def test_a_long_period_trends_by_month_and_compares_with_the_one_before():
    period = NOVEMBER.__class__(date(2026, 1, 1), date(2026, 12, 31))
    board = selectors.province_dashboard(period=period)
    assert board.previous.period.start == date(2025, 1, 1)
    assert board.current.orders == 0 and board.current.trend == {}


def test_a_refresh_replaces_the_days_it_covers(floor):
    counts = (SalesDay.objects.count(), OrdersDay.objects.count(), BuyerDay.objects.count())
    services.summaries_refresh(first=date(2026, 9, 1), last=date(2026, 12, 31))
    assert (SalesDay.objects.count(), OrdersDay.objects.count(), BuyerDay.objects.count()) == counts
    order = floor["o2"].order
    order.status = statuses.CANCELLED  # the cash order refused at the door
    order.save(update_fields=["status"])
    assert selectors.province_dashboard(period=NOVEMBER).current.orders == 3  # until refreshed
    call_command("province_refresh", "--since", "2026-11-01", "--until", "2026-11-30")
    now = selectors.province_dashboard(period=NOVEMBER).current
    assert (now.orders, now.gmv, now.buyers) == (2, Decimal(900_000), 2)


def test_the_command_refuses_a_range_that_ends_before_it_starts(db):
    with pytest.raises(CommandError):
        call_command("province_refresh", "--since", "2026-11-02", "--until", "2026-11-01")


def test_the_beat_task_rebuilds_the_recent_days(db, settings):
    from shop.province import tasks
    from shop.province.models import Refresh

    settings.PROVINCE_REFRESH_DAYS = 3
    assert "province-summaries" in settings.CELERY_BEAT_SCHEDULE
    tasks.summaries_refresh()
    done = Refresh.objects.get()
    assert (done.last_day - done.first_day).days == 2


def test_the_refresh_log_keeps_a_month(db):
    from datetime import timedelta

    from django.utils import timezone

    from shop.province.models import Refresh

    old = Refresh.objects.create(
        first_day=date(2026, 1, 1),
        last_day=date(2026, 1, 1),
        finished_at=timezone.now() - timedelta(days=31),
    )
    done = services.summaries_refresh(first=date(2026, 1, 1), last=date(2026, 1, 2))
    assert list(Refresh.objects.all()) == [done] and old.pk != done.pk


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ((2026, 11, 1), (2026, 11, 30), [("month", (2026, 11, 1), (2026, 11, 1))]),
        ((2026, 11, 3), (2026, 11, 20), [("day", (2026, 11, 3), (2026, 11, 20))]),
        (
            (2026, 10, 15),
            (2027, 1, 10),
            [
                ("day", (2026, 10, 15), (2026, 10, 31)),
                ("month", (2026, 11, 1), (2026, 12, 1)),
                ("day", (2027, 1, 1), (2027, 1, 10)),
            ],
        ),
    ],
)
def test_a_period_reads_whole_months_from_the_monthly_tables(first, last, expected):
    from shop.reporting import DateRange

    parts = selectors.segments(DateRange(date(*first), date(*last)))
    assert parts == [(kind, date(*a), date(*b)) for kind, a, b in expected]


def test_odd_days_and_whole_months_add_up_the_same(floor):
    """1 to 10 November (days) against 22 to 31 October (days): o1, o2, o3 and p1 fall in
    them; and October to November read as two whole months."""
    from shop.reporting import DateRange

    board = selectors.province_dashboard(period=DateRange(date(2026, 11, 1), date(2026, 11, 10)))
    assert (board.current.sales.gmv, board.current.sales.units) == (Decimal(1_000_000), 7)
    assert board.current.deliveries["ghn"].on_time == 2
    assert board.previous.period == DateRange(date(2026, 10, 22), date(2026, 10, 31))
    assert board.previous.sales.gmv == 0 and board.previous.deliveries == {}
    two = selectors.province_dashboard(period=DateRange(date(2026, 10, 1), date(2026, 11, 30)))
    assert (two.current.sales.gmv, two.current.sales.units) == (Decimal(1_200_000), 8)
    assert two.current.deliveries["ghn"].delivered == 3
    assert two.current.buyers == 3 and two.current.orders == 4

"""Distinct paying buyers from the bitsets against a brute-force COUNT(DISTINCT) over the orders.

The floor: users and guests (a guest is the same buyer whatever the case of the e-mail address),
an order late in the evening (the local day, not UTC's), orders not counted (awaiting payment,
cancelled), refreshed in two overlapping parts, the second bringing more new buyers than the
bitsets have room for (they are widened).
"""

import itertools
from datetime import date

import pytest
from django.db import connection
from oscar.core.loading import get_model

from shop.fulfilment.models import Shipment
from shop.order import statuses
from shop.order.outcomes import COUNTED_STATUSES
from shop.province import selectors, services
from shop.province.models import BuyerBitsDay, BuyerBitsMonth, BuyerKey
from shop.reporting import DateRange
from tests import factories
from tests.province.builders import Part, Sale, buyer, local, sales_create

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")

BRUTE_FORCE = """
SELECT COUNT(DISTINCT COALESCE(user_id::text, 'guest ' || LOWER(guest_email)))
FROM {order} WHERE status = ANY(%s) AND date_placed >= %s AND date_placed < %s
"""


def brute_force(period: DateRange) -> int:
    """The counted orders' distinct buyers: the user, or the guest's address in lower case."""
    with connection.cursor() as cursor:
        cursor.execute(
            BRUTE_FORCE.format(order=Order._meta.db_table),
            [list(COUNTED_STATUSES), period.starts_at, period.ends_at],
        )
        return cursor.fetchone()[0]


def widths() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT LENGTH(bits) FROM {BuyerBitsDay._meta.db_table} UNION "  # noqa: S608
            f"SELECT LENGTH(bits) FROM {BuyerBitsMonth._meta.db_table}"
        )
        return {width for (width,) in cursor.fetchall()}


def sale(product, when, *, user=None, guest="", status=statuses.PAID):
    return Sale(
        when,
        [Part(product, 1, status=Shipment.Status.PENDING)],
        status=status,
        user=user,
        guest_email=guest,
    )


# Days a period starts or ends on: first and last days of months, and odd days between them.
EDGES = [
    date(2026, 9, 30),
    date(2026, 10, 1),
    date(2026, 10, 2),
    date(2026, 10, 15),
    date(2026, 10, 31),
    date(2026, 11, 1),
    date(2026, 11, 14),
    date(2026, 11, 15),
    date(2026, 11, 30),
    date(2026, 12, 1),
    date(2026, 12, 20),
    date(2026, 12, 31),
]


def test_the_bitsets_count_what_count_distinct_counts(monkeypatch):
    monkeypatch.setattr(services, "BITS_STEP", 4)  # 4 buyers a bitset, then wider
    monkeypatch.setattr(services, "BITS_HEADROOM", 1.0)
    honey = factories.product("Mật ong bạc hà", price="200000", maker=factories.producer())
    u1, u2, u3, u4, u5, u6 = (buyer(f"u{n}@example.com") for n in range(1, 7))
    sales_create(
        [
            sale(honey, local(2026, 10, 1, 9), user=u1),
            sale(honey, local(2026, 10, 2, 9), user=u1),
            sale(honey, local(2026, 10, 15, 9), user=u2),
            sale(honey, local(2026, 10, 31, 23, 30), guest="Khach.Le@example.com"),
            sale(honey, local(2026, 10, 20), user=u5, status=statuses.CANCELLED),
        ]
    )
    services.summaries_refresh(first=date(2026, 9, 1), last=date(2026, 11, 30))
    assert BuyerKey.objects.count() == 3 and widths() == {4}
    # More buyers: the guest again (another case), new users and guests, only some counted.
    sales_create(
        [
            sale(honey, local(2026, 11, 1, 0, 30), guest="khach.le@EXAMPLE.com"),
            sale(honey, local(2026, 11, 14, 20), user=u3, status=statuses.CASH_ON_DELIVERY),
            sale(honey, local(2026, 11, 15, 8), user=u4),
            sale(honey, local(2026, 11, 15, 9), user=u1),
            sale(honey, local(2026, 11, 30, 23, 59), guest="an@example.com"),
            sale(honey, local(2026, 12, 1, 0, 1), guest="binh@example.com"),
            sale(honey, local(2026, 12, 20), user=u6, status=statuses.PENDING_PAYMENT),
            sale(honey, local(2026, 12, 31, 22), user=u2),
        ]
    )
    services.summaries_refresh(first=date(2026, 11, 15), last=date(2026, 12, 31))
    # 1 to 14 November were not refreshed again: u3 is not in them yet.
    assert BuyerKey.objects.count() == 6 and widths() == {8}
    services.summaries_refresh(first=date(2026, 11, 1), last=date(2026, 11, 14))
    assert BuyerKey.objects.count() == 7 and widths() == {8}

    assert brute_force(DateRange(date(2026, 9, 30), date(2026, 12, 31))) == 7
    checked = 0
    for start, end in itertools.combinations_with_replacement(EDGES, 2):
        board = selectors.province_dashboard(period=DateRange(start, end))
        for figures in (board.current, board.previous):
            assert figures.buyers == brute_force(figures.period), figures.period
            checked += 1
    assert checked == 2 * len(EDGES) * (len(EDGES) + 1) // 2


def test_a_rebuild_longer_than_the_beats_leaves_fresh_statistics(floor):
    """The summary tables are analysed after the floor's rebuild (four months): the planner
    knows how many rows they hold."""
    with connection.cursor() as cursor:
        for table in services.SUMMARIES:
            name = services._tables()[table]
            cursor.execute(
                f"SELECT reltuples, (SELECT COUNT(*) FROM {name}) FROM pg_class "  # noqa: S608
                "WHERE relname = %s",
                [name],
            )
            estimate, rows = cursor.fetchone()
            assert estimate == rows, name

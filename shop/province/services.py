"""Rebuilding the province dashboard's summary tables from the orders.

`summaries_refresh(first=, last=)` replaces the rows of those days (local calendar days,
Asia/Ho_Chi_Minh) with what the orders, shipments, payments and lots say now, in one
transaction: a DELETE and an INSERT … SELECT … GROUP BY per table (the orders' outcomes
included), whatever the number of orders. An order counts as `shop.order.outcomes` says (paid,
or confirmed for cash on delivery) on the day it was placed; a shipment on the day it was
delivered.

The paying buyers are also kept as bitsets (`BuyerBitsDay`, `BuyerBitsMonth`: one bit per buyer,
at the buyer's position in the `BuyerKey` dictionary), built in SQL from the days' `BuyerDay`
rows, so that a period's distinct buyers are one `bit_count(bit_or(…))` over a few dozen rows.
A rebuild longer than the beat's ends with ANALYZE of the summary tables.

What changes after the day (a cash order cancelled, a lot anchored a week later, a parcel
delivered) is picked up because the beat task rebuilds the last `PROVINCE_REFRESH_DAYS` days
every `PROVINCE_REFRESH_MINUTES`: 35 days, as long as an order's outcome may still change (a
cash order cancelled, a parcel delivered or returned); `OutcomesDay`, what the Ministry's
statistics read, relies on it. `manage.py province_refresh --since 2025-01-01` rebuilds older
days.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import AttemptStatus, PaymentAttempt
from shop.fulfilment.models import Shipment
from shop.order.outcomes import COUNTED_STATUSES
from shop.province.models import (
    BuyerBitsDay,
    BuyerBitsMonth,
    BuyerDay,
    BuyerKey,
    DeliveryDay,
    DeliveryMonth,
    OrdersDay,
    OutcomesDay,
    Refresh,
    SalesDay,
    SalesMonth,
)
from shop.province.orders import outcomes_per_day
from shop.reporting import DateRange, month_range
from traceability.models import AnchorBatch, BizStep, Event, LotHead, LotShipment

HOURS_CAP = 24 * 30  # a parcel slower than a month counts as a month in the histogram
REFRESH_LOG_DAYS = 30
# The buyers' bitsets: their length is a multiple of BITS_STEP (of 4: they are written in hex)
# with BITS_HEADROOM over the dictionary, so that they are widened now and then, not daily.
BITS_STEP = 4096
BITS_HEADROOM = 1.25


SUMMARIES = (
    "sales",
    "orders",
    "buyers",
    "deliveries",
    "sales_month",
    "deliveries_month",
    "keys",
    "bits",
    "bits_month",
)


def _tables() -> dict[str, str]:
    model = get_model
    return {
        "order": model("order", "Order")._meta.db_table,
        "line": model("order", "Line")._meta.db_table,
        "product": model("catalogue", "Product")._meta.db_table,
        "category": model("catalogue", "Category")._meta.db_table,
        "product_category": model("catalogue", "ProductCategory")._meta.db_table,
        "shipment": Shipment._meta.db_table,
        "attempt": PaymentAttempt._meta.db_table,
        "lot_shipment": LotShipment._meta.db_table,
        "lot_head": LotHead._meta.db_table,
        "batch": AnchorBatch._meta.db_table,
        "event": Event._meta.db_table,
        "sales": SalesDay._meta.db_table,
        "orders": OrdersDay._meta.db_table,
        "buyers": BuyerDay._meta.db_table,
        "deliveries": DeliveryDay._meta.db_table,
        "sales_month": SalesMonth._meta.db_table,
        "deliveries_month": DeliveryMonth._meta.db_table,
        "keys": BuyerKey._meta.db_table,
        "bits": BuyerBitsDay._meta.db_table,
        "bits_month": BuyerBitsMonth._meta.db_table,
    }


# Lines of counted orders placed in [start, end): per day, producer, top-level category, stars.
SALES_SQL = """
INSERT INTO {sales} (day, partner_id, category_id, ocop_stars, gmv, units, traced_units)
SELECT (o.date_placed AT TIME ZONE %(zone)s)::date, l.partner_id,
       COALESCE(top.id, 0), COALESCE(COALESCE(parent.ocop_stars, p.ocop_stars), 0),
       SUM(l.line_price_incl_tax), SUM(l.quantity),
       SUM(LEAST(l.quantity, COALESCE(traced.quantity, 0)))
FROM {line} l
JOIN {order} o ON o.id = l.order_id
LEFT JOIN {product} p ON p.id = l.product_id
LEFT JOIN {product} parent ON parent.id = p.parent_id
LEFT JOIN LATERAL (
    SELECT MIN(c.path) AS path FROM {product_category} pc JOIN {category} c ON c.id = pc.category_id
    WHERE pc.product_id = COALESCE(p.parent_id, p.id)
) cat ON TRUE
LEFT JOIN {category} top ON top.path = SUBSTRING(cat.path FROM 1 FOR %(steplen)s)
LEFT JOIN LATERAL (
    SELECT SUM(ls.quantity) AS quantity FROM {lot_shipment} ls
    WHERE ls.order_line_id = l.id
      AND EXISTS (SELECT 1 FROM {lot_head} h JOIN {batch} b ON b.id = h.batch_id
                  WHERE h.lot_id = ls.lot_id AND b.state = %(confirmed)s)
      AND EXISTS (SELECT 1 FROM {event} e
                  WHERE e.lot_id = ls.lot_id AND e.biz_step = %(inspecting)s)
) traced ON TRUE
WHERE o.date_placed >= %(start)s AND o.date_placed < %(end)s AND o.status = ANY(%(counted)s)
  AND l.partner_id IS NOT NULL
GROUP BY 1, 2, 3, 4
"""

# Counted orders per day and payment method (the paid attempt's, else the latest one's); their
# GMV is the order's total less shipping (goods incl. tax, after discounts).
ORDERS_SQL = """
INSERT INTO {orders} (day, method, orders, gmv)
SELECT (o.date_placed AT TIME ZONE %(zone)s)::date,
       COALESCE(pay.method, ''), COUNT(*), SUM(o.total_incl_tax - o.shipping_incl_tax)
FROM {order} o
LEFT JOIN LATERAL (
    SELECT a.method FROM {attempt} a WHERE a.order_id = o.id
    ORDER BY (a.status = %(paid)s) DESC, a.created_at DESC, a.id DESC LIMIT 1
) pay ON TRUE
WHERE o.date_placed >= %(start)s AND o.date_placed < %(end)s AND o.status = ANY(%(counted)s)
GROUP BY 1, 2
"""

BUYERS_SQL = """
INSERT INTO {buyers} (day, buyer)
SELECT DISTINCT (o.date_placed AT TIME ZONE %(zone)s)::date,
       COALESCE(o.user_id::bigint, -1 - ABS(hashtextextended(LOWER(o.guest_email), 0) / 2))
FROM {order} o
WHERE o.date_placed >= %(start)s AND o.date_placed < %(end)s AND o.status = ANY(%(counted)s)
"""

# Delivered shipments: hours from shipping (when known) and from the order, and the promise.
DELIVERIES_SQL = """
INSERT INTO {deliveries} (day, carrier, basis, hours, shipments, quoted, on_time)
SELECT day, carrier, basis, hours, COUNT(*), SUM(quoted), SUM(on_time)
FROM (
    SELECT (s.delivered_at AT TIME ZONE %(zone)s)::date AS day,
           COALESCE(NULLIF(s.carrier, ''), s.quoted_carrier) AS carrier,
           v.basis, LEAST(%(cap)s, GREATEST(0, FLOOR(EXTRACT(EPOCH FROM s.delivered_at - v.since)
                                                     / 3600)))::int AS hours,
           v.quoted, v.on_time
    FROM {shipment} s
    JOIN {order} o ON o.id = s.order_id
    CROSS JOIN LATERAL (VALUES
        ('shipped', s.shipped_at, 0, 0),
        ('placed', o.date_placed,
         (s.expected_delivery IS NOT NULL)::int,
         COALESCE((s.delivered_at AT TIME ZONE %(zone)s)::date <= s.expected_delivery,
                  FALSE)::int)
    ) AS v(basis, since, quoted, on_time)
    WHERE s.status = %(delivered)s AND s.delivered_at >= %(start)s AND s.delivered_at < %(end)s
      AND v.since IS NOT NULL
) d
GROUP BY 1, 2, 3, 4
"""


# The months the days touch, added up again from the daily rows.
SALES_MONTH_SQL = """
INSERT INTO {sales_month} (day, partner_id, category_id, ocop_stars, gmv, units, traced_units)
SELECT DATE_TRUNC('month', day)::date, partner_id, category_id, ocop_stars,
       SUM(gmv), SUM(units), SUM(traced_units)
FROM {sales} WHERE day >= %(first_month)s AND day <= %(last_month_end)s
GROUP BY 1, 2, 3, 4
"""
DELIVERIES_MONTH_SQL = """
INSERT INTO {deliveries_month} (day, carrier, basis, hours, shipments, quoted, on_time)
SELECT DATE_TRUNC('month', day)::date, carrier, basis, hours,
       SUM(shipments), SUM(quoted), SUM(on_time)
FROM {deliveries} WHERE day >= %(first_month)s AND day <= %(last_month_end)s
GROUP BY 1, 2, 3, 4
"""

# The buyers' dictionary: the days' buyers not in it yet get the next positions.
KEYS_SQL = """
INSERT INTO {keys} (buyer, position)
SELECT buyer, base + ROW_NUMBER() OVER (ORDER BY buyer) - 1
FROM (
    SELECT DISTINCT b.buyer FROM {buyers} b
    WHERE b.day >= %(first)s AND b.day <= %(last)s
      AND NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.buyer = b.buyer)
) seen
CROSS JOIN (SELECT COALESCE(MAX(position) + 1, 0) AS base FROM {keys}) counter
"""

# A day's bitset, written in hex: each hex digit holds 4 positions (the leftmost bit is the
# lowest position), the digits between the set ones are zeros, and so are those after the last.
BITS_SQL = """
INSERT INTO {bits} (day, bits)
SELECT day,
       ('x' || STRING_AGG(REPEAT('0', gap) || digit, '' ORDER BY nibble)
        || REPEAT('0', %(digits)s - MAX(nibble) - 1))::bit varying
FROM (
    SELECT day, nibble, digit,
           nibble - COALESCE(LAG(nibble) OVER (PARTITION BY day ORDER BY nibble), -1) - 1 AS gap
    FROM (
        SELECT b.day, k.position / 4 AS nibble, TO_HEX(SUM(8 >> (k.position %% 4))) AS digit
        FROM {buyers} b JOIN {keys} k ON k.buyer = b.buyer
        WHERE b.day >= %(first)s AND b.day <= %(last)s
        GROUP BY 1, 2
    ) digits
) runs
GROUP BY day
"""

BITS_MONTH_SQL = """
INSERT INTO {bits_month} (day, bits)
SELECT DATE_TRUNC('month', day)::date, BIT_OR(bits)
FROM {bits} WHERE day >= %(first_month)s AND day <= %(last_month_end)s
GROUP BY 1
"""


def _bits_width(cursor, tables: dict[str, str]) -> int:
    """The bitsets' length now (0 when there are none)."""
    cursor.execute(
        f"SELECT GREATEST((SELECT LENGTH(bits) FROM {tables['bits']} LIMIT 1),"  # noqa: S608
        f" (SELECT LENGTH(bits) FROM {tables['bits_month']} LIMIT 1))"
    )
    return cursor.fetchone()[0] or 0


def _buyer_bits_refresh(cursor, tables: dict[str, str], first: date, last: date) -> None:
    """Rebuild the buyers' bitsets of the days `first` to `last` from their BuyerDay rows
    (already rebuilt), adding their new buyers to the dictionary and widening every bitset
    first if it outgrew them. The months' bitsets are rebuilt by the caller."""
    days = {"first": first, "last": last}
    BuyerBitsDay.objects.filter(day__gte=first, day__lte=last).delete()
    cursor.execute(KEYS_SQL.format(**tables), days)
    cursor.execute(f"SELECT COUNT(*) FROM {tables['keys']}")  # noqa: S608
    needed = cursor.fetchone()[0]
    width = _bits_width(cursor, tables)
    if needed > width:
        steps = -(-int(needed * BITS_HEADROOM) // BITS_STEP)
        width = max(steps * BITS_STEP, BITS_STEP)
        for table in (tables["bits"], tables["bits_month"]):
            # Casting to bit(n) pads with zeros on the right: every position keeps its bit.
            cursor.execute(
                f"UPDATE {table} SET bits = bits::bit({width})::bit varying"  # noqa: S608
            )
    cursor.execute(BITS_SQL.format(**tables), {**days, "digits": width // 4})


def _outcomes_refresh(cursor, period: DateRange) -> None:
    """Every order placed in `period`, per day and outcome (`shop.province.orders`), as the
    orders and their parcels stand now: an order cancelled or returned after its day is
    counted as failed from the first refresh of its day that follows."""
    OutcomesDay.objects.filter(day__gte=period.start, day__lte=period.end).delete()
    select, params = outcomes_per_day(period=period).query.sql_with_params()
    table = OutcomesDay._meta.db_table
    cursor.execute(
        f"INSERT INTO {table} (day, placed, counted, succeeded, failed, gmv) {select}",  # noqa: S608
        params,
    )


def summaries_refresh(*, first: date, last: date) -> Refresh:
    """Rebuild the summaries of the days `first` to `last` (inclusive)."""
    Category = get_model("catalogue", "Category")
    period = DateRange(first, last)
    params = {
        "zone": settings.TIME_ZONE,
        "start": period.starts_at,
        "end": period.ends_at,
        "counted": list(COUNTED_STATUSES),
        "paid": AttemptStatus.PAID.value,
        "delivered": Shipment.Status.DELIVERED.value,
        "confirmed": AnchorBatch.State.CONFIRMED.value,
        "inspecting": BizStep.INSPECTING.value,
        "steplen": Category.steplen,
        "cap": HOURS_CAP,
    }
    tables = _tables()
    began = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        # One refresh at a time: the dictionary's new positions are MAX + 1, MAX + 2, …
        cursor.execute(f"LOCK TABLE {tables['keys']} IN SHARE ROW EXCLUSIVE MODE")
        for model in (SalesDay, OrdersDay, BuyerDay, DeliveryDay):
            model.objects.filter(day__gte=first, day__lte=last).delete()
        for sql in (SALES_SQL, ORDERS_SQL, BUYERS_SQL, DELIVERIES_SQL):
            cursor.execute(sql.format(**tables), params)
        _outcomes_refresh(cursor, period)
        _buyer_bits_refresh(cursor, tables, first, last)
        months = {
            "first_month": first.replace(day=1),
            "last_month_end": month_range(last.year, last.month).end,
        }
        for model in (SalesMonth, DeliveryMonth, BuyerBitsMonth):
            model.objects.filter(day__gte=months["first_month"], day__lte=last).delete()
        for sql in (SALES_MONTH_SQL, DELIVERIES_MONTH_SQL, BITS_MONTH_SQL):
            cursor.execute(sql.format(**tables), months)
        now = timezone.now()
        # The log of refreshes: a month of it is enough to see how long they take.
        Refresh.objects.filter(finished_at__lt=now - timedelta(days=REFRESH_LOG_DAYS)).delete()
        done = Refresh.objects.create(
            first_day=first, last_day=last, finished_at=now, seconds=time.monotonic() - began
        )
    if period.days > settings.PROVINCE_REFRESH_DAYS:
        # A rebuild longer than the beat's changes much of the tables: fresh statistics for
        # the planner (autovacuum would get to it later, and the dashboard is read now).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables[name] for name in SUMMARIES)}")
    return done


def summaries_refresh_recent(*, days: int | None = None) -> Refresh:
    """The beat task's refresh: today and the days before it that may still change."""
    days = days or settings.PROVINCE_REFRESH_DAYS
    today = timezone.localdate()
    return summaries_refresh(first=today - timedelta(days=days - 1), last=today)

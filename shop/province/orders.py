"""Orders per day by outcome (`OutcomesDay`), and a period's orders and selling producers read
from the summaries: what the Ministry's statistics (`shop.figures.statistics`) count.

`outcomes_per_day` is the one query, grouped in SQL with `shop.order.outcomes`' expressions:
`shop.province.services.summaries_refresh` inserts its rows, and the readers below run it live
for today. The days before today are read from the summaries as they stood at the last refresh
(the beat rebuilds the last `PROVINCE_REFRESH_DAYS` = 35 days every few minutes: a cash order
cancelled or a parcel returned within that window is picked up; older days are rebuilt with
`manage.py province_refresh --since …`); today and later are read from the orders themselves,
so an order placed a minute ago is counted. One query each, whatever the period's length.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from oscar.core.loading import get_model

from shop.order import outcomes
from shop.province.models import OutcomesDay, Refresh, SalesDay, SalesMonth
from shop.province.selectors import segments
from shop.reporting import DateRange, local_zone

FIGURES = ("placed", "counted", "succeeded", "failed", "gmv")


def _placed_in(period: DateRange):
    Order = get_model("order", "Order")
    return Order.objects.filter(date_placed__gte=period.starts_at, date_placed__lt=period.ends_at)


def outcomes_per_day(*, period: DateRange):
    """Orders placed on each day of `period`: (day, placed, counted, succeeded, failed, gmv),
    in that column order (the INSERT relies on it). GMV: counted orders' goods incl. tax,
    shipping excluded."""
    goods = F("total_incl_tax") - F("shipping_incl_tax")
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=0))
    return (
        _placed_in(period)
        .annotate(day=TruncDate("date_placed", tzinfo=local_zone()))
        .values("day")
        .annotate(
            placed=Count("pk"),
            counted=Count("pk", filter=outcomes.counted()),
            succeeded=Count("pk", filter=outcomes.succeeded()),
            failed=Count("pk", filter=outcomes.failed()),
            gmv=Coalesce(Sum(goods, filter=outcomes.counted()), zero),
        )
        .values_list("day", *FIGURES)
        .order_by()
    )


def _split(period: DateRange) -> tuple[DateRange | None, DateRange | None]:
    """The days of `period` read from the summaries (before today), and those read live."""
    today = timezone.localdate()
    summarised = live = None
    if period.start < today:
        summarised = DateRange(period.start, min(period.end, today - timedelta(days=1)))
    if period.end >= today:
        live = DateRange(max(period.start, today), period.end)
    return summarised, live


OUTCOMES_SQL = """
SELECT {sums}, (SELECT MAX(finished_at) FROM {refresh})
FROM ({union}) o
"""


def order_outcomes(*, period: DateRange) -> dict:
    """The orders placed in `period`: placed, counted, succeeded, failed, gmv, and
    `refreshed_at` (when the summaries were last rebuilt; None if never)."""
    summarised, live = _split(period)
    columns = ", ".join(FIGURES)
    parts, params = [], []
    if summarised is not None:
        table = OutcomesDay._meta.db_table
        parts.append(f"SELECT {columns} FROM {table} WHERE day >= %s AND day <= %s")  # noqa: S608
        params += [summarised.start, summarised.end]
    if live is not None:
        sql, live_params = outcomes_per_day(period=live).query.sql_with_params()
        parts.append(f"SELECT {columns} FROM ({sql}) today")  # noqa: S608
        params += live_params
    sums = ", ".join(f"COALESCE(SUM({name}), 0)" for name in FIGURES)
    sql = OUTCOMES_SQL.format(
        sums=sums, refresh=Refresh._meta.db_table, union=" UNION ALL ".join(parts)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        *values, refreshed_at = cursor.fetchone()
    figures = dict(zip(FIGURES, (int(v) for v in values[:-1]), strict=False))
    figures["gmv"] = Decimal(values[-1])
    figures["refreshed_at"] = refreshed_at
    return figures


def producers_who_sold(*, period: DateRange) -> int:
    """Producers with a line in a counted order placed in `period`: the sales summaries'
    producers (the same lines: counted orders', by the day placed) before today, the order
    lines themselves from today on."""
    summarised, live = _split(period)
    parts, params = [], []
    if summarised is not None:
        tables = {"day": SalesDay._meta.db_table, "month": SalesMonth._meta.db_table}
        for kind, first, last in segments(summarised):
            parts.append(f"SELECT partner_id FROM {tables[kind]} WHERE day >= %s AND day <= %s")  # noqa: S608
            params += [first, last]
    if live is not None:
        Line = get_model("order", "Line")
        counted = _placed_in(live).filter(outcomes.counted()).values("pk")
        lines = Line.objects.filter(order__in=counted, partner__isnull=False)
        sql, live_params = lines.values("partner_id").order_by().query.sql_with_params()
        parts.append(sql)
        params += live_params
    # A producer has many rows: GROUP BY (hashed; COUNT(DISTINCT …) would sort) counts it once.
    union = " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT partner_id FROM ({union}) part GROUP BY 1) sold",  # noqa: S608
            params,
        )
        return cursor.fetchone()[0]

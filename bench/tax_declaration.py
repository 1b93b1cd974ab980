"""The monthly tax declaration at scale: one month of the seeded floor, exported as XLSX.

    python bench/tax_declaration.py [--seed] [--months 24] [--orders-per-month 50000]
                                    [--month YYYY-MM] [--runs 3]

Runs on DATABASE_URL (PostgreSQL). With ``--seed`` it first fills it through
``bench/seed_floor.py``'s ``seed(months=, per_month=)`` (otherwise the database is expected to
be seeded already, e.g. by ``python bench/seed_floor.py --months 24 --orders-per-month 50000``).
Then, for the month given (default: the latest finished month that has ledger entries), prints
the seconds and SQL queries of
* the declaration's grouped query (one row per household seller), and
* the whole export: the query plus the XLSX workbook, as the operator downloads it,
median of ``--runs`` runs, with the number of sellers and the totals declared.
Reads only, except when seeding. ``--synthetic N`` instead measures on N sale entries (and
one refund for every 20) of 300 household sellers written by SQL into one month, inside a
transaction rolled back afterwards: a figure without the seeded floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.dev")


def _latest_month():
    from django.db.models import Max
    from django.utils import timezone

    from shop.reporting import month_range
    from shop.settlements.models import Entry

    latest = Entry.objects.aggregate(latest=Max("earned_at"))["latest"]
    if latest is None:
        return None
    day = timezone.localtime(latest).date()
    today = timezone.localdate()
    if (day.year, day.month) == (today.year, today.month):  # the month in progress: the one before
        day = day.replace(day=1) - timedelta(days=1)
    return month_range(day.year, day.month)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="seed the floor first")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--orders-per-month", type=int, default=50000)
    parser.add_argument("--month", help="YYYY-MM (default: the latest finished month)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=0, help="entries written, rolled back")
    args = parser.parse_args()

    import django

    django.setup()
    from shop.reporting import month_range

    if args.seed:
        from bench.seed_floor import seed

        started = time.perf_counter()
        seed(months=args.months, per_month=args.orders_per_month)
        print(f"seed: {time.perf_counter() - started:.1f} s")

    if args.synthetic:
        from django.db import transaction

        with transaction.atomic():
            period = _synthetic(args.synthetic)
            _measure(period, args.runs)
            transaction.set_rollback(True)
        return
    if args.month:
        year, month = (int(part) for part in args.month.split("-"))
        period = month_range(year, month)
    else:
        period = _latest_month()
    if period is None:
        sys.exit("No ledger entries: seed the floor first (--seed or bench/seed_floor.py).")

    _measure(period, args.runs)


def _synthetic(entries: int):
    from django.db import connection
    from oscar.core.loading import get_model

    from shop.reporting import month_range

    partner_model = get_model("partner", "Partner")
    makers = partner_model.objects.bulk_create(
        partner_model(name=f"Hộ bench {n}", code=f"bench-tax-{n}", kind="household")
        for n in range(300)
    )
    ids = [m.pk for m in makers]
    period = month_range(2026, 10)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO settlements_entry (partner_id, kind, description, quantity, gross,
                commission, vat_withheld, pit_withheld, net, rate, earned_at, recorded_at)
            SELECT p, k, '', 1, g, round(g * 0.08), round(g * 0.01), round(g * 0.005),
                   g - round(g * 0.08) - round(g * 0.01) - round(g * 0.005), 0.08, t, t
            FROM (
                SELECT (%s::int[])[1 + i %% 300] AS p,
                       CASE WHEN i %% 20 = 0 THEN 'refund' ELSE 'sale' END AS k,
                       CASE WHEN i %% 20 = 0 THEN -1 ELSE 1 END * (50000 + (i * 7919) %% 450000)
                           AS g,
                       %s::timestamptz + (i %% 30) * interval '1 day' AS t
                FROM generate_series(1, %s) AS i
            ) AS s
            """,
            [ids, period.starts_at, entries],
        )
    return period


def _measure(period, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shop import exports
    from shop.settlements import selectors, tax_documents

    query_times, export_times = [], []
    for _ in range(max(1, runs)):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            rows = selectors.tax_declaration(period=period)
            query_times.append(time.perf_counter() - started)
            body = exports.xlsx_bytes([tax_documents.declaration_table(rows=rows, period=period)])
            export_times.append(time.perf_counter() - started)
    print(f"month: {period.start:%Y-%m}  household sellers declared: {len(rows)}")
    print(
        f"revenue: {sum(r.revenue for r in rows):,} VND  VAT: {sum(r.vat for r in rows):,} VND"
        f"  PIT: {sum(r.pit for r in rows):,} VND"
    )
    print(
        f"declaration query: {statistics.median(query_times) * 1000:.0f} ms  "
        f"export (query + XLSX, {len(body) // 1024} KiB): "
        f"{statistics.median(export_times) * 1000:.0f} ms  SQL queries: {len(queries)}"
    )


if __name__ == "__main__":
    main()

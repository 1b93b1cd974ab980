"""The province dashboard at scale: the summaries' refresh and the page's response times.

    python bench/province_dashboard.py [--months 24] [--orders-per-month 50000] [--producers 300]
    python bench/province_dashboard.py --reuse     # a floor already seeded in BENCH_DATABASE_URL

Seeds a scratch PostgreSQL database (BENCH_DATABASE_URL, default: a database of its own on the
local server, dropped and migrated afresh) with bench/seed_floor.py's floor (`seed(months=,
per_month=, producers=)`), then prints:
* the full rebuild of the summary tables over every seeded day (`province_refresh --since`), and
  the beat task's refresh of the recent days, in seconds, with the summary rows written;
* the dashboard page through Django's test client for a month, a year and two years (each
  compared with the period before it): the first request and the median of the next ones, in
  milliseconds, and its SQL queries;
* the Excel download of every table for the year.
Writes nothing outside the scratch database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.scratch import scratch_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.test")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chophien_bench_province"
)


def timed_get(client, url: str, repeat: int) -> tuple[float, float, int]:
    """The first request's milliseconds, the median of `repeat` more, and the SQL queries."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat + 1):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times[0], statistics.median(times[1:]), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--orders-per-month", type=int, default=50_000)
    parser.add_argument("--producers", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="the floor is already seeded")
    args = parser.parse_args()

    if not args.reuse:
        scratch_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from shop.province import services
    from shop.province.models import BuyerDay, DeliveryDay, OrdersDay, SalesDay
    from shop.reporting import DateRange, _add_months, preset_range
    from tests import factories, otp

    setup_test_environment()
    if not args.reuse:
        call_command("migrate", verbosity=0)
        from bench.seed_floor import seed  # bench/seed_floor.py: the floor everyone measures on

        started = time.perf_counter()
        counts = seed(months=args.months, per_month=args.orders_per_month, producers=args.producers)
        print(
            f"seed_floor: {args.months} months × {args.orders_per_month:,} orders, "
            f"{sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s"
        )

    today = timezone.localdate()
    first = _add_months(date(today.year, today.month, 1), -(args.months - 1))
    started = time.perf_counter()
    services.summaries_refresh(first=first, last=today)
    rebuild = time.perf_counter() - started
    rows = {
        model.__name__: model.objects.count()
        for model in (SalesDay, OrdersDay, BuyerDay, DeliveryDay)
    }
    print(f"summaries rebuilt from {first} to {today}: {rebuild:.1f} s")
    print("  " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
    started = time.perf_counter()
    recent = services.summaries_refresh_recent()
    print(
        f"beat refresh ({recent.first_day}…{recent.last_day}): "
        f"{time.perf_counter() - started:.2f} s"
    )

    # A reused floor may hold the operator of an earlier run.
    from django.contrib.auth import get_user_model

    email = "bench-province@example.com"
    operator = get_user_model().objects.filter(email=email, is_staff=True).first()
    operator = operator or factories.operator(email)
    client = Client()
    otp.password_only_login(client, operator)
    otp.verify_session(client, operator)
    last_month = preset_range("last-month")
    periods = [
        ("month", last_month),
        ("year (12 months)", preset_range("12-months")),
        ("2 years", DateRange(_add_months(last_month.end.replace(day=1), -23), last_month.end)),
    ]
    for name, period in periods:
        url = f"/dashboard/province/?start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
        cold, warm, queries = timed_get(client, url, args.repeat)
        print(
            f"GET dashboard, {name} {period} vs {period.previous()}: first {cold:.0f} ms, "
            f"median {warm:.0f} ms, {queries} queries"
        )
    year = periods[1][1]
    url = (
        f"/dashboard/province/export/?start={year.start:%Y-%m-%d}&end={year.end:%Y-%m-%d}"
        "&table=all&format=xlsx"
    )
    cold, warm, queries = timed_get(client, url, args.repeat)
    print(f"GET every table as Excel, 12 months: median {warm:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()

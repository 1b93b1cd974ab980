"""The satisfaction index at scale: one month's computation for the whole floor.

    python bench/satisfaction.py [--producers 50] [--orders 20000]

On a scratch PostgreSQL database (BENCH_DATABASE_URL, default: a database of its own on the
local server), builds P producers in several communes and N orders placed over one month
(bulk inserts: lines, shipments, online payments, reviews on a third of the deliveries,
complaints on 3 %), then prints:
* month_compute: seconds and SQL queries for every scope of the month (the floor, each
  producer, province and commune), and the rows written;
* index_refresh over 13 months (12 of them empty);
* the public page and the producer's dashboard page through Django's test client: median
  milliseconds and SQL queries.
Writes nothing outside the scratch database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.scratch import scratch_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.test")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chophien_bench_satisfaction"
)


def build(producers: int, orders: int, month):
    from payments.models import AttemptStatus
    from shop import geo
    from shop.fulfilment.models import Shipment
    from tests import factories
    from tests.satisfaction import builders

    seeded = random.Random(13)
    wards = [int(w.code) for w in geo.wards().values() if int(w.province_code) == 8][:10]
    makers = [
        factories.producer(f"HTX {i:03d}", code=f"htx-{i:03d}", ward=wards[i % len(wards)])
        for i in range(producers)
    ]
    goods = [
        factories.product(f"Đặc sản {i:03d}", maker=m, ward=m.ward_code)
        for i, m in enumerate(makers)
    ]
    start = builders.local(month.year, month.month, 1, 8)
    sales = []
    for _ in range(orders):
        placed = start + timedelta(minutes=seeded.randrange(60 * 24 * 25))
        quoted = (placed + timedelta(days=3)).date()
        roll = seeded.random()
        if roll < 0.04:
            sale = builders.Sale(
                seeded.choice(goods),
                placed,
                Shipment.Status.CANCELLED,
                payment=AttemptStatus.FAILED,
            )
        else:
            late = roll > 0.85
            delivered = placed + timedelta(days=4 if late else 2, hours=seeded.randrange(8))
            sale = builders.Sale(
                seeded.choice(goods),
                placed,
                Shipment.Status.DELIVERED,
                quoted,
                delivered,
                lines=seeded.choice((1, 1, 2)),
                payment=AttemptStatus.PAID if roll < 0.6 else None,  # the rest: cash
            )
        sales.append(sale)
    builders.sales_create(sales)
    delivered = [s for s in sales if s.delivered]
    reviewed = [s for s in delivered if seeded.random() < 0.33]
    builders.reviews_create(
        [(s, seeded.choice((3, 4, 4, 5, 5, 5)), s.delivered + timedelta(days=1)) for s in reviewed]
    )
    complained = [s for s in delivered if seeded.random() < 0.03]
    builders.complaint_rows(
        [
            (s, s.delivered + timedelta(hours=6), seeded.uniform(4, 120), seeded.random() < 0.8)
            for s in complained
        ]
    )
    return makers, len(reviewed), len(complained)


def timed(fn, *args, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        elapsed = time.perf_counter() - start
    return result, elapsed, len(queries)


def page_figures(client, url: str, repeat: int = 10) -> tuple[float, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        cache.clear()  # measure the rendering, not the page cache
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--producers", type=int, default=50)
    parser.add_argument("--orders", type=int, default=20_000)
    args = parser.parse_args()

    scratch_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from shop.satisfaction import selectors, services
    from shop.satisfaction.models import MonthlyFigures, Scope
    from tests import factories

    setup_test_environment()
    call_command("migrate", verbosity=0)
    month = selectors.months_last(count=2)[0]  # last month: complete
    start = time.perf_counter()
    makers, reviews, complaints = build(args.producers, args.orders, month)
    print(
        f"built {args.producers} producers, {args.orders} orders, {reviews} reviews, "
        f"{complaints} complaints in {time.perf_counter() - start:.1f} s"
    )

    now = timezone.now()
    # Straight after the bulk inserts PostgreSQL's statistics still describe empty tables
    # (autovacuum has not analysed them yet): the origin scopes' join then runs as a nested
    # loop. Measured once like that, then with the statistics a running floor has.
    rows, seconds, queries = timed(services.month_compute, month=month, now=now)
    print(
        f"month_compute (before ANALYZE): {len(rows)} rows in {seconds * 1000:.0f} ms, "
        f"{queries} queries"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for attempt in ("cold", "warm"):
        rows, seconds, queries = timed(services.month_compute, month=month, now=now)
        print(
            f"month_compute ({attempt}): {len(rows)} rows in {seconds * 1000:.0f} ms, "
            f"{queries} queries"
        )
    floor = MonthlyFigures.objects.get(month=month, scope=Scope.FLOOR)
    print(
        f"  floor {month:%Y-%m}: index {floor.index}, rating {floor.rating}, "
        f"on time {floor.delivered_on_time}/{floor.delivered}, complaints {floor.complaints}, "
        f"median {floor.median_resolution_hours} h"
    )
    computed, seconds, queries = timed(services.index_refresh, now=now, months=13)
    print(
        f"index_refresh (13 months): {len(computed)} months in {seconds * 1000:.0f} ms, "
        f"{queries} queries"
    )

    client = Client()
    for url in ("/satisfaction/", "/en/satisfaction/", f"/satisfaction/?month={month:%Y-%m}"):
        ms, queries = page_figures(client, url)
        print(f"GET {url}: {ms:.1f} ms median, {queries} queries")
    client.force_login(factories.producer_user(makers[0]))
    ms, queries = page_figures(client, "/dashboard/producer/satisfaction/")
    print(f"GET /dashboard/producer/satisfaction/: {ms:.1f} ms median, {queries} queries")


if __name__ == "__main__":
    main()

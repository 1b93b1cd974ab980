"""Producers' side at scale: the settlement run, statement documents and the producer's pages.

    python bench/producers.py [--producers 50] [--orders 40]

On a scratch PostgreSQL database (BENCH_DATABASE_URL, default: a database of its own on the
local server), builds P producers each with O delivered and paid two-producer orders (so every
order has lines of two producers and two shipments), then prints:
* the settlement run: entries recorded per second (sales + shipping), and statements issued per
  second when the period closes, with the number of SQL queries of each;
* one statement's CSV and PDF: milliseconds to render and size;
* the producer's order list, shipment page and statement page through Django's test client:
  median milliseconds and SQL queries per page.
Writes nothing outside the scratch database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.scratch import scratch_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.test")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chophien_bench_producers"
)


def build(producers: int, orders: int):
    from django.utils import timezone
    from oscar.core.loading import get_model

    from shop.fulfilment.models import Shipment
    from tests import factories

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    makers = [factories.producer(f"HTX {i:03d}", code=f"htx-{i:03d}") for i in range(producers)]
    goods = [
        factories.product(f"Đặc sản {i:03d}", price="185000", maker=m) for i, m in enumerate(makers)
    ]
    records = {p.pk: p.stockrecords.get() for p in goods}
    delivered = timezone.now() - timedelta(days=20)
    number = 500_000
    order_rows, line_rows, shipment_rows = [], [], []
    for _maker in makers:
        for _ in range(orders):
            number += 1
            order_rows.append(
                Order(
                    number=str(number),
                    currency="VND",
                    total_incl_tax=Decimal(185000 * 3 + 50000),
                    total_excl_tax=Decimal(185000 * 3 + 50000),
                    shipping_incl_tax=Decimal(50000),
                    shipping_excl_tax=Decimal(50000),
                    status="Paid",
                    guest_email="khach@example.com",
                    date_placed=delivered - timedelta(days=2),
                )
            )
    Order.objects.bulk_create(order_rows, batch_size=1000)
    placed = list(Order.objects.filter(number__gte="500001").order_by("number"))
    for index, order in enumerate(placed):
        own = goods[index // orders]
        other = goods[(index // orders + 1) % producers]
        for product, quantity, charge in ((own, 1, 20000), (other, 2, 30000)):
            record = records[product.pk]
            price = Decimal(185000 * quantity)
            line_rows.append(
                Line(
                    order=order,
                    partner=product.producer,
                    partner_name=product.producer.name,
                    partner_sku=record.partner_sku,
                    stockrecord=record,
                    product=product,
                    title=product.title,
                    quantity=quantity,
                    num_allocated=quantity,
                    line_price_incl_tax=price,
                    line_price_excl_tax=price,
                    line_price_before_discounts_incl_tax=price,
                    line_price_before_discounts_excl_tax=price,
                    unit_price_incl_tax=Decimal(185000),
                    unit_price_excl_tax=Decimal(185000),
                    status="Delivered",
                )
            )
            shipment_rows.append(
                Shipment(
                    order=order,
                    partner=product.producer,
                    status=Shipment.Status.DELIVERED,
                    charge=Decimal(charge),
                    carrier="VNPost",
                    tracking_number=f"EB{order.number}{quantity}VN",
                    delivered_at=delivered,
                )
            )
    Line.objects.bulk_create(line_rows, batch_size=2000)
    Shipment.objects.bulk_create(shipment_rows, batch_size=2000)
    return makers


def timed(fn, *args, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        elapsed = time.perf_counter() - start
    return result, elapsed, len(queries)


def page_figures(client, url: str, repeat: int = 15) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--producers", type=int, default=50)
    parser.add_argument("--orders", type=int, default=40, help="orders per producer")
    args = parser.parse_args()

    scratch_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from shop.settlements import documents, services
    from shop.settlements.models import Entry, Statement
    from tests import factories

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    makers = build(args.producers, args.orders)
    lines = args.producers * args.orders * 2
    print(
        f"built {args.producers} producers, {args.producers * args.orders} orders, "
        f"{lines} lines in {time.perf_counter() - start:.1f} s"
    )

    now = timezone.now()
    recorded, seconds, queries = timed(services.entries_record, now=now)
    print(
        f"entries_record: {recorded} entries in {seconds:.2f} s "
        f"({recorded / seconds:,.0f} entries/s), {queries} queries"
    )
    again, seconds2, queries2 = timed(services.entries_record, now=now)
    print(f"entries_record again: {again} new in {seconds2:.2f} s, {queries2} queries")
    statements, seconds, queries = timed(services.statements_close, now=now + timedelta(days=40))
    print(
        f"statements_close: {len(statements)} statements in {seconds:.2f} s "
        f"({len(statements) / seconds:,.1f} statements/s), {queries} queries"
    )

    statement = Statement.objects.filter(partner=makers[0]).first()
    entries = Entry.objects.filter(statement=statement).count()
    for kind in ("csv", "pdf"):
        render = documents.statement_csv if kind == "csv" else documents.statement_pdf
        times, size = [], 0
        for _ in range(5):
            start = time.perf_counter()
            data = render(statement)
            times.append((time.perf_counter() - start) * 1000)
            size = len(data if isinstance(data, bytes) else data.encode())
        print(
            f"statement {kind.upper()} ({entries} entries): {statistics.median(times):.1f} ms, "
            f"{size:,} bytes"
        )

    client = Client()
    client.force_login(factories.producer_user(makers[0]))
    shipment = makers[0].shipments.order_by("-pk").first()
    pages = {
        "order list": reverse("producer-orders:list"),
        "shipment page": reverse("producer-orders:detail", kwargs={"pk": shipment.pk}),
        "statement list": reverse("producer-statements:list"),
        "statement page": reverse("producer-statements:detail", kwargs={"pk": statement.pk}),
        "product list": reverse("producer-dashboard:product-list"),
    }
    for name, url in pages.items():
        median, queries = page_figures(client, url)
        print(f"{name}: median {median:.1f} ms, {queries} queries")


if __name__ == "__main__":
    main()

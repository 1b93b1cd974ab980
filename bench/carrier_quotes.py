"""Carrier quotes per second at checkout, and the latency of pricing a basket, on PostgreSQL.

The carriers' simulators (each speaking its carrier's protocol: GHN, GHTK, Viettel Post, those
configured) are served over HTTP by the site under gunicorn with the development settings, the
only ones that mount them, on a scratch PostgreSQL database. This process prices baskets as
checkout does: it reads a basket and its producers from PostgreSQL, builds each producer's
parcel and asks its default carrier for a quote (shop/shipping/methods.py PerProducer, with
quotes.py's threads, timeout and cache on Redis).

Each basket holds two producers' goods, each producer with its own carrier: one pricing is
two quotes asked at once. Every pricing reads its basket afresh (no per-request memo):

* cold: the quote cache is empty and every parcel (receiving ward, weight) is new, so every
  quote is a round trip to the carrier's simulator;
* warm: the same baskets again, every quote answered by Redis.

Each is run one basket at a time, then from several client threads at once.

    python bench/carrier_quotes.py [--baskets 200] [--clients 8]

Needs PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL; defaults: the local ones, a
database of its own, dropped and made again). The server runs on the same machine. Prints the
figures and writes nothing outside the scratch database and Redis database.
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.server import gunicorn_start, gunicorn_stop, percentile, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chophien_bench_quotes"
)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
PORT = int(os.environ.get("BENCH_PORT", "8767"))
HOST = "127.0.0.1"
SITE = f"http://{HOST}:{PORT}"
TUYEN_QUANG = 8


def bench_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.dev",
        "DATABASE_URL": DB,
        "REDIS_URL": REDIS,
        "SITE_URL": SITE,
        "GUNICORN_BIND": f"{HOST}:{PORT}",
        "GUNICORN_ACCESS_LOG": "",
        # One process: the simulators keep their state (Viettel Post's login tokens) in memory.
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "16"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def database_prepare(env: dict) -> None:
    name = DB.rsplit("/", 1)[1]
    admin = DB.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        run("psql", admin, "-q", "-c", sql, env=env)
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], check=True, capture_output=True)
    run(sys.executable, "manage.py", "migrate", "--no-input", "-v0", env=env)


def simulators_start(env: dict) -> subprocess.Popen:
    """gunicorn serving the site (and so the simulators) with the development settings."""
    return gunicorn_start(env, SITE, ping="/shipping/simulator/ghtk/")


def django_start(env: dict) -> None:
    os.environ.update(env)
    import logging

    import django

    django.setup()
    # A carrier that gives no quote is counted in the figures ("charged as"), not logged.
    logging.getLogger("shop.shipping.quotes").setLevel(logging.ERROR)


def carriers_usable() -> list[str]:
    from shop.carriers import registry

    usable = []
    for name in registry.names():
        try:
            registry.carrier_for(name)
        except Exception as exc:  # an adapter not written yet
            print(f"{name}: left out ({type(exc).__name__}: {exc})")
        else:
            usable.append(name)
    return usable


def floor(carriers: list[str], baskets: int) -> tuple[list, list[int]]:
    """One producer per carrier (all in Tuyên Quang), a product each, and `baskets` baskets
    of two producers' goods; the wards every carrier serves, for the buyers."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_class, get_model

    from shop import geo
    from shop.carriers import units
    from tests import factories

    Basket = get_model("basket", "Basket")
    Selector = get_class("partner.strategy", "Selector")
    wards = sorted(set.intersection(*(set(units.table(c)) for c in carriers)))
    home = [w for w in wards if geo.ward(w) and int(geo.ward(w).province_code) == TUYEN_QUANG]
    products = []
    for n, carrier in enumerate(carriers):
        maker = factories.producer(f"Nhà sản xuất {carrier}", ward=home[n % len(home)])
        maker.default_carrier = carrier
        maker.phone = "+84912000000"
        maker.free_shipping_threshold = None
        maker.save()
        products.append(factories.product(f"Đặc sản {n}", price="150000", stock=10**6, maker=maker))
    owner = get_user_model().objects.create_user("bench", "bench@bench.test", "bench-password-1")
    ids = []
    for i in range(baskets):
        basket = Basket.objects.create(owner=owner if i == 0 else None)
        basket.strategy = Selector().strategy()
        first, second = products[i % len(products)], products[(i + 1) % len(products)]
        basket.add_product(first, 1 + i % 3)
        basket.add_product(second, 1 + (i // 3) % 4)
        ids.append(basket.pk)
    return ids, wards


def address_for(i: int, wards: list[int]):
    from oscar.core.loading import get_model

    from shop import geo

    ShippingAddress = get_model("order", "ShippingAddress")
    ward = wards[(i * 7919) % len(wards)]  # spread over the country
    return ShippingAddress(
        first_name="Người mua",
        line1=f"{i} Đường Chính",
        province_code=int(geo.ward(ward).province_code),
        ward_code=ward,
        phone_number="+84912345678",
    )


def price(basket_id: int, address) -> tuple[float, list]:
    """Seconds to price one basket as checkout does, and its parts."""
    from oscar.core.loading import get_class, get_model

    from shop.shipping.methods import PerProducer

    Basket = get_model("basket", "Basket")
    Selector = get_class("partner.strategy", "Selector")
    began = time.perf_counter()
    basket = Basket.objects.get(pk=basket_id)
    basket.strategy = Selector().strategy()
    parts = PerProducer(address=address).breakdown(basket)
    return time.perf_counter() - began, parts


def round_of(jobs: list[tuple[int, object]], clients: int) -> dict:
    from django.db import connection

    latencies: list[float] = []
    sources: dict[str, int] = {}
    lock = threading.Lock()

    def worker(chunk):
        mine, seen = [], {}
        for basket_id, address in chunk:
            seconds, parts = price(basket_id, address)
            mine.append(seconds)
            for part in parts:
                seen[part.source] = seen.get(part.source, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for source, count in seen.items():
                sources[source] = sources.get(source, 0) + count

    threads = [threading.Thread(target=worker, args=(jobs[i::clients],)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    quotes = sum(sources.values())
    return {
        "baskets": len(jobs),
        "quotes": quotes,
        "qps": quotes / elapsed,
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "mean": statistics.fmean(latencies) * 1000,
        "sources": sources,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baskets", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    env = bench_env()
    database_prepare(env)
    server = simulators_start(env)
    try:
        django_start(env)
        from django.conf import settings
        from django.core.cache import cache

        carriers = carriers_usable()
        if len(carriers) < 2:
            raise SystemExit(f"needs two carriers with adapters, found {carriers}")
        ids, wards = floor(carriers, args.baskets)
        print(
            f"simulators: {', '.join(carriers)} over HTTP at {SITE} (gunicorn gthread, "
            f"{env['WEB_CONCURRENCY']} workers x {env['GUNICORN_THREADS']} threads); "
            f"PostgreSQL {DB.rsplit('/', 1)[1]}; cache Redis {REDIS}; "
            f"CARRIER_QUOTE_TIMEOUT {settings.CARRIER_QUOTE_TIMEOUT}s; {os.cpu_count()} cores"
        )
        print(f"{args.baskets} baskets of two producers (two quotes each); {len(wards)} wards")
        head = "{:<8} {:>8} {:>8} {:>9} {:>9} {:>9}  {}"
        print(
            head.format("cache", "clients", "quotes", "quotes/s", "p50 ms", "p99 ms", "charged as")
        )
        for clients in (1, args.clients):
            jobs = [(basket_id, address_for(i, wards)) for i, basket_id in enumerate(ids)]
            cache.clear()  # cold: every quote a round trip; then the same baskets, warm
            for label in ("cold", "warm"):
                figures = round_of(jobs, clients)
                sources = ", ".join(f"{k} {v}" for k, v in sorted(figures["sources"].items()))
                print(
                    head.format(
                        label,
                        clients,
                        figures["quotes"],
                        f"{figures['qps']:.1f}",
                        f"{figures['p50']:.1f}",
                        f"{figures['p99']:.1f}",
                        sources,
                    )
                )
    finally:
        gunicorn_stop(server)


if __name__ == "__main__":
    main()

"""A signed-in buyer's journey from the home page to the payment gateway: requests, queries and
wall time per journey, with the site served as in production.

The buyer (a session of their own, an empty basket) opens the home page, a category, a product,
adds it to the basket, opens the basket, goes through every checkout step (a new delivery
address, the shipping method, VNPay as the payment method, the preview) and places the order,
which answers with the redirect to VNPay's pay page once the order is committed as awaiting
payment. That pay URL is not followed.

* Queries per journey are counted server-side: the same journey runs in this process with
  Django's test client under the same settings and database, each request inside a
  ``CaptureQueriesContext``; one table line a request.
* Wall time per journey is measured over HTTP against gunicorn (gunicorn.conf.py), buyers one
  at a time and then several at once.

    python bench/journey.py [--buyers 20] [--at-once 4]

Needs PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL / BENCH_PORT, a scratch
database of its own). Prints the figures and writes nothing outside a temporary folder and the
scratch database.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# Buyer talks to bench.payments.PORT: the server here listens there too.
from bench.payments import (  # noqa: E402
    ADDRESS,
    PAY_URL,
    PORT,
    Buyer,
    checkout_paths,
    checkout_product,
    site_env,
)
from bench.server import (  # noqa: E402
    django_start,
    gunicorn_start,
    gunicorn_stop,
    percentile,
    site_prepare,
)

DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chophien_bench_journey"
)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
HOST = "127.0.0.1"
# Stock Oscar's sandbox, same journey (home to the payment page).
OSCAR_SANDBOX = {"requests": 10, "queries": 256}


def journey_paths() -> dict[str, str]:
    """The journey's paths (`journey_paths_for`), for the product the checkout benchmark stocks
    for every buyer (bench/payments.py) and its category."""
    from django.db import connection
    from django.urls import resolve
    from oscar.core.loading import get_model

    add = checkout_product()["add"]
    product = get_model("catalogue", "Product").objects.get(pk=resolve(add).kwargs["pk"])
    paths = journey_paths_for(product, product.categories.filter(is_public=True).first())
    connection.close()
    return paths


def journey_paths_for(product, category) -> dict[str, str]:
    """The checkout's paths and `product`'s, with the home page, `category` and the basket."""
    from django.urls import reverse

    return {
        **checkout_paths(product),
        "home": "/",
        "category": category.get_absolute_url(),
        "basket": reverse("basket:summary"),
    }


def buyer_sessions(count: int, *, first: int) -> list[str]:
    """`count` signed-in buyers with empty baskets: each one's session key."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.session import signed_in_session

    keys = []
    for n in range(first, first + count):
        email = f"journey{n}@bench.test"
        user = get_user_model().objects.create_user(f"journey{n}", email)
        keys.append(signed_in_session(user))
    connection.close()
    return keys


# The journey: (label, method, path key, form data, expected status).
STEPS = [
    ("home", "GET", "home", None, 200),
    ("category", "GET", "category", None, 200),
    ("product", "GET", "product", None, 200),
    ("add to basket", "POST", "add", {"quantity": "1"}, 302),
    ("basket", "GET", "basket", None, 200),
    ("checkout", "GET", "index", None, 302),
    ("shipping address", "GET", "address", None, 200),
    ("shipping address (new)", "POST", "address", ADDRESS, 302),
    ("shipping method", "GET", "shipping", None, 302),
    ("payment method", "GET", "method", None, 200),
    # What the page's form sends: the method, and the channel radio checked by default
    (
        "payment method (VNPay)",
        "POST",
        "method",
        {"method": "vnpay", "notify_channel": "email"},
        302,
    ),
    ("preview", "GET", "preview", None, 200),
    ("place order", "POST", "preview", {"action": "place_order"}, 302),
]


def journey_in_process(client, paths: dict, session_key: str) -> list[tuple[str, int, float]]:
    """The journey through Django's test `client`, with this buyer's session only: each step's
    queries and milliseconds. One client for every journey: a new one loads the middleware
    (and WhiteNoise lists the static files) on its first request, which a server does once."""
    from http.cookies import SimpleCookie

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.cookies = SimpleCookie()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    rows = []
    for label, method, key, data, status in STEPS:
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method.lower())(paths[key], data or {})
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != status:
            raise RuntimeError(f"{label} answered {response.status_code}, not {status}")
        rows.append((label, len(queries), elapsed))
    if not response["Location"].startswith(PAY_URL):
        raise RuntimeError(f"placed order sent to {response['Location']}, not to VNPay")
    connection.close()
    return rows


def journey_over_http(paths: dict, session_key: str, number: int) -> float:
    """The journey against gunicorn, as a browser sends it: its wall time in milliseconds."""
    from django.conf import settings

    buyer = Buyer(number)
    buyer.cookies[settings.SESSION_COOKIE_NAME] = session_key
    began = time.perf_counter()
    for label, method, key, data, status in STEPS:
        response = buyer.request(method, paths[key], data)
        buyer.expect(response, status, label)
    elapsed = (time.perf_counter() - began) * 1000
    if not response.headers["Location"].startswith(PAY_URL):
        raise RuntimeError(f"buyer {number}: sent to {response.headers['Location']}")
    buyer.conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=20, help="journeys per series")
    parser.add_argument("--at-once", type=int, default=4, help="buyers at once, second series")
    options = parser.parse_args()
    for tool in ("psql", "redis-cli"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")

    static_root = tempfile.mkdtemp(prefix="chophien-bench-static-")
    env = site_env(static_root)
    env.update(DATABASE_URL=DB, REDIS_URL=REDIS, GUNICORN_BIND=f"{HOST}:{PORT}")
    site_prepare(env, database=DB, redis=REDIS)
    django_start(env)
    paths = journey_paths()
    warm, measured = buyer_sessions(2, first=0)
    alone = buyer_sessions(options.buyers, first=100)
    crowd = buyer_sessions(options.buyers, first=1000)

    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    journey_in_process(client, paths, warm)  # middleware, thumbnails, caches, templates warm
    rows = journey_in_process(client, paths, measured)
    print(f"{'request (in-process, production settings)':<44}{'queries':>8}{'ms':>9}")
    for label, queries, ms in rows:
        print(f"{label:<44}{queries:>8}{ms:>9.1f}")
    total_queries = sum(queries for _, queries, _ in rows)
    print(f"{'journey':<44}{total_queries:>8}{sum(ms for *_, ms in rows):>9.1f}")
    print(
        f"\n{len(rows)} requests and {total_queries} queries per journey "
        f"(stock Oscar's sandbox: {OSCAR_SANDBOX['requests']} requests, "
        f"{OSCAR_SANDBOX['queries']} queries)"
    )

    base = f"http://{HOST}:{PORT}"
    server = gunicorn_start(env, base)
    try:
        workers = os.environ.get("WEB_CONCURRENCY", f"{os.cpu_count() * 2 + 1} (default)")
        print(
            f"\ngunicorn gthread workers={workers} on {os.cpu_count()} cores, PostgreSQL and "
            "Redis on the same machine; load average before: "
            + " ".join(f"{load:.1f}" for load in os.getloadavg())
        )
        for n in range(4):  # every worker warm
            journey_over_http(paths, buyer_sessions(1, first=500 + n)[0], 500 + n)
        head = "{:<44}{:>8}{:>9}{:>9}{:>9}"
        line = "{:<44}{:>8}{:>9.0f}{:>9.0f}{:>9.0f}"
        print(head.format("journey wall time over HTTP", "buyers", "p50 ms", "p99 ms", "max ms"))
        for label, keys, at_once in (
            ("one buyer at a time", alone, 1),
            (f"{options.at_once} buyers at once", crowd, options.at_once),
        ):
            with ThreadPoolExecutor(max_workers=at_once) as pool:
                times = list(
                    pool.map(
                        lambda pair: journey_over_http(paths, pair[1], pair[0]),
                        enumerate(keys),
                    )
                )
            print(
                line.format(
                    label,
                    len(times),
                    statistics.median(times),
                    percentile(times, 99),
                    max(times),
                )
            )
    finally:
        gunicorn_stop(server)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()

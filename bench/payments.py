"""Signed VNPay IPN callbacks per second, and checkout-to-pending-order latency, on PostgreSQL.

Serves the site as in production (bench/settings.py over the production settings, gunicorn from
gunicorn.conf.py) on a scratch PostgreSQL database and Redis. VNPay is configured through its
real environment variables with a throw-away merchant secret; its pay URL is never followed.

* IPN throughput: N orders awaiting payment, each with a VNPay attempt, are created in the
  database. For each, the merchant's pay URL is built by the VNPay adapter and accepted by the
  VNPay simulator core, which pays it and signs the IPN exactly as VNPay would. Keep-alive
  connections then send the N IPNs to GET /payments/vnpay/ipn concurrently; each must answer
  RspCode 00 and mark its order paid. The same N IPNs are replayed: each must answer 02
  (already confirmed) and change nothing.
* Checkout latency: buyers with their own sessions fill a basket and go through the checkout up
  to the preview; then the "place order" POST is timed until its answer, a redirect to VNPay
  sent once the pending order and its payment attempt are committed: one buyer at a time, then
  many at once.

    python bench/payments.py [--ipns 2000] [--connections 16] [--checkouts 50]

Needs PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, defaults: the local ones, a
database of its own). The client runs on the same machine as the server. Prints the figures and
writes nothing outside a temporary folder and the scratch database.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.server import (  # noqa: E402
    django_start,
    gunicorn_start,
    gunicorn_stop,
    percentile,
    production_env,
    send_all,
    site_prepare,
)

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chophien_bench_payments"
)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PORT = int(os.environ.get("BENCH_PORT", "8766"))
HOST = "127.0.0.1"
PAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
IPN_PATH = "/payments/vnpay/ipn"
ORDER_NUMBERS_FROM = 800_000  # far above the checkout's numbers (100000 + basket id)
AMOUNT = 185_000
ADDRESS = {  # Xã Đồng Văn (721), Tuyên Quang (8)
    "first_name": "Phạm Thị Mai",
    "phone_number": "+84912345678",
    "province_code": "8",
    "ward_code": "721",
    "line1": "12 Phố Cổ",
}


def site_env(static_root: str) -> dict[str, str]:
    return {
        **production_env(database=DB, redis=REDIS, static_root=static_root, bind=f"{HOST}:{PORT}"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # VNPay through its real settings; nobody ever follows the pay URL.
        "VNPAY_TMN_CODE": "CPBENCH1",
        "VNPAY_HASH_SECRET": secrets.token_hex(16).upper(),
        "VNPAY_PAY_URL": PAY_URL,
    }


def signed_ipns(count: int) -> list[str]:
    """`count` pending orders with a VNPay attempt each; the IPN query VNPay sends for each."""
    from datetime import timedelta
    from decimal import Decimal

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone
    from oscar.core.loading import get_model

    from payments.gateways.vnpay import VNPayGateway
    from payments.models import Method, PaymentAttempt
    from payments.ports import PaymentRequest
    from payments.services import REFERENCE_ALPHABET, REFERENCE_PREFIX
    from payments.simulators.vnpay import VNPaySimulatorCore
    from shop.order import statuses

    Order = get_model("order", "Order")
    now = timezone.now()
    amount = Decimal(AMOUNT)
    orders = Order.objects.bulk_create(
        [
            Order(
                number=str(ORDER_NUMBERS_FROM + n),
                currency="VND",
                total_incl_tax=amount,
                total_excl_tax=amount,
                shipping_incl_tax=Decimal(0),
                shipping_excl_tax=Decimal(0),
                shipping_method="Giao hàng miễn phí",
                shipping_code="free-shipping",
                status=statuses.PENDING_PAYMENT,
                guest_email=f"ipn{n}@bench.test",
                date_placed=now,
            )
            for n in range(count)
        ],
        batch_size=500,
    )

    def reference(n: int) -> str:
        digits = []
        for _ in range(6):
            n, digit = divmod(n, len(REFERENCE_ALPHABET))
            digits.append(REFERENCE_ALPHABET[digit])
        return REFERENCE_PREFIX + "".join(digits)

    attempts = PaymentAttempt.objects.bulk_create(
        [
            PaymentAttempt(
                order=order,
                method=Method.VNPAY,
                reference=reference(int(order.number)),
                amount=amount,
                currency="VND",
                created_at=now,
                expires_at=now + timedelta(hours=2),
            )
            for order in orders
        ],
        batch_size=500,
    )
    options = settings.PAYMENT_GATEWAYS[Method.VNPAY]["OPTIONS"]
    gateway = VNPayGateway.from_options(options)
    bank = VNPaySimulatorCore(tmn_code=options["tmn_code"], hash_secret=options["hash_secret"])
    queries = []
    for attempt, order in zip(attempts, orders, strict=True):
        url = gateway.pay_url(
            PaymentRequest(
                reference=attempt.reference,
                amount=attempt.amount,
                description=f"Chợ Phiên - đơn hàng {order.number}",
                buyer_ip="127.0.0.1",
                return_url=f"http://{HOST}:{PORT}/payments/return/vnpay/",
                notify_url=f"http://{HOST}:{PORT}{IPN_PATH}",
                created_at=attempt.created_at,
                expires_at=attempt.expires_at,
            )
        )
        bank.accept_pay_url(url)
        queries.append(f"{IPN_PATH}?{urllib.parse.urlencode(bank.pay(attempt.reference))}")
    connection.close()
    return queries


def checkout_product() -> dict[str, str]:
    """A demo product with stock for every buyer, and the checkout's paths."""
    from django.db import connection
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    record = StockRecord.objects.select_related("product").order_by("pk").first()
    record.num_in_stock, record.num_allocated = 1_000_000, 0
    record.save()
    paths = checkout_paths(record.product)
    connection.close()
    return paths


def checkout_paths(product) -> dict[str, str]:
    """`product`'s page, its add-to-basket form's and the checkout's paths."""
    from django.urls import reverse

    return {
        "product": product.get_absolute_url(),
        "add": reverse("basket:add", kwargs={"pk": product.pk}),
        "index": reverse("checkout:index"),
        "address": reverse("checkout:shipping-address"),
        "shipping": reverse("checkout:shipping-method"),
        "method": reverse("checkout:payment-method"),
        "preview": reverse("checkout:preview"),
    }


def database_check(ipns: int, checkout_refs: list[str]) -> str:
    from django.db import connection
    from oscar.core.loading import get_model

    from payments.models import AttemptStatus, PaymentAttempt
    from shop.order import statuses

    Order = get_model("order", "Order")
    Source = get_model("payment", "Source")
    # The demo floor has orders of its own (numbered from 900001): only the benchmark's.
    bench_orders = Order.objects.filter(
        number__gte=str(ORDER_NUMBERS_FROM), number__lt=str(ORDER_NUMBERS_FROM + ipns)
    )
    paid = bench_orders.filter(status=statuses.PAID).count()
    sources = Source.objects.filter(order__in=bench_orders).count()
    placed = PaymentAttempt.objects.filter(
        reference__in=checkout_refs,
        status=AttemptStatus.PENDING,
        order__status=statuses.PENDING_PAYMENT,
    ).count()
    connection.close()
    assert paid == ipns and sources == ipns, (paid, sources)
    assert placed == len(checkout_refs), (placed, len(checkout_refs))
    return (
        f"database: {paid}/{ipns} IPN orders paid, {sources} payment sources (none twice); "
        f"{placed}/{len(checkout_refs)} checkout orders pending payment"
    )


# --------------------------------------------------------------------------- HTTP clients


def send_ipns(queries: list[str], *, connections: int) -> dict:
    """Send every query once over `connections` keep-alive connections; count the RspCodes."""

    def rsp_code(status: int, body: bytes) -> str:
        return json.loads(body)["RspCode"] if status == 200 else f"HTTP {status}"

    requests = [("GET", query, None, {}) for query in queries]
    return send_all(requests, host=HOST, port=PORT, connections=connections, outcome=rsp_code)


class Buyer:
    """One browser session: its own cookies and connection, CSRF like a form would send it."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)

    def request(self, method: str, path: str, data: dict | None = None):
        headers = {}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def expect(self, response, status: int, step: str) -> None:
        if response.status != status:
            raise RuntimeError(f"buyer {self.number}: {step} answered {response.status}")

    def up_to_preview(self, paths: dict[str, str]) -> None:
        self.expect(self.request("GET", paths["product"]), 200, "product page")
        self.expect(self.request("POST", paths["add"], {"quantity": "1"}), 302, "add to basket")
        email = f"buyer{self.number}@bench.test"
        guest = {"username": email, "options": "anonymous"}
        self.expect(self.request("POST", paths["index"], guest), 302, "guest checkout")
        self.expect(self.request("POST", paths["address"], ADDRESS), 302, "address")
        self.expect(self.request("GET", paths["shipping"]), 302, "shipping method")
        chosen = self.request("POST", paths["method"], {"method": "vnpay"})
        self.expect(chosen, 302, "payment method")
        self.expect(self.request("GET", paths["preview"]), 200, "preview")

    def place_order(self, paths: dict[str, str]) -> tuple[float, str]:
        """Seconds until the answer, and the payment reference VNPay is sent."""
        # The server has long closed the idle keep-alive connection: open one before timing.
        self.conn.close()
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
        self.conn.connect()
        began = time.perf_counter()
        response = self.request("POST", paths["preview"], {"action": "place_order"})
        elapsed = time.perf_counter() - began
        self.expect(response, 302, "place order")
        location = response.headers["Location"]
        if not location.startswith(PAY_URL):
            raise RuntimeError(f"buyer {self.number}: sent to {location}, not to VNPay")
        reference = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["vnp_TxnRef"]
        self.conn.close()
        return elapsed, reference[0]


def checkouts(paths: dict, *, first: int, count: int, at_once: int) -> tuple[dict, list[str]]:
    buyers = [Buyer(first + n) for n in range(count)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda buyer: buyer.up_to_preview(paths), buyers))
    if at_once == 1:
        results = [buyer.place_order(paths) for buyer in buyers]
    else:
        with ThreadPoolExecutor(max_workers=at_once) as pool:
            results = list(pool.map(lambda buyer: buyer.place_order(paths), buyers))
    times = [seconds * 1000 for seconds, _ in results]
    figures = {
        "count": count,
        "p50": statistics.median(times),
        "p99": percentile(times, 99),
        "max": max(times),
    }
    return figures, [reference for _, reference in results]


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ipns", type=int, default=2000, help="IPNs to send (and to replay)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--checkouts", type=int, default=50, help="per series")
    options = parser.parse_args()
    for tool in ("psql", "redis-cli"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")

    static_root = tempfile.mkdtemp(prefix="chophien-bench-static-")
    env = site_env(static_root)
    site_prepare(env, database=DB, redis=REDIS)
    django_start(env)
    warm = 100
    queries = signed_ipns(warm + options.ipns)
    paths = checkout_product()

    base = f"http://{HOST}:{PORT}"
    server = gunicorn_start(env, base)
    try:
        workers = os.environ.get("WEB_CONCURRENCY", f"{os.cpu_count() * 2 + 1} (default)")
        threads = os.environ.get("GUNICORN_THREADS", "4")
        print(
            f"gunicorn gthread workers={workers} threads={threads} on {os.cpu_count()} cores, "
            f"PostgreSQL and Redis on the same machine; client: {options.connections} "
            "keep-alive connections, same machine; load average before: "
            + " ".join(f"{load:.1f}" for load in os.getloadavg())
        )
        send_ipns(queries[:warm], connections=options.connections)  # every worker warm
        fresh = send_ipns(queries[warm:], connections=options.connections)
        replay = send_ipns(queries[warm:], connections=options.connections)

        head = "{:<44}{:>7}{:>9}{:>9}{:>9}  {}"
        line = "{:<44}{:>7}{:>9.1f}{:>9.1f}{:>9.1f}  {}"
        print()
        title = "signed VNPay IPN (GET /payments/vnpay/ipn)"
        print(head.format(title, "sent", "IPN/s", "p50 ms", "p99 ms", "answers (RspCode x count)"))
        for label, r in (
            ("first delivery: marks the order paid", fresh),
            ("replayed: already confirmed, no change", replay),
        ):
            answers = ", ".join(f"{code} x{n}" for code, n in sorted(r["codes"].items()))
            print(line.format(label, r["count"], r["rps"], r["p50"], r["p99"], answers))

        warm_figures, warm_refs = checkouts(paths, first=0, count=4, at_once=1)
        alone, alone_refs = checkouts(paths, first=100, count=options.checkouts, at_once=1)
        crowd, crowd_refs = checkouts(
            paths, first=1000, count=options.checkouts, at_once=min(8, options.checkouts)
        )
        head = "{:<44}{:>7}{:>9}{:>9}{:>9}"
        line = "{:<44}{:>7}{:>9.1f}{:>9.1f}{:>9.1f}"
        print()
        title = "place order POST -> pending order (VNPay)"
        print(head.format(title, "orders", "p50 ms", "p99 ms", "max ms"))
        print(line.format("one buyer at a time", *alone.values()))
        print(line.format(f"{min(8, options.checkouts)} buyers at once", *crowd.values()))
        print()
        print(database_check(warm + options.ipns, warm_refs + alone_refs + crowd_refs))
    finally:
        gunicorn_stop(server)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()

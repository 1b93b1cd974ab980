"""Carriers' status callbacks per second, and their latency, on PostgreSQL.

Serves the site as in production (bench/settings.py over the production settings, gunicorn from
gunicorn.conf.py) on a scratch PostgreSQL database and Redis. GHN, GHTK and Viettel Post are
configured through their real environment variables with throw-away tokens; their APIs are
never called: only their callbacks are measured, each in its carrier's own format (GHN's JSON
as its simulator builds it, GHTK's form with its ``hash``, Viettel Post's DATA and TOKEN).

N packed shipments, each with a waybill at one of the three carriers in turn, are created in
the database. Keep-alive connections then POST to /shipping/callback/<carrier>/<token>/:

* "picked up" for every parcel: the shipment is shipped (an event, the buyer's e-mail queued);
* "delivered" for every parcel (with the cash collected, for GHN and Viettel Post): delivered,
  the cash reported per shipment;
* the same "delivered" callbacks again: each a duplicate, nothing changes;
* "in transit" callbacks, sent after delivery as if delayed: each out of order, kept, not
  applied;
* forged callbacks (a wrong token in the URL): rejected, logged, nothing changes. The limit on
  refused callbacks per address is raised for the run, so that the refusal itself is timed.

Every callback is logged (one CarrierCallback row). The database is checked afterwards.

    python bench/carrier_webhooks.py [--parcels 1500] [--connections 16]

Needs PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, defaults: the local ones, a
database of its own). The client runs on the same machine as the server. Prints the figures and
writes nothing outside a temporary folder and the scratch database.
"""

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import urllib.parse
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.server import (  # noqa: E402
    django_start,
    gunicorn_start,
    gunicorn_stop,
    production_env,
    send_all,
    site_prepare,
)

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chophien_bench_carriers"
)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
PORT = int(os.environ.get("BENCH_PORT", "8767"))
HOST = "127.0.0.1"
ORDER_NUMBERS_FROM = 900_000  # far above the checkout's numbers (100000 + basket id)
COD = 185_000
CARRIERS = ("ghn", "ghtk", "viettelpost")
GHN_SHOP = "885123"
WARM = 60  # parcels whose callbacks warm every worker up, not measured
TOKENS = {name: secrets.token_urlsafe(24) for name in CARRIERS}


def site_env(static_root: str) -> dict[str, str]:
    return {
        **production_env(database=DB, redis=REDIS, static_root=static_root, bind=f"{HOST}:{PORT}"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "RATE_LIMIT_REFUSED_CALLBACK": "1000000/m",
        # The carriers through their real settings; their APIs are never called.
        "GHN_TOKEN": secrets.token_hex(16),
        "GHN_SHOP_ID": GHN_SHOP,
        "GHN_WEBHOOK_TOKEN": TOKENS["ghn"],
        "GHTK_TOKEN": secrets.token_hex(16),
        "GHTK_CLIENT_SOURCE": "S-BENCH",
        "GHTK_WEBHOOK_TOKEN": TOKENS["ghtk"],
        "VIETTELPOST_USERNAME": "0900000099",
        "VIETTELPOST_PASSWORD": secrets.token_hex(8),
        "VIETTELPOST_WEBHOOK_TOKEN": TOKENS["viettelpost"],
    }


# --------------------------------------------------------------------------- the callbacks


class Call:
    """One callback: its path (with the query), body and content type."""

    __slots__ = ("body", "content_type", "path")

    def __init__(self, path: str, body: bytes, content_type: str) -> None:
        self.path, self.body, self.content_type = path, body, content_type


def _path(carrier: str, token: str, query: str = "") -> str:
    return f"/shipping/callback/{carrier}/{token}/" + (f"?{query}" if query else "")


# Each carrier's own words for the three steps measured.
WORDS = {
    "ghn": {"picked": "picked", "in_transit": "transporting", "delivered": "delivered"},
    "ghtk": {"picked": "3", "in_transit": "3", "delivered": "5"},
    "viettelpost": {"picked": 105, "in_transit": 300, "delivered": 501},
}


def callback(carrier: str, code: str, reference: str, step: str, at: datetime, *, token=None):
    """The carrier's callback for ``step`` of parcel ``code``, as the carrier words it."""
    from shop.carriers.adapters.viettelpost import DATE_FORMAT, VIETNAM, webhook_body

    token = token or TOKENS[carrier]
    status = WORDS[carrier][step]
    if carrier == "ghn":  # the fields GHN posts (shop/carriers/simulators/ghn_core.py)
        fields = {
            "CODAmount": COD,
            "CODTransferDate": None,
            "ClientOrderCode": reference,
            "ConvertedWeight": 1200,
            "Description": "",
            "Fee": {"CODFee": 0, "Insurance": 0, "MainService": 32000, "Total": 32000},
            "Height": 10,
            "IsPartialReturn": False,
            "Length": 20,
            "OrderCode": code,
            "PartialReturnCode": "",
            "PaymentType": 2,
            "Reason": "",
            "ReasonCode": "",
            "ShopID": int(GHN_SHOP),
            "Status": status,
            "Time": at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "TotalFee": 32000,
            "Type": "switch_status",
            "Warehouse": "Bưu cục Hà Giang",
            "Weight": 1200,
            "Width": 15,
        }
        body = json.dumps(fields, ensure_ascii=False).encode()
        return Call(_path("ghn", token), body, "application/json")
    if carrier == "ghtk":  # GHTK's form, its hash in the query
        fields = {
            "label_id": code,
            "partner_id": reference,
            "status_id": status,
            "action_time": at.astimezone(VIETNAM).isoformat(timespec="seconds"),
            "reason_code": "",
            "reason": "",
            "weight": "1.2",
            "fee": "30000",
            "pick_money": str(COD),
            "return_part_package": "0",
        }
        body = urllib.parse.urlencode(fields).encode()
        query = urllib.parse.urlencode({"hash": token})
        return Call(_path("ghtk", token, query), body, "application/x-www-form-urlencoded")
    data = {  # Viettel Post's DATA and TOKEN
        "ORDER_NUMBER": code,
        "ORDER_REFERENCE": reference,
        "ORDER_STATUS": status,
        "ORDER_STATUSDATE": at.astimezone(VIETNAM).strftime(DATE_FORMAT),
        "STATUS_NAME": "",
        "NOTE": "",
        "MONEY_COLLECTION": COD,
    }
    return Call(_path("viettelpost", token), webhook_body(data, token), "application/json")


def _reference(n: int) -> str:
    """A payment reference of our alphabet, one per bench order."""
    from payments.services import REFERENCE_ALPHABET, REFERENCE_PREFIX

    n += 500_000
    digits = []
    for _ in range(6):
        n, digit = divmod(n, len(REFERENCE_ALPHABET))
        digits.append(REFERENCE_ALPHABET[digit])
    return REFERENCE_PREFIX + "".join(digits)


def packed_shipments(count: int) -> dict[str, list[Call]]:
    """`count` packed shipments with a waybill each (the carriers in turn); their callbacks."""
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone
    from oscar.core.loading import get_model

    from payments.models import Method, PaymentAttempt
    from shop.fulfilment.models import Shipment
    from shop.order import statuses

    Order = get_model("order", "Order")
    Partner = get_model("partner", "Partner")
    partner = Partner.objects.order_by("pk").first()
    now = timezone.now()
    amount = Decimal(COD)
    orders = Order.objects.bulk_create(
        [
            Order(
                number=str(ORDER_NUMBERS_FROM + n),
                currency="VND",
                total_incl_tax=amount,
                total_excl_tax=amount,
                shipping_incl_tax=Decimal(0),
                shipping_excl_tax=Decimal(0),
                shipping_method="Giao hàng",
                shipping_code="producer-shipping",
                status=statuses.CASH_ON_DELIVERY,
                guest_email=f"parcel{n}@bench.test",
                date_placed=now,
            )
            for n in range(count)
        ],
        batch_size=500,
    )
    # Cash on delivery, as checkout records it: the order's payment is the cash collected.
    PaymentAttempt.objects.bulk_create(
        [
            PaymentAttempt(
                order=order,
                method=Method.COD,
                reference=_reference(n),
                amount=amount,
                currency="VND",
                created_at=now,
                expires_at=now + timedelta(days=30),
            )
            for n, order in enumerate(orders)
        ],
        batch_size=500,
    )
    shipments = []
    for n, order in enumerate(orders):
        carrier = CARRIERS[n % len(CARRIERS)]
        code = {
            "ghn": f"GB{n:08d}",
            "ghtk": f"S1.B1.{n:09d}",
            "viettelpost": f"{1_700_000_000 + n}",
        }
        shipments.append(
            Shipment(
                order=order,
                partner=partner,
                status=Shipment.Status.PACKED,
                carrier=carrier,
                tracking_number=code[carrier],
                waybill=Shipment.Waybill.CREATED,
                waybill_reference=f"CPB{n:08d}",
                tracking_status="ready_to_pick",
                cod=Shipment.Cod.DUE,
                cod_due=amount,
            )
        )
    Shipment.objects.bulk_create(shipments, batch_size=500)
    times = {
        "picked": now - timedelta(hours=30),
        "in_transit": now - timedelta(hours=20),
        "delivered": now - timedelta(hours=2),
    }
    calls: dict[str, list[Call]] = {step: [] for step in (*times, "forged")}
    for s in shipments:
        args = (s.carrier, s.tracking_number, s.waybill_reference)
        for step, at in times.items():
            calls[step].append(callback(*args, step, at))
        calls["forged"].append(callback(*args, "delivered", now, token="forged-" + "x" * 20))
    connection.close()
    return calls


# --------------------------------------------------------------------------- HTTP client


def send(calls: list[Call], *, connections: int) -> dict:
    """POST every callback once over `connections` keep-alive connections; count the answers."""
    requests = [("POST", c.path, c.body, {"Content-Type": c.content_type}) for c in calls]
    return send_all(
        requests,
        host=HOST,
        port=PORT,
        connections=connections,
        outcome=lambda status, _body: f"HTTP {status}",
    )


def database_check(parcels: int) -> str:
    from django.db import connection

    from shop.fulfilment.models import CarrierCallback, CarrierEvent, Shipment

    delivered = Shipment.objects.filter(
        tracking_number__gt="", status=Shipment.Status.DELIVERED
    ).count()
    collected = Shipment.objects.filter(cod=Shipment.Cod.COLLECTED).count()
    outcomes = Counter(CarrierCallback.objects.values_list("outcome", flat=True))
    events = CarrierEvent.objects.count()
    stale = CarrierEvent.objects.filter(applied=False).count()
    connection.close()
    measured = parcels - WARM
    ok = delivered == parcels and events == 2 * parcels + measured and stale == measured
    return (
        f"database: {delivered}/{parcels} shipments delivered, {collected} with their cash "
        f"collected, {events} carrier events ({stale} not applied), callbacks logged: "
        + ", ".join(f"{k} x{n}" for k, n in sorted(outcomes.items()))
        + ("" if ok else "  << UNEXPECTED")
    )


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parcels", type=int, default=1500)
    parser.add_argument("--connections", type=int, default=16)
    options = parser.parse_args()
    for tool in ("psql", "redis-cli"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")

    static_root = tempfile.mkdtemp(prefix="chophien-bench-static-")
    env = site_env(static_root)
    site_prepare(env, database=DB, redis=REDIS)
    django_start(env)
    warm = WARM
    calls = packed_shipments(warm + options.parcels)
    base = f"http://{HOST}:{PORT}"
    server = gunicorn_start(env, base)
    try:
        workers = os.environ.get("WEB_CONCURRENCY", f"{os.cpu_count() * 2 + 1} (default)")
        threads = os.environ.get("GUNICORN_THREADS", "4")
        print(
            f"gunicorn gthread workers={workers} threads={threads} on {os.cpu_count()} cores, "
            f"PostgreSQL and Redis on the same machine; client: {options.connections} "
            "keep-alive connections, same machine; GHN, GHTK and Viettel Post in turn; "
            "load average before: " + " ".join(f"{load:.1f}" for load in os.getloadavg())
        )
        for phase in ("picked", "delivered"):  # every worker warm, on parcels not measured
            send(calls[phase][:warm], connections=options.connections)
        n = slice(warm, None)
        series = [
            (
                "picked up: shipment shipped, e-mail queued",
                send(calls["picked"][n], connections=options.connections),
            ),
            (
                "delivered: delivered, cash reported",
                send(calls["delivered"][n], connections=options.connections),
            ),
            (
                "delivered again: duplicate, no change",
                send(calls["delivered"][n], connections=options.connections),
            ),
            (
                "in transit, arriving late: stale, no change",
                send(calls["in_transit"][n], connections=options.connections),
            ),
            (
                "forged (wrong token): rejected, logged",
                send(calls["forged"][n], connections=options.connections),
            ),
        ]
        head = "{:<44}{:>7}{:>9}{:>9}{:>9}  {}"
        line = "{:<44}{:>7}{:>9.1f}{:>9.1f}{:>9.1f}  {}"
        print()
        title = "POST /shipping/callback/<carrier>/<token>/"
        print(head.format(title, "sent", "cb/s", "p50 ms", "p99 ms", "answers"))
        for label, r in series:
            answers = ", ".join(f"{code} x{count}" for code, count in sorted(r["codes"].items()))
            print(line.format(label, r["count"], r["rps"], r["p50"], r["p99"], answers))
        print()
        print(database_check(warm + options.parcels))
    finally:
        gunicorn_stop(server)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()

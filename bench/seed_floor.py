"""A realistic floor to measure against: producers, buyers, products and N months of orders.

    python bench/seed_floor.py --months 24 --orders-per-month 50000 [--producers 300] [--seed 1]

Seeds DATABASE_URL (PostgreSQL, migrated) with a coherent floor and prints the rows written per
table and the seconds taken. From Python: ``seed(months=…, per_month=…, producers=…, seed=…)``
(Django set up) returns the counts.

What it writes, over the months ending this month (Asia/Ho_Chi_Minh):
* producers of each kind (households, cooperatives, OCOP enterprises) in communes of a few
  provinces, with tax identifiers, bank accounts and their own shipping rates;
* products (categories, OCOP stars for some) with one stock record each;
* buyers (signed in, most of them coming back; some guests) and orders spread evenly over each
  month: mostly paid online (VNPay, MoMo, VietQR, card) or cash on delivery, some cancelled,
  a few awaiting payment; one shipment per producer of an order, each moved along by its age
  (new, confirmed, packed, shipped, delivered; a few returned or cancelled), with carriers,
  tracking numbers, quoted and actual delivery dates and the cash a carrier collects;
* payment attempts (a failed try before some payments), refunds (cancelled and returned parcels
  of prepaid orders, complaints settled by a refund);
* the settlement ledger: a sale per delivered line whose money is in, a shipping entry per
  delivered parcel with a charge, a claw-back per complaint refund; household sellers' sales
  since 1 July 2025 withhold 1 % VAT and 0.5 % PIT (Decree 117/2025/NĐ-CP), whole đồng,
  half-up per line, given back on a refund; half-monthly statements, paid but the last one;
* lots for a share of products (a harvest, an inspection for most, packing), anchored in
  confirmed quarterly batches for most lots, and the lot each shipped line came from;
* reviews of delivered lines and complaints about a few parcels.

Rows are made by the database (INSERT … SELECT over generate_series, with a seeded hash for
every random choice, so one seed gives one floor), a few hundred dimension rows by COPY: never
the ORM row by row. Identifiers continue after the rows already there, so a seeded database
keeps working (sequences are moved past the seeded ids). The steps live in bench/floor/
(catalogue, orders, money, trace); ``SEED_TRACE=1`` prints each statement's seconds. The
command loads without the foreign-key triggers (``--check-references`` keeps them); the tests
seed with them on, so the references are proven by the database.

Simplifications, stated: event digests are SHA-256 of a compact JSON, not the project's
canonical EPCIS form (lot pages show them; their verification would not pass); a statement
whose net is not positive is "nothing to pay" and carries nothing forward.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.floor import (  # noqa: E402
    BUYER_PROVINCES,
    ID_TABLES,
    PRODUCER_PROVINCES,
    TABLES,
    catalogue,
    money,
    month_windows,
    orders,
    trace,
)


class Seeder:
    def __init__(self, cursor, *, months, per_month, producers, seed, now, check_references):
        self.cur = cursor
        self.months, self.per_month, self.producers = months, per_month, producers
        self.seed, self.now = seed, now
        self.rng = random.Random(seed)
        self.total = months * per_month
        self.buyers = max(20, self.total // 4)
        self.base = {}
        self.trace = bool(os.environ.get("SEED_TRACE"))
        self.check_references = check_references

    # ----------------------------------------------------------------------- helpers

    def sql(self, statement: str, params=None) -> None:
        started = time.perf_counter()
        self.cur.execute(statement, params)
        if self.trace:
            first = " ".join(statement.split())[:70]
            print(f"    {time.perf_counter() - started:7.2f} s  {first}", flush=True)

    def fmt(self, statement: str) -> str:
        """Fill the seed's constants and id bases ({name}) into a statement."""
        return statement.format(
            seed=int(self.seed),
            total=int(self.total),
            pm=int(self.per_month),
            P=int(self.producers),
            B=int(self.buyers),
            **{f"b_{k}": int(v) for k, v in self.base.items()},
        )

    def run(self, statement: str, params=None) -> None:
        self.sql(self.fmt(statement), params)

    def copy(self, table: str, columns: tuple[str, ...], rows) -> None:
        with self.cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def bases(self) -> None:
        for table in ID_TABLES:
            self.cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
            self.base[table.split("_", 1)[1]] = self.cur.fetchone()[0]

    # ----------------------------------------------------------------------- steps

    def prepare(self) -> None:
        from django.db import DatabaseError, transaction

        try:  # room for the staging tables (only before the session's first temporary table)
            with transaction.atomic():
                self.sql("SET LOCAL temp_buffers = '2GB'")
        except DatabaseError:
            pass
        if not self.check_references:
            # The rows refer to what they were made from: the database need not check every
            # foreign key again (tests seed with the checks on).
            try:
                with transaction.atomic():
                    self.sql("SET LOCAL session_replication_role = replica")
            except DatabaseError:
                pass
        self.sql("SET LOCAL synchronous_commit = off")
        self.sql("SET LOCAL work_mem = '256MB'")
        self.sql("SET LOCAL max_parallel_workers_per_gather = 0")
        # u(x, k): a uniform number in [0, 1) from (x, k) and the seed; inlined by the planner.
        salt = int(self.seed) * 1_000_003
        self.sql(
            "CREATE OR REPLACE FUNCTION pg_temp.u(x bigint, k int) RETURNS float8 "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
            f"$$ SELECT (hashint8extended(x, k + {salt}) & 9007199254740991)::float8"
            " / 9007199254740992.0 $$"
        )
        self.operator_id = self.operator()
        self.bases()
        self.sql("CREATE TEMP TABLE seed_month (m int, starts_at timestamptz, span float8)")
        self.copy(
            "seed_month",
            ("m", "starts_at", "span"),
            month_windows(self.months, self.now),
        )
        self.sql(
            "CREATE TEMP TABLE seed_ward (province int, idx int, code int, name text,"
            " province_name text)"
        )
        self.sql("CREATE TEMP TABLE seed_bprov (idx int, province int, nwards int)")
        from shop import geo

        by_province: dict[int, list] = {}
        for ward in sorted(geo.wards().values(), key=lambda w: int(w.code)):
            by_province.setdefault(int(ward.province_code), []).append(ward)
        rows = []
        for code in sorted(set(BUYER_PROVINCES) | set(PRODUCER_PROVINCES)):
            province = geo.province(code)
            rows += [
                (code, i, int(w.code), w.name, province.name)
                for i, w in enumerate(by_province[code])
            ]
        self.copy("seed_ward", ("province", "idx", "code", "name", "province_name"), rows)
        self.copy(
            "seed_bprov",
            ("idx", "province", "nwards"),
            [(i, code, len(by_province[code])) for i, code in enumerate(BUYER_PROVINCES)],
        )
        self.wards = by_province

    def operator(self) -> int:
        self.sql("SELECT id FROM auth_user WHERE username = 'vanhanh.seed'")
        row = self.cur.fetchone()
        if row:
            return row[0]
        self.sql(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined) VALUES ('!', false, 'vanhanh.seed',"
            " 'Vận hành', 'Sàn', 'vanhanh.seed@example.vn', true, true, %s) RETURNING id",
            [self.now - timedelta(days=31 * self.months + 30)],
        )
        return self.cur.fetchone()[0]

    def finish(self) -> dict[str, int]:
        for table in ID_TABLES:
            # Table names from TABLES, not from input.
            statement = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"  # noqa: E501, S608
            self.sql(statement)
        self.sql(
            "DROP TABLE IF EXISTS seed_month, seed_ward, seed_bprov, seed_partner, seed_product,"
            " seed_order, seed_ship, seed_line, seed_total, seed_complaint, seed_refund,"
            " seed_entry, seed_statement, seed_quarter, seed_lot, seed_event, seed_batch"
        )
        counts = {}
        for table in TABLES:
            if table == "traceability_eventproof":
                self.sql(
                    "SELECT count(*) FROM traceability_eventproof WHERE event_id > %s",
                    [self.base["event"]],
                )
            else:
                statement = f"SELECT count(*) FROM {table} WHERE id > %s"  # noqa: S608
                self.sql(statement, [self.base[table.split("_", 1)[1]]])
            counts[table] = self.cur.fetchone()[0]
        return counts


def seed(
    *,
    months: int = 24,
    per_month: int = 50_000,
    producers: int = 300,
    seed: int = 1,
    now: datetime | None = None,
    report=None,
    check_references: bool = True,
) -> dict[str, int]:
    """Seed the default database (Django set up) and return the rows written per table.
    ``report(step, seconds)`` hears of each step as it ends. ``check_references=False`` skips
    the database's foreign-key triggers while loading (needs a superuser; the benchmark's
    way: the generator's references are tested with the checks on)."""
    from django.db import connection, transaction
    from django.utils import timezone

    if months < 1 or per_month < 1:
        raise ValueError("months and orders per month must be at least 1")
    if producers < 3:
        raise ValueError("a floor needs at least 3 producers")
    if connection.vendor != "postgresql":
        raise ValueError("the floor is seeded in PostgreSQL only")
    now = now or timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        seeder = Seeder(
            cursor,
            months=months,
            per_month=per_month,
            producers=producers,
            seed=seed,
            now=now,
            check_references=check_references,
        )
        steps = (
            ("prepare", seeder.prepare),
            ("catalogue", lambda: catalogue.catalogue(seeder)),
            ("plan", lambda: orders.buyers_and_orders(seeder)),
            ("orders", lambda: orders.order_rows(seeder)),
            ("payments", lambda: money.payments(seeder, seeder.operator_id)),
            ("ledger", lambda: money.ledger(seeder, seeder.operator_id)),
            ("reviews", lambda: trace.reviews(seeder)),
            ("traceability", lambda: trace.traceability(seeder)),
        )
        for name, step in steps:
            started = time.perf_counter()
            step()
            if report:
                report(name, time.perf_counter() - started)
        counts = seeder.finish()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--orders-per-month", type=int, default=50_000)
    parser.add_argument("--producers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--check-references",
        action="store_true",
        help="keep the foreign-key checks on while loading (slower)",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.dev")
    import django

    django.setup()
    started = time.perf_counter()
    counts = seed(
        months=args.months,
        per_month=args.orders_per_month,
        producers=args.producers,
        seed=args.seed,
        report=lambda step, seconds: print(f"  {step:<14} {seconds:8.1f} s", flush=True),
        check_references=args.check_references,
    )
    elapsed = time.perf_counter() - started
    for table, count in counts.items():
        print(f"{table:<34} {count:>12,}")
    print(f"{'rows':<34} {sum(counts.values()):>12,}")
    print(f"seeded in {elapsed:.1f} s")


if __name__ == "__main__":
    main()

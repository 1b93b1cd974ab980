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
keeps working (sequences are moved past the seeded ids).

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
import zoneinfo
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

# Decree 117/2025/NĐ-CP: withholding for household sellers from 1 July 2025, goods.
WITHHOLDING_FROM = datetime(2025, 7, 1, tzinfo=LOCAL)
VAT_RATE = "0.01"
PIT_RATE = "0.005"

HOME_PROVINCE = 8  # Tuyên Quang (with the former Hà Giang)
PRODUCER_PROVINCES = (8, 8, 8, 8, 8, 8, 15, 19, 25, 4)  # weights by repetition
BUYER_PROVINCES = (8, 8, 8, 8, 1, 1, 1, 1, 79, 79, 79, 19, 25, 15, 31, 48, 24, 22, 38, 92)
METHODS = (("vnpay", 0.28), ("momo", 0.40), ("vietqr", 0.52), ("card", 0.58), ("cod", 1.0))
CARRIERS = ("ghn", "ghtk", "viettelpost")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Lò")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Ngọc", "Thu", "Quang", "Thanh", "Hữu", "Mai")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai")
GIVEN += ("Nam", "Nga", "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến")
# Categories (Vietnamese, English) and what each sells: (name, price in thousand đồng).
THEMES = (
    (
        "Chè và trà",
        "Tea",
        (("Chè Shan tuyết cổ thụ", 320), ("Trà hoa vàng", 450), ("Chè búp khô", 180)),
    ),
    (
        "Mật ong",
        "Honey",
        (("Mật ong bạc hà", 380), ("Mật ong hoa rừng", 290), ("Sáp ong", 120)),
    ),
    (
        "Đặc sản khô",
        "Dried specialities",
        (("Thịt trâu gác bếp", 650), ("Lạp xưởng", 240), ("Măng khô", 150)),
    ),
    (
        "Rau củ quả",
        "Fruit and vegetables",
        (("Cam sành", 60), ("Hồng không hạt", 90), ("Bí đỏ", 45)),
    ),
    (
        "Gạo và ngũ cốc",
        "Rice and grains",
        (("Gạo nếp cái hoa vàng", 85), ("Tam giác mạch", 110), ("Ngô nếp", 55)),
    ),
    (
        "Dược liệu",
        "Medicinal herbs",
        (("Giảo cổ lam", 210), ("Tam thất", 560), ("Cao xương", 480)),
    ),
    (
        "Thủ công",
        "Crafts",
        (("Khăn thổ cẩm", 260), ("Giỏ mây", 190), ("Vải lanh", 340)),
    ),
)
TABLES = (
    "auth_user",
    "partner_partner",
    "catalogue_category",
    "catalogue_product",
    "catalogue_productcategory",
    "partner_stockrecord",
    "order_shippingaddress",
    "order_order",
    "order_line",
    "fulfilment_shipment",
    "payments_paymentattempt",
    "payments_refund",
    "settlements_statement",
    "settlements_entry",
    "traceability_registrydeployment",
    "traceability_anchorbatch",
    "traceability_lot",
    "traceability_event",
    "traceability_eventproof",
    "traceability_lothead",
    "traceability_lotshipment",
    "reviews_productreview",
    "complaints_complaint",
)
# Tables whose identifiers this seed assigns (their sequences are moved past them at the end).
ID_TABLES = tuple(t for t in TABLES if t != "traceability_eventproof")


def tax_code(rng: random.Random) -> str:
    """A 10-digit enterprise tax code with a valid check digit."""
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        digits[0] = rng.randrange(1, 10)
        check = 10 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def month_windows(months: int, now: datetime) -> list[tuple[int, datetime, float]]:
    """(index, start, seconds) of the `months` months ending with the current one (which ends
    now)."""
    local = now.astimezone(LOCAL)
    year, month = local.year, local.month
    starts = []
    for _ in range(months):
        starts.append(datetime(year, month, 1, tzinfo=LOCAL))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    windows = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else now
        windows.append((index, start, (end - start).total_seconds()))
    return windows


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
        # u(x, k): a uniform number in [0, 1) drawn from (x, k) and the seed; inlined by the planner.
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

    def catalogue(self) -> None:
        from shop.catalogue.models import search_form
        from shop.text import slugify

        rng = self.rng
        self.sql("SELECT id FROM catalogue_productclass ORDER BY id LIMIT 1")
        row = self.cur.fetchone()
        if row is None:
            self.sql(
                "INSERT INTO catalogue_productclass (name, slug, requires_shipping, track_stock)"
                " VALUES ('Đặc sản', 'dac-san', true, true) RETURNING id"
            )
            row = self.cur.fetchone()
        product_class = row[0]
        # Categories: ours at the root after any there (treebeard paths of 4 characters).
        self.sql("SELECT max(path) FROM catalogue_category WHERE depth = 1")
        last = self.cur.fetchone()[0]
        first = int(last, 36) + 1 if last else 1
        categories = []
        cat_id = self.base["category"]
        for i, (vi, en, _goods) in enumerate(THEMES):
            cat_id += 1
            path = format_base36(first + i).rjust(4, "0")
            categories.append(
                (cat_id, path, 1, 0, vi, "", slugify(vi), True, True, False, "", vi, en)
            )
        self.copy(
            "catalogue_category",
            (
                "id path depth numchild name description slug ancestors_are_public is_public"
                " exclude_from_menu long_description name_vi name_en"
            ).split(),
            categories,
        )
        # Producers.
        partners, products, stock, links = [], [], [], []
        provinces = [p for p in PRODUCER_PROVINCES]
        product_id, record_id, link_id = (
            self.base["product"],
            self.base["stockrecord"],
            self.base["productcategory"],
        )
        created = self.now - timedelta(days=31 * self.months + 60)
        for idx in range(self.producers):
            pid = self.base["partner"] + idx + 1
            province = provinces[idx % len(provinces)]
            wards = self.wards[province][:40]
            ward = wards[rng.randrange(len(wards))]
            roll = rng.random()
            kind = "household" if roll < 0.6 else "cooperative" if roll < 0.9 else "enterprise"
            theme = idx % len(THEMES)
            person = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            place = ward.name.removeprefix("Xã ").removeprefix("Phường ")
            name = {
                "household": f"Hộ {person}",
                "cooperative": f"HTX {THEMES[theme][0]} {place}",
                "enterprise": f"Công ty TNHH {THEMES[theme][0]} {place}",
            }[kind] + f" {pid}"
            if kind == "household":
                tax_id = f"{province:03d}{rng.randrange(10**9):09d}"
                registration = ""
            else:
                tax_id = tax_code(rng)
                registration = f"{province:02d}{rng.randrange(10**8):08d}"
            free = 500000 if rng.random() < 0.3 else None
            rate = "0.0500" if rng.random() < 0.2 else None
            partners.append(
                (
                    pid,
                    f"nsx-{pid}",
                    name,
                    name,
                    True,
                    kind,
                    province,
                    int(ward.code),
                    f"Thôn {rng.randrange(1, 12)}",
                    rng.choice(CARRIERS),
                    "",
                    True,
                    person,
                    f"09{rng.randrange(10**8):08d}",
                    f"nsx{pid}@example.vn",
                    "vi",
                    "email",
                    registration,
                    tax_id,
                    25000,
                    40000,
                    free,
                    rate,
                    "970436",
                    f"{rng.randrange(10**12):012d}",
                    person.upper(),
                    "",
                    0,
                )
            )
            count = rng.randrange(3, 13)
            for k in range(count):
                product_id += 1
                record_id += 1
                link_id += 1
                base_title, price = THEMES[theme][2][k % 3]
                title = f"{base_title} {place} {k + 1}"
                stars = None
                if rng.random() < (0.15 if kind == "household" else 0.5):
                    stars = rng.choice((3, 3, 3, 4, 4, 5))
                price = (price + rng.randrange(-20, 40)) * 1000
                products.append(
                    (
                        product_id,
                        "standalone",
                        title,
                        title,
                        f"{slugify(title)}-{product_id}",
                        f"<p>{title}, từ {ward.name}.</p>",
                        f"<p>{title}, từ {ward.name}.</p>",
                        created,
                        created,
                        True,
                        True,
                        0,
                        product_class,
                        pid,
                        province,
                        int(ward.code),
                        stars,
                        "",
                        "",
                        "",
                        "",
                        search_form(title),
                        search_form(f"{title} {ward.name} {geo_name(province)}"),
                        1000,
                        "kg",
                        800,
                        0,
                        idx,
                        k,
                        count,
                        price,
                    )
                )
                stock.append(
                    (
                        record_id,
                        f"SKU-{product_id}",
                        "VND",
                        price,
                        100000,
                        0,
                        created,
                        created,
                        pid,
                        product_id,
                    )
                )
                links.append((link_id, self.base["category"] + theme + 1, product_id))
        self.copy(
            "partner_partner",
            (
                "id code name name_vi is_public kind province_code ward_code street"
                " default_carrier story cash_on_delivery representative phone email language"
                " notify_channel registration_number tax_id shipping_same_province"
                " shipping_elsewhere free_shipping_threshold commission_rate payout_bank_bin"
                " payout_account_number payout_account_holder suspension_reason reviews_count"
            ).split(),
            partners,
        )
        product_columns = (
            "id structure title title_vi slug description description_vi date_created"
            " date_updated is_discountable is_public priority product_class_id producer_id"
            " origin_province_code origin_ward_code ocop_stars geographical_indication season"
            " storage gtin search_title search_body net_quantity net_unit"
            " shipping_weight_grams reviews_count"
        ).split()
        self.copy("catalogue_product", product_columns, [p[:-4] for p in products])
        self.copy(
            "partner_stockrecord",
            (
                "id partner_sku price_currency price num_in_stock num_allocated date_created"
                " date_updated partner_id product_id"
            ).split(),
            stock,
        )
        self.copy("catalogue_productcategory", ("id", "category_id", "product_id"), links)
        # Staging copies for the SQL steps.
        self.sql(
            "CREATE TEMP TABLE seed_partner AS SELECT p.id, p.id - %s - 1 AS idx, p.kind,"
            " p.province_code, p.ward_code, p.default_carrier, p.shipping_same_province,"
            " p.shipping_elsewhere, p.free_shipping_threshold,"
            " coalesce(p.commission_rate, %s) AS rate, p.name,"
            " w.name AS ward_name, w.province_name"
            " FROM partner_partner p JOIN seed_ward w ON w.code = p.ward_code"
            " WHERE p.id > %s",
            [self.base["partner"], settings_rate(), self.base["partner"]],
        )
        self.sql("CREATE UNIQUE INDEX ON seed_partner (idx)")
        self.sql(
            "CREATE TEMP TABLE seed_product (product_id int, partner_id int, k int, np int,"
            " stockrecord_id int, price numeric, title text)"
        )
        self.copy(
            "seed_product",
            ("product_id", "partner_id", "k", "np", "stockrecord_id", "price", "title"),
            [
                (p[0], p[13], p[-3], p[-2], s[0], p[-1], p[2])
                for p, s in zip(products, stock, strict=True)
            ],
        )
        self.sql("CREATE UNIQUE INDEX ON seed_product (partner_id, k)")
        self.sql("ANALYZE seed_partner; ANALYZE seed_product; ANALYZE seed_ward")

    def buyers_and_orders(self) -> None:
        # The plan of every order: when, who, how it pays and how it ends.
        self.run(
            """
            CREATE TEMP TABLE seed_order0 AS
            SELECT {b_order} + n + 1 AS id, n,
                   mo.starts_at + make_interval(secs => (mod(n, {pm}) + pg_temp.u(n, 1)) / {pm}
                                                         * mo.span) AS placed,
                   pg_temp.u(n, 2) < 0.12 AS guest,
                   {b_user} + 1 + floor({B} * power(pg_temp.u(n, 3), 1.6))::int AS user_id,
                   CASE WHEN pg_temp.u(n, 4) < 0.28 THEN 'vnpay'
                        WHEN pg_temp.u(n, 4) < 0.40 THEN 'momo'
                        WHEN pg_temp.u(n, 4) < 0.52 THEN 'vietqr'
                        WHEN pg_temp.u(n, 4) < 0.58 THEN 'card'
                        ELSE 'cod' END AS method,
                   pg_temp.u(n, 5) AS fate,
                   CASE WHEN pg_temp.u(n, 6) < 0.85 THEN 1
                        WHEN pg_temp.u(n, 6) < 0.97 THEN 2 ELSE 3 END AS nship,
                   floor({P} * power(pg_temp.u(n, 7), 1.8))::int AS p0,
                   floor(20 * pg_temp.u(n, 8))::int AS bprov,
                   pg_temp.u(n, 9) AS wpick
            FROM generate_series(0, {total} - 1) n
            JOIN seed_month mo ON mo.m = n / {pm}
            """
        )
        self.sql(
            """
            CREATE TEMP TABLE seed_order AS
            SELECT o.*, CASE WHEN o.fate < 0.05 THEN 'cancelled'
                             WHEN o.method <> 'cod' AND o.fate < 0.08 AND o.placed > %s
                             THEN 'pending' ELSE 'live' END AS okind
            FROM seed_order0 o;
            DROP TABLE seed_order0;
            """,
            [self.now - timedelta(days=2)],
        )
        # Buyers: each signed-in one joined an hour before their first order; some never order.
        self.run(
            """
            INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            SELECT {b_user} + i, '!', false, 'khach' || ({b_user} + i),
                   (ARRAY['An','Bình','Chi','Dũng','Giang','Hà','Hải','Hoa','Lan','Nam'])
                       [1 + floor(10 * pg_temp.u(i, 40))::int],
                   (ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Vũ','Đặng','Bùi'])
                       [1 + floor(8 * pg_temp.u(i, 41))::int],
                   'khach' || ({b_user} + i) || '@example.vn', false, true,
                   coalesce(f.first - interval '1 hour',
                            (SELECT min(starts_at) FROM seed_month))
            FROM generate_series(1, {B}) i
            LEFT JOIN (SELECT user_id, min(placed) AS first FROM seed_order
                       WHERE NOT guest GROUP BY user_id) f ON f.user_id = {b_user} + i
            """
        )
        # One shipment per producer of an order, moved along by its age.
        self.run(
            """
            CREATE TEMP TABLE seed_ship0 AS
            SELECT {b_shipment} + row_number() OVER (ORDER BY o.id, j) AS id, o.id AS order_id,
                   o.placed, o.method, o.okind, o.guest, o.user_id, j,
                   bp.province AS buyer_province, p.id AS partner_id, p.idx AS pidx, p.kind,
                   p.province_code, p.default_carrier, p.rate, p.free_shipping_threshold,
                   CASE WHEN bp.province = p.province_code THEN p.shipping_same_province
                        ELSE p.shipping_elsewhere END AS rate_charge
            FROM seed_order o
            CROSS JOIN LATERAL generate_series(0, o.nship - 1) j
            JOIN seed_bprov bp ON bp.idx = o.bprov
            JOIN seed_partner p ON p.idx = (o.p0 + j) % {P}
            """
        )
        self.sql(
            """
            CREATE TEMP TABLE seed_ship1 AS
            SELECT s.*, t.t_confirm, t.t_ship, t.t_deliver, t.t_return, t.fate,
              CASE WHEN s.okind = 'cancelled' THEN 'cancelled'
                   WHEN s.okind = 'pending' THEN 'pending'
                   WHEN t.fate < 0.035 AND t.fate >= 0.02 THEN 'cancelled'
                   WHEN t.fate < 0.02 AND t.t_return <= %(now)s THEN 'returned'
                   WHEN t.fate >= 0.02 AND t.t_deliver <= %(now)s THEN 'delivered'
                   WHEN t.t_ship <= %(now)s THEN 'shipped'
                   WHEN s.placed + interval '8 hours' <= %(now)s THEN 'packed'
                   WHEN t.t_confirm <= %(now)s THEN 'confirmed'
                   ELSE 'new' END AS status
            FROM seed_ship0 s
            CROSS JOIN LATERAL (
              SELECT s.placed + make_interval(secs => 3600 * (1 + 5 * pg_temp.u(s.id, 20)))
                       AS t_confirm,
                     s.placed + make_interval(secs => 3600 * (12 + 36 * pg_temp.u(s.id, 21)))
                       AS t_ship,
                     s.placed + make_interval(secs => 3600 * (12 + 36 * pg_temp.u(s.id, 21)
                        + CASE WHEN s.buyer_province = s.province_code
                               THEN 10 + 40 * pg_temp.u(s.id, 22)
                               ELSE 18 + 100 * pg_temp.u(s.id, 22) END)) AS t_deliver,
                     s.placed + make_interval(secs => 3600 * (12 + 36 * pg_temp.u(s.id, 21)
                        + 96 + 72 * pg_temp.u(s.id, 22))) AS t_return,
                     pg_temp.u(s.id, 23) AS fate
            ) t
            """,
            {"now": self.now},
        )
        self.sql("DROP TABLE seed_ship0")
        # Lines: one to three of the producer's products, distinct within the order.
        self.run(
            """
            CREATE TEMP TABLE seed_line AS
            SELECT {b_line} + row_number() OVER (ORDER BY s.id, i) AS id, s.id AS ship_id,
                   s.order_id, s.partner_id, pr.product_id, pr.stockrecord_id, pr.title,
                   pr.price, q.qty, pr.price * q.qty AS amount
            FROM seed_ship1 s
            JOIN seed_product pr0 ON pr0.partner_id = s.partner_id AND pr0.k = 0
            CROSS JOIN LATERAL generate_series(0, least(pr0.np,
                CASE WHEN pg_temp.u(s.id, 30) < 0.7 THEN 1
                     WHEN pg_temp.u(s.id, 30) < 0.93 THEN 2 ELSE 3 END) - 1) i
            JOIN seed_product pr ON pr.partner_id = s.partner_id
                 AND pr.k = (floor(pr0.np * pg_temp.u(s.id, 31))::int + i) % pr0.np
            CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.u(s.id * 4 + i, 32) < 0.7 THEN 1
                                            WHEN pg_temp.u(s.id * 4 + i, 32) < 0.9 THEN 2
                                            ELSE 3 + floor(3 * pg_temp.u(s.id * 4 + i, 33))::int
                                       END AS qty) q
            """
        )
        self.sql(
            """
            CREATE TEMP TABLE seed_ship AS
            SELECT s.*, g.goods,
                   CASE WHEN s.free_shipping_threshold IS NOT NULL
                             AND g.goods >= s.free_shipping_threshold THEN 0
                        ELSE s.rate_charge END AS charge
            FROM seed_ship1 s
            JOIN (SELECT ship_id, sum(amount) AS goods FROM seed_line GROUP BY ship_id) g
              ON g.ship_id = s.id
            """
        )
        self.sql("DROP TABLE seed_ship1")
        # An order's totals, and for cash on delivery whether all its cash is in.
        self.sql(
            """
            CREATE TEMP TABLE seed_total AS
            SELECT o.*, a.goods, a.charge, a.live_due, a.settled, a.last_delivered,
              CASE WHEN o.okind = 'cancelled' THEN 'Cancelled'
                   WHEN o.okind = 'pending' THEN 'Pending payment'
                   WHEN o.method <> 'cod' THEN 'Paid'
                   WHEN a.settled AND a.last_delivered IS NOT NULL THEN 'Paid'
                   ELSE 'Cash on delivery' END AS status
            FROM seed_order o
            JOIN (SELECT order_id, sum(goods) AS goods, sum(charge) AS charge,
                         sum(goods + charge) FILTER (WHERE status NOT IN ('returned', 'cancelled'))
                           AS live_due,
                         bool_and(status IN ('delivered', 'returned', 'cancelled')) AS settled,
                         max(t_deliver) FILTER (WHERE status = 'delivered') AS last_delivered
                  FROM seed_ship GROUP BY order_id) a ON a.order_id = o.id
            """
        )
        self.sql("CREATE UNIQUE INDEX ON seed_total (id)")
        self.sql("ANALYZE seed_total; ANALYZE seed_ship; ANALYZE seed_line")

    def order_rows(self) -> None:
        self.run(
            """
            INSERT INTO order_shippingaddress (id, title, first_name, last_name, line1, line2,
                line3, line4, state, postcode, search_text, phone_number, notes, country_id,
                province_code, ward_code)
            SELECT {b_shippingaddress} + o.id - {b_order}, '', n.full, '',
                   'Số ' || (1 + o.n % 200) || ' đường ' || (ARRAY['Quang Trung','Lê Lợi',
                     'Trần Phú','Hùng Vương','Nguyễn Trãi','Lý Thường Kiệt'])
                     [1 + (o.n / 7) % 6], '', '', w.name, w.province_name, '',
                   n.full || ' ' || w.name || ' ' || w.province_name,
                   '+849' || lpad(((o.n::bigint * 7919) % 100000000)::text, 8, '0'), '', 'VN',
                   w.province, w.code
            FROM seed_total o
            JOIN seed_bprov bp ON bp.idx = o.bprov
            JOIN seed_ward w ON w.province = bp.province
                 AND w.idx = floor(bp.nwards * o.wpick)::int
            CROSS JOIN LATERAL (SELECT
                (ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Vũ','Đặng','Bùi','Đỗ','Ngô'])
                  [1 + o.n % 10] || ' ' ||
                (ARRAY['Văn','Thị','Minh','Ngọc','Thu','Đức'])[1 + (o.n / 10) % 6] || ' ' ||
                (ARRAY['An','Bình','Chi','Dũng','Giang','Hà','Hải','Hoa','Lan','Nam','Tâm',
                       'Yến'])[1 + (o.n / 60) % 12] AS full) n
            """
        )
        self.run(
            """
            INSERT INTO order_order (id, number, currency, total_incl_tax, total_excl_tax,
                shipping_incl_tax, shipping_excl_tax, shipping_method, shipping_code, status,
                guest_email, date_placed, shipping_address_id, site_id, user_id,
                analytics_tracked, language, notify_channel)
            SELECT o.id, (20000000 + o.id)::text, 'VND', o.goods + o.charge, o.goods + o.charge,
                   o.charge, o.charge, 'Shipping by each producer', 'per-producer', o.status,
                   CASE WHEN o.guest THEN 'khach' || o.n || '@example.vn' ELSE '' END,
                   o.placed, {b_shippingaddress} + o.id - {b_order},
                   (SELECT min(id) FROM django_site),
                   CASE WHEN o.guest THEN NULL ELSE o.user_id END, true, 'vi', 'email'
            FROM seed_total o ORDER BY o.id
            """
        )
        self.sql(
            """
            INSERT INTO order_line (id, partner_name, partner_sku, partner_line_reference,
                partner_line_notes, title, quantity, line_price_incl_tax, line_price_excl_tax,
                line_price_before_discounts_incl_tax, line_price_before_discounts_excl_tax,
                unit_price_incl_tax, unit_price_excl_tax, status, order_id, partner_id,
                product_id, stockrecord_id, allocation_cancelled, num_allocated)
            SELECT l.id, p.name, 'SKU-' || l.product_id, '', '', l.title, l.qty, l.amount,
                   l.amount, l.amount, l.amount, l.price, l.price,
                   CASE s.status WHEN 'pending' THEN 'Pending' WHEN 'new' THEN 'To confirm'
                        WHEN 'confirmed' THEN 'Confirmed' WHEN 'packed' THEN 'Packed'
                        WHEN 'shipped' THEN 'Shipped' WHEN 'delivered' THEN 'Delivered'
                        WHEN 'returned' THEN 'Returned' ELSE 'Cancelled' END,
                   l.order_id, l.partner_id, l.product_id, l.stockrecord_id,
                   s.status = 'cancelled', CASE WHEN s.status = 'cancelled' THEN 0 ELSE l.qty END
            FROM seed_line l JOIN seed_ship s ON s.id = l.ship_id
            JOIN seed_partner p ON p.id = l.partner_id
            ORDER BY l.id
            """
        )
        self.sql(
            """
            INSERT INTO fulfilment_shipment (id, order_id, partner_id, status, charge,
                charge_source, quoted_carrier, expected_delivery, carrier, tracking_number,
                waybill, waybill_reference, waybill_attempts, waybill_error,
                waybill_requested_at, label_url, sort_code, carrier_fee, weight_grams,
                tracking_status, tracking_at, tracking_token, cod, cod_due, cod_collected,
                cod_reported_at, receipt, received_at, returned_at, created_at, updated_at,
                shipped_at, delivered_at)
            SELECT s.id, s.order_id, s.partner_id, s.status, s.charge,
                   CASE WHEN s.charge = 0 THEN 'free' ELSE 'quote' END, s.default_carrier,
                   ((s.placed AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                     + CASE WHEN s.buyer_province = s.province_code THEN 2 ELSE 4 END),
                   CASE WHEN w.has_waybill THEN s.default_carrier ELSE '' END,
                   CASE WHEN w.has_waybill THEN upper(s.default_carrier) || s.id ELSE '' END,
                   CASE WHEN w.has_waybill THEN 'created' ELSE '' END,
                   CASE WHEN w.has_waybill THEN 'CP' || s.id ELSE '' END,
                   CASE WHEN w.has_waybill THEN 1 ELSE 0 END, '',
                   CASE WHEN w.has_waybill THEN s.placed + interval '8 hours' END, '', '',
                   CASE WHEN w.has_waybill THEN round(s.rate_charge * 0.8) END,
                   CASE WHEN w.has_waybill THEN 1000 + mod(s.id, 4) * 500 END,
                   CASE s.status WHEN 'packed' THEN 'ready_to_pick' WHEN 'shipped' THEN
                        'in_transit' WHEN 'delivered' THEN 'delivered'
                        WHEN 'returned' THEN 'returned' ELSE '' END,
                   CASE s.status WHEN 'packed' THEN s.placed + interval '8 hours'
                        WHEN 'shipped' THEN s.t_ship WHEN 'delivered' THEN s.t_deliver
                        WHEN 'returned' THEN s.t_return END,
                   lpad(s.id::text, 11, '0') || md5(s.id::text || 'seed'),
                   CASE WHEN s.method = 'cod' THEN
                        CASE WHEN s.status = 'delivered' THEN 'collected' ELSE 'due' END
                        ELSE '' END,
                   CASE WHEN s.method = 'cod' THEN s.goods + s.charge ELSE 0 END,
                   CASE WHEN s.method = 'cod' AND s.status = 'delivered'
                        THEN s.goods + s.charge END,
                   CASE WHEN s.method = 'cod' AND s.status = 'delivered' THEN s.t_deliver END,
                   CASE WHEN s.status <> 'delivered' THEN ''
                        WHEN s.fate > 0.7 THEN 'buyer'
                        WHEN s.t_deliver + interval '3 days' <= %(now)s THEN 'auto'
                        ELSE '' END,
                   CASE WHEN s.status <> 'delivered' THEN NULL
                        WHEN s.fate > 0.7 THEN s.t_deliver + interval '2 hours'
                        WHEN s.t_deliver + interval '3 days' <= %(now)s
                             THEN s.t_deliver + interval '3 days' END,
                   CASE WHEN s.status = 'returned' THEN s.t_return END,
                   s.placed,
                   least(%(now)s, CASE s.status WHEN 'delivered' THEN s.t_deliver
                        WHEN 'returned' THEN s.t_return WHEN 'shipped' THEN s.t_ship
                        ELSE s.placed END),
                   CASE WHEN s.status IN ('shipped', 'delivered', 'returned') THEN s.t_ship END,
                   CASE WHEN s.status = 'delivered' THEN s.t_deliver END
            FROM seed_ship s
            CROSS JOIN LATERAL (SELECT s.status IN ('packed', 'shipped', 'delivered',
                                                    'returned') AS has_waybill) w
            ORDER BY s.id
            """,
            {"now": self.now},
        )

    def payments(self, operator: int) -> None:
        # Online orders: one attempt, with a failed try before 5 % of the payments; cash on
        # delivery: one attempt, paid when every parcel's cash is in.
        self.run(
            """
            INSERT INTO payments_paymentattempt (id, order_id, method, reference, amount,
                currency, status, gateway_txn_id, gateway_reference, qr_payload, response_code,
                refunded, needs_review, created_at, expires_at, paid_at, updated_at)
            SELECT {b_paymentattempt} + 2 * (o.id - {b_order}) - 1, o.id, o.method,
                   'SF' || ({b_paymentattempt} + 2 * (o.id - {b_order}) - 1), o.goods + o.charge,
                   'VND', 'failed', '', '', '', '24', 0, '', o.placed,
                   o.placed + interval '15 minutes', NULL, o.placed + interval '2 minutes'
            FROM seed_total o
            WHERE o.method <> 'cod' AND o.okind = 'live' AND pg_temp.u(o.id, 50) < 0.05
            """
        )
        self.sql(
            self.fmt(
                """
            INSERT INTO payments_paymentattempt (id, order_id, method, reference, amount,
                currency, status, gateway_txn_id, gateway_reference, qr_payload, response_code,
                refunded, needs_review, created_at, expires_at, paid_at, updated_at)
            SELECT {b_paymentattempt} + 2 * (o.id - {b_order}), o.id, o.method,
                   'SF' || ({b_paymentattempt} + 2 * (o.id - {b_order})),
                   CASE WHEN o.method = 'cod' AND o.live_due > 0 THEN o.live_due
                        ELSE o.goods + o.charge END,
                   'VND', a.status,
                   CASE WHEN a.status = 'paid' AND o.method <> 'cod'
                        THEN 'GD' || (o.id * 7 + 13) ELSE '' END,
                   '', '',
                   CASE a.status WHEN 'paid' THEN '00' WHEN 'failed' THEN '24' ELSE '' END,
                   0, '', a.created, a.created + CASE o.method
                        WHEN 'vietqr' THEN interval '24 hours'
                        WHEN 'card' THEN interval '1 hour'
                        WHEN 'cod' THEN interval '3650 days'
                        ELSE interval '15 minutes' END,
                   CASE WHEN a.status = 'paid' THEN
                        CASE WHEN o.method = 'cod' THEN o.last_delivered
                             ELSE a.created + make_interval(secs => 60 + 420 * o.fate) END
                   END,
                   least(%(now)s, CASE WHEN o.method = 'cod' AND a.status = 'paid'
                                       THEN o.last_delivered
                                       ELSE a.created + interval '10 minutes' END)
            FROM seed_total o
            CROSS JOIN LATERAL (SELECT
              CASE WHEN o.okind = 'cancelled' THEN
                        CASE WHEN o.method = 'cod' THEN 'cancelled'
                             WHEN o.fate < 0.025 THEN 'failed' ELSE 'expired' END
                   WHEN o.okind = 'pending' THEN 'pending'
                   WHEN o.method <> 'cod' THEN 'paid'
                   WHEN o.status = 'Paid' THEN 'paid'
                   WHEN o.settled THEN 'cancelled'
                   ELSE 'pending' END AS status,
              o.placed + CASE WHEN o.method <> 'cod' AND o.okind = 'live'
                                   AND pg_temp.u(o.id, 50) < 0.05
                              THEN interval '3 minutes' ELSE interval '0' END AS created) a
            ORDER BY o.id
            """
            ),
            {"now": self.now},
        )
        # Refunds: prepaid parcels cancelled or returned, and complaints settled by a refund.
        self.sql(
            """
            CREATE TEMP TABLE seed_complaint AS
            SELECT DISTINCT ON (s.id) s.id AS ship_id, s.order_id, s.partner_id, s.kind,
                   s.rate, s.method, s.user_id, s.guest, s.t_deliver, l.id AS line_id,
                   l.amount, o.status AS ostatus,
                   s.t_deliver + make_interval(secs => 3600 * (2 + 46 * pg_temp.u(s.id, 61)))
                     AS opened,
                   pg_temp.u(s.id, 62) AS r1, pg_temp.u(s.id, 63) AS r2,
                   4 + 116 * pg_temp.u(s.id, 64) AS hours
            FROM seed_ship s
            JOIN seed_total o ON o.id = s.order_id
            JOIN seed_line l ON l.ship_id = s.id
            WHERE s.status = 'delivered' AND pg_temp.u(s.id, 60) < 0.012
              AND s.t_deliver + interval '2 days' <= %(now)s
            ORDER BY s.id, l.id
            """,
            {"now": self.now},
        )
        self.sql(
            """
            ALTER TABLE seed_complaint ADD COLUMN state text, ADD COLUMN remedy text,
                ADD COLUMN decided timestamptz;
            UPDATE seed_complaint SET
              state = CASE WHEN opened + interval '7 days' > %(now)s THEN 'open'
                           WHEN r1 < 0.1 THEN 'withdrawn' ELSE 'resolved' END,
              remedy = CASE WHEN r2 < 0.6 THEN 'refund' WHEN r2 < 0.8 THEN 'replace'
                            ELSE 'none' END;
            UPDATE seed_complaint SET decided = opened + make_interval(secs => 3600 * hours)
              WHERE state = 'resolved';
            """,
            {"now": self.now},
        )
        self.run(
            """
            CREATE TEMP TABLE seed_refund AS
            SELECT {b_refund} + row_number() OVER (ORDER BY at, src, ship_id) AS id, *
            FROM (
              SELECT 'parcel' AS src, s.id AS ship_id, s.order_id, s.partner_id,
                     s.goods + s.charge AS amount,
                     CASE WHEN s.status = 'returned' THEN s.t_return ELSE s.t_confirm END AS at,
                     CASE WHEN s.status = 'returned' THEN 'Hàng hoàn về nhà sản xuất'
                          ELSE 'Người mua huỷ phần đơn trước khi đóng gói' END AS reason,
                     NULL::bigint AS line_id, s.kind, s.rate, NULL::timestamptz AS sold_at
              FROM seed_ship s
              WHERE s.method <> 'cod' AND s.okind = 'live'
                AND s.status IN ('cancelled', 'returned')
              UNION ALL
              SELECT 'complaint', c.ship_id, c.order_id, c.partner_id, c.amount, c.decided,
                     'Hoàn tiền theo khiếu nại', c.line_id, c.kind, c.rate, c.t_deliver
              FROM seed_complaint c
              WHERE c.state = 'resolved' AND c.remedy = 'refund' AND c.method <> 'cod'
            ) r
            WHERE r.at <= %s
            """,
            [self.now],
        )
        self.run(
            """
            INSERT INTO payments_refund (id, attempt_id, amount, reason, status,
                gateway_reference, partner_id, created_by_id, created_at)
            SELECT r.id, {b_paymentattempt} + 2 * (r.order_id - {b_order}), r.amount, r.reason,
                   'accepted', 'HT' || r.id, r.partner_id, %s, r.at
            FROM seed_refund r ORDER BY r.id
            """,
            [operator],
        )
        self.run(
            """
            UPDATE payments_paymentattempt a SET refunded = r.total
            FROM (SELECT order_id, sum(amount) AS total FROM seed_refund GROUP BY order_id) r
            WHERE a.id = {b_paymentattempt} + 2 * (r.order_id - {b_order})
            """
        )
        self.run(
            """
            INSERT INTO complaints_complaint (id, reference, order_id, shipment_id, line_id,
                partner_id, user_id, language, reason, description, wish, quantity, state,
                opened_at, answer_due_at, answered_at, buyer_due_at, escalated_at,
                escalated_automatically, decided_at, resolved_at, resolved_in_time, remedy,
                remedy_amount, remedy_note, decided_by_role, refund_id, payout_bank_bin,
                payout_account_number, payout_account_holder, payout_recorded_at,
                payout_recorded_by_id, execution_error)
            SELECT {b_complaint} + row_number() OVER (ORDER BY c.opened, c.ship_id),
                   'KN-S-' || c.ship_id, c.order_id, c.ship_id, c.line_id, c.partner_id,
                   CASE WHEN c.guest THEN NULL ELSE c.user_id END, 'vi',
                   (ARRAY['damaged','not_as_described','missing','wrong_product','late',
                          'origin'])[1 + floor(6 * power(c.r1, 1.5))::int],
                   'Hàng nhận được không như mô tả, hộp bị móp.',
                   CASE WHEN c.r2 < 0.7 THEN 'refund' ELSE 'replace' END, 1, c.state,
                   c.opened, c.opened + interval '48 hours',
                   CASE WHEN c.state = 'resolved' AND c.hours <= 48 THEN c.decided END,
                   NULL,
                   CASE WHEN c.state = 'resolved' AND c.hours > 48
                        THEN c.opened + interval '48 hours' END,
                   c.state = 'resolved' AND c.hours > 48,
                   c.decided, c.decided,
                   CASE WHEN c.state = 'resolved' THEN c.hours <= 48 END,
                   CASE WHEN c.state = 'resolved' THEN c.remedy ELSE '' END,
                   CASE WHEN c.state = 'resolved' AND c.remedy = 'refund' THEN c.amount END,
                   '',
                   CASE WHEN c.state <> 'resolved' THEN ''
                        WHEN c.hours <= 48 THEN 'producer' ELSE 'operator' END,
                   r.id,
                   CASE WHEN cod_payout THEN '970436' ELSE '' END,
                   CASE WHEN cod_payout THEN '0' || lpad(c.ship_id::text, 11, '0') ELSE '' END,
                   CASE WHEN cod_payout THEN 'NGUOI MUA' ELSE '' END,
                   CASE WHEN cod_payout THEN c.decided + interval '1 day' END,
                   CASE WHEN cod_payout THEN %s END, ''
            FROM seed_complaint c
            LEFT JOIN seed_refund r ON r.src = 'complaint' AND r.ship_id = c.ship_id
            CROSS JOIN LATERAL (SELECT c.state = 'resolved' AND c.remedy = 'refund'
                                       AND c.method = 'cod'
                                       AND c.decided + interval '1 day' <= %s AS cod_payout) p
            """,
            [operator, self.now],
        )

    def ledger(self, operator: int) -> None:
        vat, pit = VAT_RATE, PIT_RATE
        self.sql(
            f"""
            CREATE TEMP TABLE seed_entry0 AS
            SELECT 'sale' AS kind, l.partner_id, l.order_id, l.id AS line_id,
                   NULL::bigint AS shipment_id, NULL::bigint AS refund_id,
                   left(l.title, 255) AS description, l.qty AS quantity, l.amount AS gross,
                   round(l.amount * s.rate) AS commission,
                   CASE WHEN s.kind = 'household' AND s.t_deliver >= %(from)s
                        THEN round(l.amount * {vat}) ELSE 0 END AS vat,
                   CASE WHEN s.kind = 'household' AND s.t_deliver >= %(from)s
                        THEN round(l.amount * {pit}) ELSE 0 END AS pit,
                   s.rate, s.t_deliver AS earned_at
            FROM seed_line l JOIN seed_ship s ON s.id = l.ship_id
            JOIN seed_total o ON o.id = s.order_id
            WHERE s.status = 'delivered' AND (s.method = 'cod' OR o.status = 'Paid')
            UNION ALL
            SELECT 'shipping', s.partner_id, s.order_id, NULL, s.id, NULL, '', NULL, s.charge,
                   0, 0, 0, 0, s.t_deliver
            FROM seed_ship s JOIN seed_total o ON o.id = s.order_id
            WHERE s.status = 'delivered' AND s.charge > 0
              AND (s.method = 'cod' OR o.status = 'Paid')
            UNION ALL
            SELECT 'refund', r.partner_id, r.order_id, NULL, NULL, r.id, r.reason, NULL,
                   -r.amount, -round(r.amount * r.rate),
                   CASE WHEN r.kind = 'household' AND r.sold_at >= %(from)s
                        THEN -round(r.amount * {vat}) ELSE 0 END,
                   CASE WHEN r.kind = 'household' AND r.sold_at >= %(from)s
                        THEN -round(r.amount * {pit}) ELSE 0 END,
                   r.rate, r.at
            FROM seed_refund r WHERE r.src = 'complaint'
            """,
            {"from": WITHHOLDING_FROM},
        )
        today = self.now.astimezone(LOCAL).date()
        self.sql(
            """
            CREATE TEMP TABLE seed_entry AS
            SELECT e.*, date_trunc('month', d.d)::date
                          + CASE WHEN extract(day FROM d.d) >= 16 THEN 15 ELSE 0 END
                          AS period_start,
                   CASE WHEN extract(day FROM d.d) >= 16
                        THEN (date_trunc('month', d.d) + interval '1 month - 1 day')::date
                        ELSE date_trunc('month', d.d)::date + 14 END AS period_end
            FROM seed_entry0 e
            CROSS JOIN LATERAL (SELECT (e.earned_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                                AS d) d;
            DROP TABLE seed_entry0;
            """
        )
        self.run(
            """
            CREATE TEMP TABLE seed_statement AS
            SELECT {b_statement} + row_number() OVER (ORDER BY period_start, partner_id) AS id,
                   partner_id, period_start, period_end,
                   sum(gross) FILTER (WHERE kind = 'sale') AS gross_sales,
                   sum(gross) FILTER (WHERE kind = 'shipping') AS shipping,
                   sum(gross) FILTER (WHERE kind = 'refund') AS refunds,
                   sum(commission) AS commission, sum(vat) AS vat, sum(pit) AS pit,
                   sum(gross - commission - vat - pit) AS net
            FROM seed_entry WHERE period_end < %s
            GROUP BY partner_id, period_start, period_end
            """,
            [today],
        )
        self.sql(
            """
            INSERT INTO settlements_statement (id, partner_id, reference, period_start,
                period_end, status, gross_sales, shipping, refunds, carried, commission,
                vat_withheld, pit_withheld, net, issued_at, paid_at, paid_by_id,
                bank_reference)
            SELECT s.id, s.partner_id,
                   'QT' || to_char(s.period_start, 'YYMMDD') || 'P' || s.partner_id,
                   s.period_start, s.period_end, st.status, coalesce(s.gross_sales, 0),
                   coalesce(s.shipping, 0), coalesce(s.refunds, 0), 0, s.commission, s.vat,
                   s.pit, s.net, st.issued,
                   CASE WHEN st.status = 'paid' THEN st.issued + interval '2 days' END,
                   CASE WHEN st.status = 'paid' THEN %(operator)s END,
                   CASE WHEN st.status = 'paid' THEN 'FT' || s.id ELSE '' END
            FROM seed_statement s
            CROSS JOIN LATERAL (SELECT
              CASE WHEN s.net <= 0 THEN 'nothing'
                   WHEN s.period_end = (SELECT max(period_end) FROM seed_statement) THEN 'issued'
                   ELSE 'paid' END AS status,
              least(%(now)s, ((s.period_end + 1)::timestamp + interval '8 hours')
                             AT TIME ZONE 'Asia/Ho_Chi_Minh') AS issued) st
            ORDER BY s.id
            """,
            {"operator": operator, "now": self.now},
        )
        self.run(
            """
            INSERT INTO settlements_entry (id, partner_id, kind, order_id, line_id, shipment_id,
                refund_id, description, quantity, gross, commission, vat_withheld,
                pit_withheld, net, rate, earned_at, recorded_at, statement_id)
            SELECT {b_entry} + row_number() OVER (ORDER BY e.earned_at, e.kind, e.line_id,
                                                    e.shipment_id, e.refund_id),
                   e.partner_id, e.kind, e.order_id, e.line_id, e.shipment_id, e.refund_id,
                   e.description, e.quantity, e.gross, e.commission, e.vat, e.pit,
                   e.gross - e.commission - e.vat - e.pit, e.rate, e.earned_at,
                   least(%s, e.earned_at + interval '30 minutes'), s.id
            FROM seed_entry e
            LEFT JOIN seed_statement s ON s.partner_id = e.partner_id
                 AND s.period_start = e.period_start
            """,
            [self.now],
        )

    def reviews(self) -> None:
        self.run(
            """
            INSERT INTO reviews_productreview (id, product_id, partner_id, line_id, user_id,
                score, title, body, name, email, homepage, status, total_votes, delta_votes,
                date_created, purchased_at, language, answer, hidden_reason)
            SELECT {b_productreview} + row_number() OVER (ORDER BY r.at, l.id), l.product_id,
                   l.partner_id, l.id, s.user_id, r.score,
                   (ARRAY['Tệ','Chưa ưng','Tạm được','Hàng tốt','Rất hài lòng'])[r.score],
                   (ARRAY['Hàng không như mô tả.','Giao chậm, hàng bình thường.',
                          'Được, đóng gói cẩn thận.','Hàng tốt, sẽ mua lại.',
                          'Đúng chất đặc sản, cả nhà đều thích.'])[r.score],
                   'Khách', '', '', 1, 0, 0, r.at, s.placed, 'vi', '', ''
            FROM seed_line l JOIN seed_ship s ON s.id = l.ship_id
            CROSS JOIN LATERAL (SELECT
                s.t_deliver + make_interval(secs => 86400 * (1 + 9 * pg_temp.u(l.id, 71))) AS at,
                CASE WHEN pg_temp.u(l.id, 72) < 0.03 THEN 1 WHEN pg_temp.u(l.id, 72) < 0.07
                     THEN 2 WHEN pg_temp.u(l.id, 72) < 0.17 THEN 3
                     WHEN pg_temp.u(l.id, 72) < 0.45 THEN 4 ELSE 5 END AS score) r
            WHERE s.status = 'delivered' AND NOT s.guest AND pg_temp.u(l.id, 70) < 0.15
              AND r.at <= %s
            """,
            [self.now],
        )
        self.run(
            """
            UPDATE catalogue_product p SET rating = r.rating, reviews_count = r.n
            FROM (SELECT product_id, avg(score) AS rating, count(*) AS n
                  FROM reviews_productreview WHERE id > {b_productreview}
                  GROUP BY product_id) r
            WHERE p.id = r.product_id;
            UPDATE partner_partner p SET rating = r.rating, reviews_count = r.n
            FROM (SELECT partner_id, avg(score) AS rating, count(*) AS n
                  FROM reviews_productreview WHERE id > {b_productreview}
                  GROUP BY partner_id) r
            WHERE p.id = r.partner_id;
            """
        )

    def traceability(self) -> None:
        start = self.now.astimezone(LOCAL)
        first = month_windows(self.months, self.now)[0][1]
        quarters = []
        q = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
        while q <= start.date():
            quarters.append((len(quarters), q))
            q = date(q.year + (q.month + 2) // 12, (q.month + 2) % 12 + 1, 1)
        self.sql("CREATE TEMP TABLE seed_quarter (q int, starts date)")
        self.copy("seed_quarter", ("q", "starts"), quarters)
        self.run(
            """
            CREATE TEMP TABLE seed_lot AS
            SELECT {b_lot} + row_number() OVER (ORDER BY q.q, pr.product_id) AS id,
                   pr.product_id, pr.partner_id, q.q, q.starts,
                   'S' || to_char(q.starts, 'YY') || 'Q' || (1 + q.q % 4) || '-' || pr.product_id
                     AS code,
                   q.starts - 20 AS produced,
                   pg_temp.u(pr.product_id * 100 + q.q, 81) < 0.75 AS inspected,
                   pg_temp.u(pr.product_id * 100 + q.q, 82) < 0.85 AS anchored
            FROM seed_product pr CROSS JOIN seed_quarter q
            WHERE pg_temp.u(pr.product_id, 80) < 0.4
            """
        )
        self.sql(
            """
            INSERT INTO traceability_lot (id, product_id, producer_id, code, production_date,
                origin_province_code, origin_province_name, origin_ward_code, origin_ward_name,
                quantity, unit, ocop_certificate, gi_certificate, created_at, flag_reason,
                scan_count)
            SELECT l.id, l.product_id, l.partner_id, l.code, l.produced, p.province_code,
                   p.province_name, p.ward_code, p.ward_name, 1000, 'KGM', '', '',
                   (l.produced::timestamp + interval '7 hours') AT TIME ZONE 'Asia/Ho_Chi_Minh',
                   '', 0
            FROM seed_lot l JOIN seed_partner p ON p.id = l.partner_id
            """
        )
        self.run(
            """
            CREATE TEMP TABLE seed_event AS
            SELECT {b_event} + row_number() OVER (ORDER BY e.lot_id, e.seq) AS id, e.*,
                   '0x' || encode(sha256(convert_to(e.canonical, 'UTF8')), 'hex') AS digest
            FROM (
              SELECT l.id AS lot_id, l.q, l.anchored,
                     row_number() OVER (PARTITION BY l.id ORDER BY st.o) AS seq,
                     st.step, st.at,
                     json_build_object('type', 'ObjectEvent', 'bizStep', st.step,
                       'eventTime', st.at, 'lot', l.code, 'lotId', l.id, 'o', st.o,
                       'seed', {seed})::text AS canonical
              FROM seed_lot l
              CROSS JOIN LATERAL (VALUES
                (1, 'commissioning', l.produced::timestamp + interval '7 hours'),
                (2, CASE WHEN l.inspected THEN 'inspecting' END,
                    l.produced::timestamp + interval '3 days 9 hours'),
                (3, 'packing', l.produced::timestamp + interval '5 days 8 hours')) st0(o, step, t)
              CROSS JOIN LATERAL (SELECT st0.o, st0.step,
                                         st0.t AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at) st
              WHERE st.step IS NOT NULL
            ) e
            """
        )
        self.run(
            """
            INSERT INTO traceability_event (id, lot_id, seq, event_id, biz_step, event_time,
                canonical, digest, prev_digest, signer, signature, signature_contract,
                recorded_at)
            SELECT e.id, e.lot_id, e.seq, 'urn:uuid:' || md5(e.digest)::uuid, e.step, e.at,
                   e.canonical, e.digest,
                   coalesce(lag(e.digest) OVER (PARTITION BY e.lot_id ORDER BY e.seq), ''),
                   '', '', '', e.at
            FROM seed_event e ORDER BY e.id
            """
        )
        registry = self.base["registrydeployment"] + 1
        self.sql(
            "INSERT INTO traceability_registrydeployment (id, chain_id, address, owner, tx_hash,"
            " block_number, deployed_at) VALUES (%s, 31337, '0x' || left(md5(%s), 40 - 32)"
            " || md5(%s), '0x' || repeat('a', 40), '0x' || md5(%s) || md5(%s), 1, %s)",
            [
                registry,
                f"r{registry}",
                f"registry-{registry}-{self.seed}",
                f"t{registry}",
                f"tx{registry}",
                month_windows(self.months, self.now)[0][1] - timedelta(days=120),
            ],
        )
        self.run(
            """
            CREATE TEMP TABLE seed_batch AS
            SELECT {b_anchorbatch} + row_number() OVER (ORDER BY q) AS id, q, count(*) AS n,
                   max(at) + interval '1 hour' AS at
            FROM seed_event WHERE anchored GROUP BY q
            """
        )
        self.sql(
            """
            INSERT INTO traceability_anchorbatch (id, registry_id, root, count, heads_root,
                lots_filter, state, tx_hash, block_number, anchored_at, attempts, last_error,
                lease_owner, created_at, confirmed_at)
            SELECT b.id, %s, '0x' || encode(sha256(convert_to('batch' || b.id, 'UTF8')), 'hex'),
                   b.n, '', '', 'confirmed',
                   '0x' || encode(sha256(convert_to('tx' || b.id, 'UTF8')), 'hex'),
                   1000 + b.id, b.at, 1, '', '', b.at, b.at
            FROM seed_batch b
            """,
            [registry],
        )
        self.sql(
            """
            INSERT INTO traceability_eventproof (event_id, batch_id, proof)
            SELECT e.id, b.id, '[]'::jsonb FROM seed_event e JOIN seed_batch b ON b.q = e.q
            WHERE e.anchored;
            INSERT INTO traceability_lothead (id, batch_id, lot_id, key, digest, count, proof)
            SELECT (SELECT coalesce(max(id), 0) FROM traceability_lothead)
                     + row_number() OVER (ORDER BY e.lot_id), b.id, e.lot_id,
                   '0x' || encode(sha256(convert_to('lot' || e.lot_id, 'UTF8')), 'hex'),
                   e.digest, e.seq, '[]'::jsonb
            FROM (SELECT DISTINCT ON (lot_id) * FROM seed_event WHERE anchored
                  ORDER BY lot_id, seq DESC) e
            JOIN seed_batch b ON b.q = e.q;
            """
        )
        self.sql("CREATE INDEX ON seed_lot (product_id, starts)")
        self.run(
            """
            INSERT INTO traceability_lotshipment (id, order_line_id, lot_id, quantity,
                created_at)
            SELECT {b_lotshipment} + row_number() OVER (ORDER BY l.id), l.id, lot.id, l.qty,
                   s.t_ship
            FROM seed_line l JOIN seed_ship s ON s.id = l.ship_id
            JOIN seed_lot lot ON lot.product_id = l.product_id
                 AND lot.starts = date_trunc('quarter',
                                             s.placed AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
            WHERE s.status IN ('shipped', 'delivered', 'returned')
            """
        )

    def finish(self) -> dict[str, int]:
        for table in ID_TABLES:
            self.sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"  # noqa: S608
            )
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
                self.sql(f"SELECT count(*) FROM {table} WHERE id > %s", [self.base[table.split("_", 1)[1]]])  # noqa: S608
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
            ("catalogue", seeder.catalogue),
            ("plan", seeder.buyers_and_orders),
            ("orders", seeder.order_rows),
            ("payments", lambda: seeder.payments(seeder.operator_id)),
            ("ledger", lambda: seeder.ledger(seeder.operator_id)),
            ("reviews", seeder.reviews),
            ("traceability", seeder.traceability),
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



def format_base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def geo_name(province: int) -> str:
    from shop import geo

    return geo.province(province).name


def settings_rate():
    from django.conf import settings

    return settings.MARKETPLACE_COMMISSION_RATE


if __name__ == "__main__":
    main()

"""The floor's producers, categories, products and stock (a few thousand rows, by COPY), and
their staging copies for the SQL steps."""

from __future__ import annotations

from datetime import timedelta

from bench.floor import (
    CARRIERS,
    FAMILY,
    GIVEN,
    MIDDLE,
    PRODUCER_PROVINCES,
    THEMES,
    format_base36,
    tax_code,
)


def catalogue(s) -> None:
    from shop.catalogue.models import search_form
    from shop.text import slugify

    rng = s.rng
    s.sql("SELECT id FROM catalogue_productclass ORDER BY id LIMIT 1")
    row = s.cur.fetchone()
    if row is None:
        s.sql(
            "INSERT INTO catalogue_productclass (name, slug, requires_shipping, track_stock)"
            " VALUES ('Đặc sản', 'dac-san', true, true) RETURNING id"
        )
        row = s.cur.fetchone()
    product_class = row[0]
    # Categories: ours at the root after any there (treebeard paths of 4 characters).
    s.sql("SELECT max(path) FROM catalogue_category WHERE depth = 1")
    last = s.cur.fetchone()[0]
    first = int(last, 36) + 1 if last else 1
    categories = []
    cat_id = s.base["category"]
    for i, (vi, en, _goods) in enumerate(THEMES):
        cat_id += 1
        path = format_base36(first + i).rjust(4, "0")
        categories.append((cat_id, path, 1, 0, vi, "", slugify(vi), True, True, False, "", vi, en))
    s.copy(
        "catalogue_category",
        [
            "id",
            "path",
            "depth",
            "numchild",
            "name",
            "description",
            "slug",
            "ancestors_are_public",
            "is_public",
            "exclude_from_menu",
            "long_description",
            "name_vi",
            "name_en",
        ],
        categories,
    )
    # Producers.
    partners, products, stock, links = [], [], [], []
    provinces = [p for p in PRODUCER_PROVINCES]
    product_id, record_id, link_id = (
        s.base["product"],
        s.base["stockrecord"],
        s.base["productcategory"],
    )
    created = s.now - timedelta(days=31 * s.months + 60)
    for idx in range(s.producers):
        pid = s.base["partner"] + idx + 1
        province = provinces[idx % len(provinces)]
        wards = s.wards[province][:40]
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
            links.append((link_id, s.base["category"] + theme + 1, product_id))
    s.copy(
        "partner_partner",
        [
            "id",
            "code",
            "name",
            "name_vi",
            "is_public",
            "kind",
            "province_code",
            "ward_code",
            "street",
            "default_carrier",
            "story",
            "cash_on_delivery",
            "representative",
            "phone",
            "email",
            "language",
            "notify_channel",
            "registration_number",
            "tax_id",
            "shipping_same_province",
            "shipping_elsewhere",
            "free_shipping_threshold",
            "commission_rate",
            "payout_bank_bin",
            "payout_account_number",
            "payout_account_holder",
            "suspension_reason",
            "reviews_count",
        ],
        partners,
    )
    product_columns = [
        "id",
        "structure",
        "title",
        "title_vi",
        "slug",
        "description",
        "description_vi",
        "date_created",
        "date_updated",
        "is_discountable",
        "is_public",
        "priority",
        "product_class_id",
        "producer_id",
        "origin_province_code",
        "origin_ward_code",
        "ocop_stars",
        "geographical_indication",
        "season",
        "storage",
        "gtin",
        "search_title",
        "search_body",
        "net_quantity",
        "net_unit",
        "shipping_weight_grams",
        "reviews_count",
    ]
    s.copy("catalogue_product", product_columns, [p[:-4] for p in products])
    s.copy(
        "partner_stockrecord",
        [
            "id",
            "partner_sku",
            "price_currency",
            "price",
            "num_in_stock",
            "num_allocated",
            "date_created",
            "date_updated",
            "partner_id",
            "product_id",
        ],
        stock,
    )
    s.copy("catalogue_productcategory", ("id", "category_id", "product_id"), links)
    # Staging copies for the SQL steps.
    s.sql(
        "CREATE TEMP TABLE seed_partner AS SELECT p.id, p.id - %s - 1 AS idx, p.kind,"
        " p.province_code, p.ward_code, p.default_carrier, p.shipping_same_province,"
        " p.shipping_elsewhere, p.free_shipping_threshold,"
        " coalesce(p.commission_rate, %s) AS rate, p.name,"
        " w.name AS ward_name, w.province_name"
        " FROM partner_partner p JOIN seed_ward w ON w.code = p.ward_code"
        " WHERE p.id > %s",
        [s.base["partner"], settings_rate(), s.base["partner"]],
    )
    s.sql("CREATE UNIQUE INDEX ON seed_partner (idx)")
    s.sql(
        "CREATE TEMP TABLE seed_product (product_id int, partner_id int, k int, np int,"
        " stockrecord_id int, price numeric, title text)"
    )
    s.copy(
        "seed_product",
        ("product_id", "partner_id", "k", "np", "stockrecord_id", "price", "title"),
        [
            (p[0], p[13], p[-3], p[-2], s[0], p[-1], p[2])
            for p, s in zip(products, stock, strict=True)
        ],
    )
    s.sql("CREATE UNIQUE INDEX ON seed_product (partner_id, k)")
    s.sql("ANALYZE seed_partner; ANALYZE seed_product; ANALYZE seed_ward")


def geo_name(province: int) -> str:
    from shop import geo

    return geo.province(province).name


def settings_rate():
    from django.conf import settings

    return settings.MARKETPLACE_COMMISSION_RATE

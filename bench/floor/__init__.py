"""What the benchmark floor (bench/seed_floor.py) is made of: its places, names, goods, rates and
calendar, and the tables it fills."""

from __future__ import annotations

import random
import zoneinfo
from datetime import datetime

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


def format_base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out

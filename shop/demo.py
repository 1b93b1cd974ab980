"""A believable floor for development and demos: producers, products, stock and one account a role.

`demo_load()` is idempotent: records are found by their natural keys and updated, so running it
again changes nothing and creates nothing twice.
"""

import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from oscar.core.loading import get_model
from PIL import Image, ImageDraw, ImageFont

from shop import geo, roles
from shop.text import fold, slugify

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Country = get_model("address", "Country")

PROVINCE = 8  # Tuyên Quang (Hà Giang merged into it in 2025)
DEMO_PASSWORD = "cho-phien-demo"  # noqa: S105 (a published demo login, not a secret)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    first_name: str
    last_name: str


ACCOUNTS = [
    DemoAccount("operator", "operator@chophien.test", "Lan", "Nguyễn"),
    DemoAccount("producer", "mat-ong@chophien.test", "Sính", "Thào Mí"),
    DemoAccount("producer", "che@chophien.test", "Chớ", "Lý Seo"),
    DemoAccount("inspector", "inspector@chophien.test", "Hùng", "Trần"),
    DemoAccount("buyer", "buyer@chophien.test", "Mai", "Phạm"),
]

CATEGORIES = [
    ("Mật ong", "#c98a12"),
    ("Chè & trà", "#3f7d3a"),
    ("Trái cây", "#e0861b"),
    ("Thịt gác bếp & đồ khô", "#8c3b22"),
    ("Rượu & đồ uống", "#7a2a55"),
    ("Bánh & ngũ cốc", "#a7742c"),
    ("Nấm & rau rừng", "#5b6b2f"),
    ("Gia vị & dược liệu", "#9c4a1a"),
]

PRODUCERS = {
    "mat-ong": (
        "HTX Mật ong bạc hà Đồng Văn",
        "cooperative",
        "Xã Đồng Văn",
        "Hợp tác xã của 40 hộ nuôi ong trên cao nguyên đá. Ong hút mật hoa bạc hà dại "
        "nở trắng sườn núi từ tháng 10 đến tháng 12.",
    ),
    "che": (
        "HTX Chè Shan Tuyết Hoàng Su Phì",
        "cooperative",
        "Xã Hoàng Su Phì",
        "Những cây chè cổ thụ hàng trăm năm tuổi phủ rêu trắng, hái tay và sao trong chảo gang.",
    ),
    "thit": (
        "Hộ Sùng Mí Chá",
        "household",
        "Xã Mèo Vạc",
        "Thịt trâu, thịt lợn gác bếp hun khói củi nghiến theo cách của người Mông.",
    ),
    "cam": (
        "HTX Cam sành Bắc Quang",
        "cooperative",
        "Xã Bắc Quang",
        "Cam sành vỏ sần, vị ngọt thanh, được bảo hộ chỉ dẫn địa lý Hà Giang.",
    ),
    "tam-giac-mach": (
        "Công ty Nông sản Quản Bạ",
        "enterprise",
        "Xã Quản Bạ",
        "Doanh nghiệp OCOP chế biến tam giác mạch, rượu ngô men lá và bánh.",
    ),
    "nam": (
        "Hộ Lò Thị Mai",
        "household",
        "Xã Yên Minh",
        "Nấm hương rừng, măng khô và thảo quả hái dưới tán rừng già.",
    ),
}

# (category index, producer, title, price, stock, net quantity, unit, OCOP stars, GI, season,
#  shelf life in days, storage)
PRODUCTS = [
    (
        0,
        "mat-ong",
        "Mật ong bạc hà Đồng Văn 500ml",
        350000,
        40,
        "500",
        "ml",
        4,
        "Mật ong bạc hà Mèo Vạc",
        "Tháng 10 – tháng 12",
        730,
        "Nơi khô ráo, tránh ánh nắng",
    ),
    (
        0,
        "mat-ong",
        "Mật ong bạc hà Đồng Văn 1 lít",
        650000,
        25,
        "1",
        "l",
        4,
        "Mật ong bạc hà Mèo Vạc",
        "Tháng 10 – tháng 12",
        730,
        "Nơi khô ráo, tránh ánh nắng",
    ),
    (
        0,
        "mat-ong",
        "Mật ong hoa rừng 500ml",
        280000,
        30,
        "500",
        "ml",
        3,
        "",
        "Tháng 3 – tháng 5",
        730,
        "Nơi khô ráo",
    ),
    (
        0,
        "mat-ong",
        "Mật ong bạc hà hũ quà tặng 250ml",
        195000,
        60,
        "250",
        "ml",
        4,
        "",
        "Tháng 10 – tháng 12",
        730,
        "Nơi khô ráo",
    ),
    (
        0,
        "mat-ong",
        "Sáp ong bạc hà nguyên chất",
        150000,
        20,
        "200",
        "g",
        None,
        "",
        "Quanh năm",
        1095,
        "Nhiệt độ phòng",
    ),
    (
        0,
        "mat-ong",
        "Phấn hoa bạc hà 200g",
        220000,
        15,
        "200",
        "g",
        3,
        "",
        "Tháng 11",
        365,
        "Ngăn mát tủ lạnh",
    ),
    (
        1,
        "che",
        "Chè Shan Tuyết cổ thụ 200g",
        320000,
        50,
        "200",
        "g",
        5,
        "Chè Shan Tuyết Hà Giang",
        "Vụ xuân, tháng 3 – tháng 4",
        540,
        "Túi kín, nơi khô mát",
    ),
    (
        1,
        "che",
        "Hồng trà Shan Tuyết 100g",
        260000,
        35,
        "100",
        "g",
        4,
        "",
        "Vụ hè",
        540,
        "Túi kín, nơi khô mát",
    ),
    (
        1,
        "che",
        "Bạch trà Shan Tuyết búp 50g",
        450000,
        12,
        "50",
        "g",
        5,
        "",
        "Vụ xuân",
        540,
        "Túi kín, nơi khô mát",
    ),
    (
        1,
        "che",
        "Chè Shan Tuyết túi lọc 25 gói",
        120000,
        80,
        "25",
        "piece",
        3,
        "",
        "Quanh năm",
        365,
        "Nơi khô mát",
    ),
    (
        1,
        "che",
        "Trà phổ nhĩ Shan Tuyết bánh 357g",
        890000,
        8,
        "357",
        "g",
        4,
        "",
        "Ủ 3 năm",
        3650,
        "Nơi thoáng, tránh mùi lạ",
    ),
    (
        1,
        "che",
        "Chè vàng Shan Tuyết 100g",
        290000,
        20,
        "100",
        "g",
        None,
        "",
        "Vụ thu",
        540,
        "Túi kín",
    ),
    (
        2,
        "cam",
        "Cam sành Bắc Quang 5kg",
        250000,
        100,
        "5",
        "kg",
        4,
        "Cam sành Hà Giang",
        "Tháng 11 – tháng 1",
        21,
        "Nơi thoáng mát",
    ),
    (
        2,
        "cam",
        "Cam sành Bắc Quang 10kg",
        460000,
        60,
        "10",
        "kg",
        4,
        "Cam sành Hà Giang",
        "Tháng 11 – tháng 1",
        21,
        "Nơi thoáng mát",
    ),
    (
        2,
        "cam",
        "Quýt vàng Bắc Quang 3kg",
        180000,
        45,
        "3",
        "kg",
        3,
        "",
        "Tháng 12 – tháng 2",
        14,
        "Nơi thoáng mát",
    ),
    (
        2,
        "cam",
        "Bưởi Bắc Quang 2 quả",
        120000,
        40,
        "2",
        "piece",
        None,
        "",
        "Tháng 9 – tháng 11",
        30,
        "Nơi thoáng mát",
    ),
    (
        2,
        "cam",
        "Mứt cam sành 300g",
        95000,
        70,
        "300",
        "g",
        3,
        "",
        "Quanh năm",
        180,
        "Đậy kín sau khi mở",
    ),
    (
        2,
        "mat-ong",
        "Lê Tai Nung Đồng Văn 2kg",
        160000,
        30,
        "2",
        "kg",
        None,
        "",
        "Tháng 7 – tháng 8",
        20,
        "Nơi thoáng mát",
    ),
    (
        3,
        "thit",
        "Thịt trâu gác bếp Mèo Vạc 500g",
        480000,
        40,
        "500",
        "g",
        4,
        "",
        "Quanh năm",
        180,
        "Ngăn mát tủ lạnh",
    ),
    (
        3,
        "thit",
        "Thịt lợn gác bếp 500g",
        390000,
        35,
        "500",
        "g",
        3,
        "",
        "Quanh năm",
        180,
        "Ngăn mát tủ lạnh",
    ),
    (
        3,
        "thit",
        "Lạp xưởng hun khói 500g",
        220000,
        50,
        "500",
        "g",
        3,
        "",
        "Tháng 11 – tháng 2",
        90,
        "Ngăn mát tủ lạnh",
    ),
    (
        3,
        "thit",
        "Thịt bò khô Mèo Vạc 250g",
        290000,
        25,
        "250",
        "g",
        None,
        "",
        "Quanh năm",
        120,
        "Nơi khô ráo",
    ),
    (
        3,
        "nam",
        "Măng khô Yên Minh 500g",
        150000,
        60,
        "500",
        "g",
        3,
        "",
        "Tháng 4 – tháng 6",
        365,
        "Nơi khô ráo",
    ),
    (
        4,
        "tam-giac-mach",
        "Rượu ngô men lá Quản Bạ 1 lít",
        180000,
        40,
        "1",
        "l",
        4,
        "",
        "Quanh năm",
        3650,
        "Nơi thoáng mát",
    ),
    (
        4,
        "tam-giac-mach",
        "Rượu tam giác mạch 500ml",
        210000,
        30,
        "500",
        "ml",
        4,
        "",
        "Quanh năm",
        3650,
        "Nơi thoáng mát",
    ),
    (
        4,
        "tam-giac-mach",
        "Rượu thóc Quản Bạ 1 lít",
        160000,
        30,
        "1",
        "l",
        3,
        "",
        "Quanh năm",
        3650,
        "Nơi thoáng mát",
    ),
    (
        4,
        "mat-ong",
        "Giấm mật ong bạc hà 500ml",
        130000,
        25,
        "500",
        "ml",
        None,
        "",
        "Quanh năm",
        365,
        "Nơi thoáng mát",
    ),
    (
        4,
        "cam",
        "Nước cam sành ép lạnh 1 lít",
        90000,
        20,
        "1",
        "l",
        None,
        "",
        "Tháng 11 – tháng 2",
        7,
        "Ngăn mát tủ lạnh",
    ),
    (
        5,
        "tam-giac-mach",
        "Bánh tam giác mạch 500g",
        85000,
        80,
        "500",
        "g",
        4,
        "",
        "Tháng 10 – tháng 12",
        30,
        "Nơi khô ráo",
    ),
    (
        5,
        "tam-giac-mach",
        "Bột tam giác mạch 1kg",
        120000,
        45,
        "1",
        "kg",
        3,
        "",
        "Quanh năm",
        365,
        "Túi kín, nơi khô ráo",
    ),
    (
        5,
        "tam-giac-mach",
        "Mèn mén bột ngô 1kg",
        60000,
        50,
        "1",
        "kg",
        None,
        "",
        "Quanh năm",
        180,
        "Túi kín, nơi khô ráo",
    ),
    (
        5,
        "tam-giac-mach",
        "Bánh dày tam giác mạch 10 chiếc",
        70000,
        40,
        "10",
        "piece",
        None,
        "",
        "Tháng 12 – tháng 2",
        10,
        "Ngăn mát tủ lạnh",
    ),
    (
        5,
        "che",
        "Cốm gạo nếp nương 500g",
        90000,
        30,
        "500",
        "g",
        None,
        "",
        "Tháng 9 – tháng 10",
        60,
        "Túi kín",
    ),
    (
        6,
        "nam",
        "Nấm hương rừng khô 300g",
        280000,
        35,
        "300",
        "g",
        4,
        "",
        "Tháng 2 – tháng 4",
        365,
        "Túi kín, nơi khô ráo",
    ),
    (6, "nam", "Mộc nhĩ rừng 500g", 140000, 40, "500", "g", 3, "", "Quanh năm", 365, "Nơi khô ráo"),
    (
        6,
        "nam",
        "Rau cải mèo muối chua 1kg",
        60000,
        25,
        "1",
        "kg",
        None,
        "",
        "Tháng 11 – tháng 2",
        45,
        "Ngăn mát tủ lạnh",
    ),
    (
        6,
        "nam",
        "Rêu đá sấy khô 200g",
        110000,
        18,
        "200",
        "g",
        None,
        "",
        "Tháng 1 – tháng 3",
        180,
        "Nơi khô ráo",
    ),
    (
        7,
        "nam",
        "Thảo quả khô 500g",
        160000,
        50,
        "500",
        "g",
        3,
        "",
        "Tháng 10 – tháng 12",
        730,
        "Nơi khô ráo",
    ),
    (
        7,
        "nam",
        "Hạt dổi rừng 100g",
        180000,
        30,
        "100",
        "g",
        4,
        "",
        "Tháng 8 – tháng 10",
        730,
        "Túi kín",
    ),
    (
        7,
        "thit",
        "Mắc khén rừng 200g",
        120000,
        40,
        "200",
        "g",
        3,
        "",
        "Tháng 9 – tháng 11",
        730,
        "Túi kín",
    ),
    (
        7,
        "tam-giac-mach",
        "Gừng gió Quản Bạ sấy 200g",
        90000,
        30,
        "200",
        "g",
        None,
        "",
        "Quanh năm",
        365,
        "Túi kín",
    ),
    (
        7,
        "che",
        "Cà gai leo Hoàng Su Phì 500g",
        150000,
        0,
        "500",
        "g",
        None,
        "",
        "Quanh năm",
        365,
        "Nơi khô ráo",
    ),
]


def _font(size: int):
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def product_image(title: str, colour: str, *, seed: int) -> bytes:
    """A 600x600 JPEG drawn locally: a warm gradient, hills, and the product's name."""
    rng = random.Random(seed)  # noqa: S311 (decoration, not security)
    base = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    img = Image.new("RGB", (600, 600), base)
    draw = ImageDraw.Draw(img)
    for y in range(600):
        shade = 1 - 0.45 * y / 600
        draw.line(
            [(0, y), (600, y)],
            fill=tuple(min(255, int(c * shade + 60 * (1 - shade))) for c in base),
        )
    for layer in range(3):
        top = 330 + layer * 70 + rng.randint(-20, 20)
        points = [(0, 600), (0, top)]
        for x in range(0, 601, 100):
            points.append((x, top + rng.randint(-60, 40)))
        points += [(600, 600)]
        draw.polygon(points, fill=tuple(max(0, int(c * (0.55 - 0.12 * layer))) for c in base))
    words, lines, line = title.split(), [], ""
    font = _font(44)
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > 520 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    for i, text in enumerate(lines[:4]):
        draw.text((40, 50 + i * 56), text, font=font, fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82)
    return out.getvalue()


def _ensure_accounts(producers: dict[str, Partner]) -> None:
    User = get_user_model()
    dashboard_access = Permission.objects.get(codename="dashboard_access")
    inspectors, _ = Group.objects.get_or_create(name=roles.INSPECTORS_GROUP)
    producer_keys = iter(["mat-ong", "che"])
    for account in ACCOUNTS:
        user = User.objects.filter(email=account.email).first() or User(
            username=account.email.split("@")[0][:30], email=account.email
        )
        user.first_name, user.last_name = account.first_name, account.last_name
        user.is_staff = user.is_superuser = account.role == "operator"
        if not user.has_usable_password() or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        if account.role == "operator":
            # Development only (dev settings): a known authenticator key and recovery code.
            from shop.accounts.services import demo_device_ensure

            demo_device_ensure(user=user)
        elif account.role == "inspector":
            user.groups.add(inspectors)
        elif account.role == "producer":
            user.user_permissions.add(dashboard_access)
            producers[next(producer_keys)].users.add(user)


@transaction.atomic
def demo_load() -> dict[str, int]:
    Country.objects.update_or_create(
        iso_3166_1_a2="VN",
        defaults={
            "iso_3166_1_a3": "VNM",
            "iso_3166_1_numeric": "704",
            "printable_name": "Việt Nam",
            "name": "Việt Nam",
            "display_order": 10,
            "is_shipping_country": True,
        },
    )
    product_class, _ = ProductClass.objects.get_or_create(
        slug="dac-san", defaults={"name": "Đặc sản", "requires_shipping": True, "track_stock": True}
    )
    _demo_application()
    categories = []
    for name, _colour in CATEGORIES:
        category = Category.objects.filter(name=name, depth=1).first()
        if category is None:
            category = Category.add_root(name=name, slug=slugify(name), is_public=True)
        categories.append(category)

    producers: dict[str, Partner] = {}
    for index, (key, (name, kind, ward_name, story)) in enumerate(PRODUCERS.items()):
        ward = geo.find_ward(province_code=PROVINCE, name=ward_name)
        partner, _ = Partner.objects.update_or_create(
            code=key,
            defaults={
                "name": name,
                "kind": kind,
                "province_code": PROVINCE,
                "ward_code": int(ward.code),
                "story": story,
                **_payout_and_shipping(index, name, kind),
            },
        )
        producers[key] = partner

    created = 0
    for index, row in enumerate(PRODUCTS):
        (cat, producer_key, title, price, stock, qty, unit, ocop, gi, season, shelf, storage) = row
        producer = producers[producer_key]
        product = Product.objects.filter(upc=f"CP{index + 1:05d}").first()
        if product is None:
            product = Product(upc=f"CP{index + 1:05d}")
            created += 1
        product.title = title
        product.structure = Product.STANDALONE
        product.product_class = product_class
        product.producer = producer
        product.origin_province_code = producer.province_code
        product.origin_ward_code = producer.ward_code
        product.ocop_stars = ocop
        product.geographical_indication = gi
        product.season = season
        product.net_quantity = Decimal(qty)
        product.net_unit = unit
        product.shelf_life_days = shelf
        product.storage = storage
        product.description = (
            f"<p>{title} — đặc sản của {producer.name}, {producer.location_label}.</p>"
            f"<p>{PRODUCERS[producer_key][3]}</p>"
        )
        product.is_public = True
        product.save()
        product.categories.set([categories[cat]])
        StockRecord.objects.update_or_create(
            product=product,
            partner=producer,
            defaults={
                "partner_sku": f"{producer.code}-{index + 1:03d}",
                "price_currency": "VND",
                "price": Decimal(price),
                "num_in_stock": stock,
            },
        )
        if not product.images.exists():
            image = ProductImage(product=product, caption=title, display_order=0)
            image.original.save(
                f"{slugify(title)}.jpg",
                ContentFile(product_image(title, CATEGORIES[cat][1], seed=index)),
                save=False,
            )
            image.save()

    _ensure_accounts(producers)
    from traceability.demo import demo_traceability_load

    demo_traceability_load(producers=producers)  # lots and events; anchored after commit
    from cms.demo import content_demo_load

    content_demo_load()  # home, regions, producers' stories, articles: in Vietnamese and English
    return {"products": len(PRODUCTS), "created": created, "categories": len(categories)}


# Payout accounts of the demo producers (fictitious numbers at real NAPAS banks), and their rates.
DEMO_BANKS = ("970405", "970436", "970418", "970415", "970422", "970407")


def _payout_and_shipping(index: int, name: str, kind: str) -> dict:
    return {
        "payout_bank_bin": DEMO_BANKS[index % len(DEMO_BANKS)],
        "payout_account_number": f"{8800_0000_0000 + index * 1_234_567:013d}",
        "payout_account_holder": fold(name).upper(),
        "shipping_same_province": Decimal(20000 + 5000 * (index % 2)),
        "shipping_elsewhere": Decimal(35000 + 5000 * (index % 3)),
        "free_shipping_threshold": Decimal(500000) if kind != "household" else None,
    }


def _demo_application() -> None:
    """One application waiting for the operator, so the review pages have something to show."""
    from shop.onboarding import services as onboarding
    from shop.onboarding.models import Application

    if Application.objects.filter(email="htx.hoaban@chophien.test").exists():
        return
    ward = geo.find_ward(province_code=PROVINCE, name="Xã Đồng Văn")
    onboarding.application_submit(
        data={
            "kind": "cooperative",
            "name": "HTX Mật ong hoa ban Lũng Cú",
            "representative": "Lò Thị Mỷ",
            "phone": "+84912345678",
            "email": "htx.hoaban@chophien.test",
            "province_code": PROVINCE,
            "ward_code": int(ward.code),
            "registration_number": "HTX-5101",
            "payout_bank_bin": "970405",
            "payout_account_number": "2105205123456",
            "payout_account_holder": "HTX MAT ONG HOA BAN LUNG CU",
            "products": "Mật ong hoa ban, mật ong bạc hà",
        }
    )


def demo_operator_otpauth_uri() -> str:
    """The demo operator's authenticator as an otpauth:// URI (development only)."""
    from shop.accounts.selectors import totp_devices

    operator = get_user_model().objects.get(
        email=next(a.email for a in ACCOUNTS if a.role == "operator")
    )
    device = totp_devices(user=operator).first()
    return device.config_url if device else ""

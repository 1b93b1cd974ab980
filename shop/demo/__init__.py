"""A believable floor for development and demos: producers, products, stock and one account a role.

The floor is data: the YAML files next to this module (categories, producers, products, accounts
and one producer's application). `demo_load()` is the one entry point (the `load_demo` command):
it loads the floor, then the demo lots (`traceability.demo`) and the content in Vietnamese and
English (`cms.demo`), in one transaction. Neither of those imports this module.

Loading is idempotent: records are found by their natural keys and updated, so running it again
changes nothing and creates nothing twice.
"""

import io
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from oscar.core.loading import get_model
from PIL import Image, ImageDraw, ImageFont

from cms.demo import content_demo_load
from shop import geo, roles
from shop.address.services import country_vietnam_ensure
from shop.text import slugify
from traceability.demo import demo_traceability_load

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

PROVINCE = 8  # Tuyên Quang (Hà Giang merged into it in 2025)
DEMO_PASSWORD = "cho-phien-demo"  # noqa: S105 (a published demo login, not a secret)


def _data(name: str):
    return yaml.safe_load((Path(__file__).parent / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    first_name: str
    last_name: str
    producer: str = ""  # a producer account's producer code
    address: dict | None = None  # a buyer's saved delivery address (names of its units)


ACCOUNTS = [DemoAccount(**account) for account in _data("accounts.yaml")]
CATEGORIES: dict[str, str] = {c["name"]: c["colour"] for c in _data("categories.yaml")}
PRODUCERS: dict[str, dict] = _data("producers.yaml")
PRODUCTS: list[dict] = _data("products.yaml")


@transaction.atomic
def demo_load() -> dict[str, int]:
    """The floor, its lots (anchored after commit) and the content, in Vietnamese and English."""
    result = floor_load()
    demo_traceability_load()
    content_demo_load(password=DEMO_PASSWORD)
    return result


def floor_load() -> dict[str, int]:
    country_vietnam_ensure()
    product_class, _ = ProductClass.objects.get_or_create(
        slug="dac-san", defaults={"name": "Đặc sản", "requires_shipping": True, "track_stock": True}
    )
    _demo_application()
    categories = {}
    for name in CATEGORIES:
        category = Category.objects.filter(name=name, depth=1).first()
        if category is None:
            category = Category.add_root(name=name, slug=slugify(name), is_public=True)
        categories[name] = category

    producers: dict[str, Partner] = {}
    for code, producer in PRODUCERS.items():
        ward = geo.find_ward(province_code=PROVINCE, name=producer["ward"])
        money = ("shipping_same_province", "shipping_elsewhere", "free_shipping_threshold")
        producers[code], _ = Partner.objects.update_or_create(
            code=code,
            defaults={
                **{key: value for key, value in producer.items() if key != "ward"},
                **{key: _decimal(producer[key]) for key in money},
                "province_code": PROVINCE,
                "ward_code": int(ward.code),
            },
        )

    created = 0
    for index, row in enumerate(PRODUCTS):
        producer = producers[row["producer"]]
        product = Product.objects.filter(upc=row["upc"]).first()
        if product is None:
            product = Product(upc=row["upc"])
            created += 1
        product.title = row["title"]
        product.structure = Product.STANDALONE
        product.product_class = product_class
        product.producer = producer
        product.origin_province_code = producer.province_code
        product.origin_ward_code = producer.ward_code
        for field in ("ocop_stars", "geographical_indication", "season", "net_unit", "storage"):
            setattr(product, field, row[field])
        product.net_quantity = Decimal(row["net_quantity"])
        product.shelf_life_days = row["shelf_life_days"]
        product.description = (
            f"<p>{row['title']} — đặc sản của {producer.name}, {producer.location_label}.</p>"
            f"<p>{producer.story}</p>"
        )
        product.is_public = True
        product.save()
        product.categories.set([categories[row["category"]]])
        StockRecord.objects.update_or_create(
            product=product,
            partner=producer,
            defaults={
                "partner_sku": f"{producer.code}-{index + 1:03d}",
                "price_currency": "VND",
                "price": Decimal(row["price"]),
                "num_in_stock": row["stock"],
            },
        )
        if not product.images.exists():
            image = ProductImage(product=product, caption=row["title"], display_order=0)
            picture = product_image(row["title"], CATEGORIES[row["category"]], seed=index)
            image.original.save(f"{slugify(row['title'])}.jpg", ContentFile(picture), save=False)
            image.save()

    _ensure_accounts(producers)
    return {"products": len(PRODUCTS), "created": created, "categories": len(categories)}


def _decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _ensure_accounts(producers: dict[str, Partner]) -> None:
    User = get_user_model()
    dashboard_access = Permission.objects.get(codename="dashboard_access")
    inspectors, _ = Group.objects.get_or_create(name=roles.INSPECTORS_GROUP)
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
            producers[account.producer].users.add(user)
        if account.address:
            _demo_address(user, account.address)


def _demo_address(user, data: dict) -> None:
    """A saved address in the user's address book, unless it is there already."""
    UserAddress = get_model("address", "UserAddress")
    province = next(code for code, p in geo.provinces().items() if p.name == data["province"])
    ward = geo.find_ward(province_code=province, name=data["ward"])
    address = UserAddress(
        user=user,
        first_name=data["first_name"],
        phone_number=data["phone_number"],
        line1=data["line1"],
        line2=data.get("line2", ""),
        country_id="VN",
        is_default_for_shipping=True,
    )
    address.set_units(province_code=province, ward_code=int(ward.code))
    if not user.addresses.filter(hash=address.generate_hash()).exists():
        address.save()


def _demo_application() -> None:
    """One application waiting for the operator, so the review pages have something to show."""
    from shop.onboarding import services as onboarding
    from shop.onboarding.models import Application

    application = _data("application.yaml")
    if Application.objects.filter(email=application["email"]).exists():
        return
    ward = geo.find_ward(province_code=PROVINCE, name=application.pop("ward"))
    onboarding.application_submit(
        data={**application, "province_code": PROVINCE, "ward_code": int(ward.code)}
    )


def demo_operator_otpauth_uri() -> str:
    """The demo operator's authenticator as an otpauth:// URI (development only)."""
    from shop.accounts.selectors import totp_devices

    operator = get_user_model().objects.get(
        email=next(a.email for a in ACCOUNTS if a.role == "operator")
    )
    device = totp_devices(user=operator).first()
    return device.config_url if device else ""


# Pictures drawn locally ------------------------------------------------------------------------


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

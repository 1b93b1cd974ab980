"""A believable floor for development and demos: producers, products, stock and one account a role.

The floor is data: the YAML files next to this module (categories, producers, products, accounts
and one producer's application). `demo_load()` is the one entry point (the `load_demo` command):
it loads the floor, then the demo lots (`traceability.demo`), the content in Vietnamese and
English (`cms.demo`) and the floor's last year of orders, reviews and complaints
(`shop.demo.history`, from history.yaml), in one transaction. Neither of the first two imports
this module.

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
from django.utils import translation
from oscar.core.loading import get_model
from PIL import Image, ImageDraw, ImageFont

from cms.demo import content_demo_load
from shop import geo, people, roles
from shop.address.services import country_vietnam_ensure
from shop.satisfaction.services import index_refresh as satisfaction_index_refresh
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
    name: str  # the full name, as the person writes it
    producer: str = ""  # a producer account's producer code
    address: dict | None = None  # a buyer's saved delivery address (names of its units)


def texts(value: dict | str) -> dict[str, str]:
    """A text the buyer reads, by language: a {vi, en} pair, or '' where the field is empty.

    A Vietnamese text without its English is refused: the demo ships complete in both."""
    if value == "":
        return {"vi": "", "en": ""}
    if not isinstance(value, dict) or value.keys() != {"vi", "en"} or not all(value.values()):
        raise ValueError(f"a demo text needs its Vietnamese and its English: {value!r}")
    return value


def _translated(**fields: dict | str) -> dict[str, str]:
    """Model field values for `fields` ({vi, en} pairs): `<field>_vi` and `<field>_en`."""
    return {
        f"{field}_{language}": text
        for field, value in fields.items()
        for language, text in texts(value).items()
    }


ACCOUNTS = [DemoAccount(**account) for account in _data("accounts.yaml")]
CATEGORY_LIST: list[dict] = _data("categories.yaml")
CATEGORIES: dict[str, str] = {texts(c["name"])["vi"]: c["colour"] for c in CATEGORY_LIST}
PRODUCERS: dict[str, dict] = _data("producers.yaml")
PRODUCTS: list[dict] = _data("products.yaml")


@transaction.atomic
def demo_load() -> dict[str, int]:
    """The floor, its lots (anchored after commit), the content in Vietnamese and English, and a
    year of history."""
    from shop.demo.history import history_load

    result = floor_load()
    demo_traceability_load()
    content_demo_load(password=DEMO_PASSWORD)
    result["history"] = history_load()
    satisfaction_index_refresh()
    return result


def floor_load() -> dict[str, int]:
    country_vietnam_ensure()
    product_class, _ = ProductClass.objects.get_or_create(
        slug="dac-san", defaults={"name": "Đặc sản", "requires_shipping": True, "track_stock": True}
    )
    _demo_application()
    categories = {}
    for row in CATEGORY_LIST:
        name = texts(row["name"])["vi"]
        values = _translated(name=row["name"], description=row["description"])
        category = Category.objects.filter(name_vi=name, depth=1).first()
        if category is None:
            category = Category.add_root(name=name, slug=slugify(name), is_public=True, **values)
        else:
            for field, value in values.items():
                setattr(category, field, value)
            category.save()
        categories[name] = category

    producers: dict[str, Partner] = {}
    for code, producer in PRODUCERS.items():
        ward = geo.find_ward(province_code=PROVINCE, name=producer["ward"])
        money = ("shipping_same_province", "shipping_elsewhere", "free_shipping_threshold")
        producers[code], _ = Partner.objects.update_or_create(
            code=code,
            defaults={
                **{k: v for k, v in producer.items() if k not in ("ward", "name", "story")},
                **_translated(name=producer["name"], story=producer["story"]),
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
        title = texts(row["title"])
        fields = ("title", "geographical_indication", "season", "storage")
        for field, value in _translated(**{field: row[field] for field in fields}).items():
            setattr(product, field, value)
        product.structure = Product.STANDALONE
        product.product_class = product_class
        product.producer = producer
        product.origin_province_code = producer.province_code
        product.origin_ward_code = producer.ward_code
        product.ocop_stars, product.net_unit = row["ocop_stars"], row["net_unit"]
        product.net_quantity = Decimal(row["net_quantity"])
        product.shelf_life_days = row["shelf_life_days"]
        product.description_vi = (
            f"<p>{title['vi']} — đặc sản của {producer.name_vi}, {_location(producer, 'vi')}.</p>"
            f"<p>{producer.story_vi}</p>"
        )
        product.description_en = (
            f"<p>{title['en']}: a specialty of {producer.name_en}, "
            f"{_location(producer, 'en')}.</p><p>{producer.story_en}</p>"
        )
        product.is_public = not product.has_active_takedown  # a takedown outlives a reload
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
            image = ProductImage(product=product, display_order=0)
            picture = product_image(title["vi"], CATEGORIES[row["category"]], seed=index)
            image.original.save(f"{slugify(title['vi'])}.jpg", ContentFile(picture), save=False)
            image.save()

    _ensure_accounts(producers)
    return {"products": len(PRODUCTS), "created": created, "categories": len(categories)}


def _location(producer: Partner, language: str) -> str:
    """The producer's commune and province as the pages of `language` name them."""
    with translation.override(language):
        return producer.location_label


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
        people.full_name_set(user, account.name)
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

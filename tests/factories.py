"""Builders for catalogue data that go through the same models (and Oscar forks) as the site."""

import itertools
from decimal import Decimal

from django.core.files.base import ContentFile
from oscar.core.loading import get_model

from shop import demo, geo

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

_seq = itertools.count(1)
DONG_VAN = int(geo.find_ward(province_code=8, name="Xã Đồng Văn").code)
MEO_VAC = int(geo.find_ward(province_code=8, name="Xã Mèo Vạc").code)


def product_class():
    return ProductClass.objects.get_or_create(
        slug="dac-san", defaults={"name": "Đặc sản", "track_stock": True}
    )[0]


def category(name="Mật ong"):
    existing = Category.objects.filter(name=name, depth=1).first()
    return existing or Category.add_root(name=name, is_public=True)


def producer(name="HTX Mật ong bạc hà Đồng Văn", ward=DONG_VAN, code=None):
    return Partner.objects.create(
        name=name, code=code or f"producer-{next(_seq)}", province_code=8, ward_code=ward
    )


def product(
    title="Mật ong bạc hà 500ml",
    *,
    price="350000",
    stock=10,
    maker=None,
    categories=(),
    description="",
    ocop_stars=None,
    ward=DONG_VAN,
    image=False,
    public=True,
):
    maker = maker or producer()
    item = Product(
        title=title,
        product_class=product_class(),
        producer=maker,
        origin_province_code=8,
        origin_ward_code=ward,
        ocop_stars=ocop_stars,
        description=description,
        is_public=public,
    )
    item.save()
    item.categories.set(categories)
    StockRecord.objects.create(
        product=item,
        partner=maker,
        partner_sku=f"sku-{next(_seq)}",
        price=Decimal(price),
        price_currency="VND",
        num_in_stock=stock,
    )
    if image:
        picture = ProductImage(product=item, caption=title, display_order=0)
        data = demo.product_image(title, "#3f7d3a", seed=item.pk)
        picture.original.save(f"p{item.pk}.jpg", ContentFile(data), save=False)
        picture.save()
    return item


def producer_user(partner, *, email=None):
    """A producer's user: dashboard access, member of `partner`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    email = email or f"{partner.code}@example.com"
    user = get_user_model().objects.create_user(email.split("@")[0], email, "pw-123456789")
    user.user_permissions.add(Permission.objects.get(codename="dashboard_access"))
    partner.users.add(user)
    return user


def operator(email="operator@example.com"):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email.split("@")[0], email, "pw-123456789")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user

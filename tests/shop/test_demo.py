import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from oscar.core.loading import get_model

from shop import demo

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


def counts():
    return {
        "products": Product.objects.count(),
        "categories": Category.objects.count(),
        "producers": Partner.objects.count(),
        "stock": StockRecord.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_demo_floor_is_believable_and_loading_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first

    assert first["products"] >= 40
    assert Category.objects.filter(depth=1, product__isnull=False).distinct().count() >= 8
    assert Partner.objects.filter(products__isnull=False).distinct().count() >= 6
    communes = set(Product.objects.values_list("origin_ward_code", flat=True))
    assert len(communes) >= 3

    for product in Product.objects.prefetch_related("images", "stockrecords"):
        assert product.producer_id and product.origin_ward_code and product.net_unit
        record = product.stockrecords.get()
        assert record.price_currency == "VND"
        assert record.price == record.price.to_integral_value() and record.price > 0
        image = product.images.get()
        assert image.original.size > 10_000  # a real JPEG drawn locally
        assert image.original.read(3) == b"\xff\xd8\xff"

    # Every producer can be paid out (VietQR needs a NAPAS bank and an account) and has rates.
    from payments.banks import bank_by_bin
    from shop.onboarding.models import Application

    for producer in Partner.objects.all():
        assert bank_by_bin(producer.payout_bank_bin) is not None
        assert producer.payout_account_number.isdigit() and producer.payout_account_holder
        assert producer.shipping_same_province <= producer.shipping_elsewhere
    assert Application.objects.filter(status="submitted").count() == 1  # one to review

    out = capsys.readouterr().out
    for account in demo.ACCOUNTS:
        assert account.email in out
    assert demo.DEMO_PASSWORD in out


def test_one_demo_account_per_role_and_they_can_log_in(client):
    demo.demo_load()
    User = get_user_model()
    roles = {a.role for a in demo.ACCOUNTS}
    assert roles == {"operator", "producer", "inspector", "buyer"}
    operator = User.objects.get(email="operator@chophien.test")
    assert operator.is_staff
    producers = User.objects.filter(partners__isnull=False).distinct()
    assert producers.count() == 2
    assert all(u.has_perm("partner.dashboard_access") for u in producers)
    assert User.objects.get(email="inspector@chophien.test").groups.filter(name="Inspectors")
    for account in demo.ACCOUNTS:
        assert client.login(username=account.email, password=demo.DEMO_PASSWORD), account.email


def test_home_page_is_served_by_wagtail_with_the_floor(client):
    demo.demo_load()
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mật ong" in html and 'lang="vi"' in html
    assert client.get("/en/").status_code == 200

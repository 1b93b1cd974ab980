"""A takedown keeps the listing down (Decree 52/2013/NĐ-CP as amended by Decree 85/2021/NĐ-CP):
no form, command or old basket puts it back on sale; only restoring it, with a reason, does.
A suspended producer's page is gone like a hidden one's; the sitemap lists neither."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from shop.producers import services
from tests import factories
from tests.payments import flow
from tests.shop.test_catalogue_english import form_values

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
ProductForm = get_class("dashboard.catalogue.forms", "ProductForm")
Selector = get_class("partner.strategy", "Selector")

REASON = "Ghi nhãn “chữa bách bệnh”, trái quy định quảng cáo thực phẩm."
REFUSED = "restore it with a reason"


@pytest.fixture
def maker():
    return factories.producer("HTX Chè Shan tuyết", code="che-shan")


@pytest.fixture
def tea(maker):
    return factories.product(
        "Chè Shan tuyết 200g", maker=maker, categories=[factories.category("Chè")]
    )


@pytest.fixture
def operator():
    return factories.operator()


def public(product) -> bool:
    return Product.objects.get(pk=product.pk).is_public


def variant_of(parent, title="Chè Shan tuyết 500g", price="420000"):
    """Turn `parent` into a product with variants and give it one (a child with its stock)."""
    parent.structure = Product.PARENT
    parent.save()
    StockRecord.objects.filter(product=parent).delete()
    child = Product.objects.create(
        title=title, structure=Product.CHILD, parent=parent, is_public=True
    )
    StockRecord.objects.create(
        product=child,
        partner=parent.producer,
        partner_sku=f"child-{child.pk}",
        price=Decimal(price),
        price_currency="VND",
        num_in_stock=10,
    )
    return child


# --------------------------------------------------------------------------- republishing


def dashboard_form(product, **changes):
    data = {**model_to_dict(product), **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return ProductForm(product.product_class, data=data, instance=product)


def test_the_product_dashboard_form_refuses_to_make_a_taken_down_listing_public(
    tea, operator, settings
):
    settings.LANGUAGE_CODE = "en"
    assert dashboard_form(tea, is_public=True).is_valid()  # not taken down: fine
    services.listing_take_down(product=tea, actor=operator, reason=REASON)
    tea.refresh_from_db()

    form = dashboard_form(tea, is_public=True)
    assert not form.is_valid()
    assert REFUSED in " ".join(form.errors["is_public"])
    assert not public(tea)
    # Editing anything else, the listing left hidden, is still allowed.
    fixed = dashboard_form(tea, is_public=False, title_vi="Chè Shan tuyết 200g (sửa)")
    assert fixed.is_valid(), fixed.errors
    fixed.save()
    assert not public(tea)


def test_a_form_opened_before_the_takedown_cannot_republish_it(tea, operator, settings):
    settings.LANGUAGE_CODE = "en"
    stale = Product.objects.get(pk=tea.pk)  # the operator's edit page, loaded earlier
    services.listing_take_down(product=tea, actor=operator, reason=REASON)
    form = dashboard_form(stale, is_public=True)
    assert not form.is_valid() and REFUSED in " ".join(form.errors["is_public"])
    assert not public(tea)


def test_ticking_public_on_oscar_s_product_page_is_refused_with_the_way_back(tea, operator):
    operator.is_superuser = True  # Oscar's catalogue pages ask model permissions
    operator.save(update_fields=["is_superuser"])
    services.listing_take_down(product=tea, actor=operator, reason=REASON)
    client = Client()
    client.force_login(operator)
    url = reverse("dashboard:catalogue-product", kwargs={"pk": tea.pk})
    soup = BeautifulSoup(client.get(url).content.decode(), "html.parser")
    data = form_values(soup, "form#create_update_product_form")
    assert "is_public" not in data  # shown hidden, as it is
    response = client.post(url, {**data, "is_public": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "hãy khôi phục kèm lý do" in html
    assert "Gỡ sản phẩm này, hoặc khôi phục" in html  # the link the message names
    assert not public(tea)
    # Saved hidden, the same page goes through: only "Public" is refused.
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert not public(tea)


def test_the_admin_refuses_too(tea, operator, settings):
    settings.LANGUAGE_CODE = "en"
    services.listing_take_down(product=tea, actor=operator, reason=REASON)
    tea.refresh_from_db()
    request = RequestFactory().get("/")
    request.user = operator
    operator.is_superuser = True
    admin_form = admin_site._registry[Product].get_form(request, obj=tea)
    data = {k: v for k, v in {**model_to_dict(tea), "is_public": True}.items() if v is not None}
    form = admin_form(data=data, instance=tea)
    assert not form.is_valid() and REFUSED in " ".join(form.errors["is_public"])


def test_no_save_of_any_kind_makes_it_public_only_restoring_does(tea, operator, maker):
    stale = Product.objects.get(pk=tea.pk)
    services.listing_take_down(product=tea, actor=operator, reason=REASON)
    with pytest.raises(ValidationError):
        stale.save()  # a script or command holding the product from before
    fresh = Product.objects.get(pk=tea.pk)
    fresh.is_public = True
    with pytest.raises(ValidationError):
        fresh.save(update_fields=["is_public"])
    assert not public(tea)
    # Other columns of a stale copy may still be written (ratings, counters...).
    stale.save(update_fields=["rating"])
    assert not public(tea)

    # Approving a producer's change keeps it down (the listing approval path).
    user = factories.producer_user(maker)
    change = services.product_update(
        product=fresh,
        producer=maker,
        actor=user,
        on_behalf=False,
        values={"title": "Chè Shan tuyết 200g (mới)"},
        price=Decimal(300000),
        num_in_stock=5,
    )
    services.listing_change_approve(change=change, actor=factories.operator("ops2@example.com"))
    assert not public(tea)

    services.listing_restore(product=tea, actor=operator, reason="Đã sửa nhãn.")
    assert public(tea)


def test_reloading_the_demo_keeps_a_demo_listing_down():
    from shop import demo

    demo.floor_load()
    product = Product.objects.filter(producer__isnull=False, parent=None).first()
    desk = factories.operator("desk@example.com")
    services.listing_take_down(product=product, actor=desk, reason=REASON)
    demo.floor_load()
    assert not public(product)


# --------------------------------------------------------------------------- variants, baskets


def test_a_variant_of_a_taken_down_product_is_not_sold(tea, operator):
    child = variant_of(tea)
    strategy = Selector().strategy()
    assert strategy.fetch_for_product(child).availability.is_available_to_buy
    services.listing_take_down(product=tea, actor=operator, reason=REASON)
    child = Product.objects.get(pk=child.pk)
    assert child.is_public  # the variant keeps its own flag...
    allowed, message = (
        Selector().strategy().fetch_for_product(child).availability.is_purchase_permitted(1)
    )
    assert not allowed and message == "Không còn bán"  # ...yet is not sold
    assert Client().get(child.get_absolute_url()).status_code == 404


def _up_to_the_preview(client, *products):
    flow.vietnam()
    for product in products:
        added = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
        assert added.status_code == 302
    client.post(reverse("checkout:index"), {"username": "mai@example.com", "options": "anonymous"})
    client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    client.get(reverse("checkout:shipping-method"))
    chosen = client.post(reverse("checkout:payment-method"), {"method": "cod"})
    assert chosen["Location"] == reverse("checkout:preview")


@pytest.mark.parametrize("what", ["product", "variant"])
def test_checkout_refuses_a_basket_with_a_line_taken_down_since_and_names_it(
    what, tea, maker, operator
):
    other = factories.product("Mật ong bạc hà 500ml", maker=maker)
    bought = variant_of(tea) if what == "variant" else tea
    client = Client()
    _up_to_the_preview(client, other, bought)

    services.listing_take_down(product=tea, actor=operator, reason=REASON)
    response = client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("basket:summary")
    html = response.content.decode()
    assert f"“{bought.get_title()}” không còn mua được" in html
    assert "Hãy bỏ dòng này khỏi giỏ hàng để tiếp tục" in html
    assert "Mật ong bạc hà 500ml” không còn" not in html  # the other line is fine
    assert not Order.objects.exists()


def test_a_takedown_racing_the_order_is_refused_inside_its_transaction(tea, operator, monkeypatch):
    """Taken down after the checks of the request ran, before the order is written."""
    client = Client()
    _up_to_the_preview(client, tea)
    session_mixin = get_class("checkout.session", "CheckoutSessionMixin")
    monkeypatch.setattr(session_mixin, "check_basket_is_valid", lambda self, request: None)
    services.listing_take_down(product=tea, actor=operator, reason=REASON)
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 200
    assert "“Chè Shan tuyết 200g” không còn mua được" in response.content.decode()
    assert not Order.objects.exists()


# --------------------------------------------------------------------------- public pages


def test_sitemap_and_structured_data_forget_a_taken_down_product(tea, operator):
    sitemap = Client().get(reverse("sitemap")).content.decode()
    assert tea.get_absolute_url() in sitemap
    page = Client().get(tea.get_absolute_url()).content.decode()
    assert '"@type": "Product"' in page or '"@type":"Product"' in page

    services.listing_take_down(product=tea, actor=operator, reason=REASON)
    assert tea.get_absolute_url() not in Client().get(reverse("sitemap")).content.decode()
    gone = Client().get(tea.get_absolute_url())
    assert gone.status_code == 404 and "Chè Shan tuyết" not in gone.content.decode()
    producer_page = Client().get(reverse("producers:detail", kwargs={"code": "che-shan"}))
    assert producer_page.status_code == 200
    assert tea.get_absolute_url() not in producer_page.content.decode()


def test_a_suspended_producers_page_is_gone_like_a_hidden_ones(tea, maker, operator):
    page = reverse("producers:detail", kwargs={"code": maker.code})
    assert Client().get(page).status_code == 200
    assert page in Client().get(reverse("sitemap")).content.decode()

    services.producer_suspend(partner=maker, actor=operator, reason="Giấy phép hết hạn")
    buyer = Client()
    assert buyer.get(page).status_code == 404
    assert page not in buyer.get(reverse("sitemap")).content.decode()
    assert page not in buyer.get(reverse("producers:index")).content.decode()
    follower = Client()
    follower.force_login(flow_buyer())
    follow = reverse("producers:follow", kwargs={"code": maker.code})
    assert follower.post(follow, {"wanted": "1"}).status_code == 404
    # Its product page no longer links to the page that is gone.
    assert page not in buyer.get(tea.get_absolute_url()).content.decode()

    maker.is_public = False  # a hidden producer: the same answer
    maker.save(update_fields=["is_public"])
    services.producer_reinstate(partner=maker, actor=operator)
    assert buyer.get(page).status_code == 404
    maker.is_public = True
    maker.save(update_fields=["is_public"])
    assert buyer.get(page).status_code == 200


def flow_buyer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456789")

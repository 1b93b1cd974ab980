"""Operators take a live listing down with a reason (Decree 52/2013/NĐ-CP as amended by Decree
85/2021/NĐ-CP): it leaves the storefront at once (lists, search, its page, cached pages), the
producer is told in its language, the decision is recorded and can be undone with a reason; the
producer cannot put it back on sale himself."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.producers import services
from shop.producers.models import ListingChange, ListingTakedown
from tests import factories

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
TITLE = "Mật ong bạc hà 500ml"
REASON = "Quảng cáo mật ong chữa bách bệnh, trái quy định về quảng cáo thực phẩm."


@pytest.fixture
def honey():
    producer = factories.producer("HTX Mật ong Đồng Văn", code="mat-ong")
    producer.email = "mat-ong@example.com"
    producer.save()
    return producer


@pytest.fixture
def product(honey):
    return factories.product(TITLE, maker=honey)


@pytest.fixture
def desk():
    client = Client()
    operator = factories.operator()
    client.force_login(operator)
    client.operator = operator
    return client


def storefront(client: Client, product) -> dict[str, bool]:
    """Where an anonymous buyer finds the product: its page, the catalogue, search, the
    producer's page."""
    lists = {
        "list": reverse("catalogue:index"),
        "search": reverse("search:search") + "?q=bac+ha",
        "producer": reverse("producers:detail", kwargs={"code": product.producer.code}),
    }
    found = {name: TITLE in client.get(url).content.decode() for name, url in lists.items()}
    found["page"] = client.get(product.get_absolute_url()).status_code == 200
    return found


def test_a_taken_down_listing_leaves_every_storefront_page_at_once_even_cached(
    settings, desk, product, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 300
    buyer = Client()
    assert storefront(buyer, product) == dict.fromkeys(("list", "search", "producer", "page"), True)
    # Cached now: a second anonymous visit is served from the page cache.
    assert buyer.get(product.get_absolute_url())["X-Page-Cache"] == "hit"

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            reverse("listings-dashboard:takedown", kwargs={"pk": product.pk}), {"reason": REASON}
        )
    assert response.status_code == 302

    assert storefront(Client(), product) == dict.fromkeys(
        ("list", "search", "producer", "page"), False
    )
    takedown = ListingTakedown.objects.get(product=product)
    assert takedown.reason == REASON and takedown.taken_down_by == desk.operator
    assert before <= takedown.taken_down_at <= timezone.now()
    assert takedown.partner == product.producer and takedown.product_title == TITLE


def test_the_producer_is_told_why_in_its_language(
    honey, product, django_capture_on_commit_callbacks
):
    honey.language = "en"
    honey.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_take_down(product=product, actor=factories.operator(), reason=REASON)
    (message,) = [m for m in mail.outbox if "mat-ong@example.com" in m.to]
    assert "has been taken down" in message.subject and TITLE in message.subject
    assert REASON in message.body
    assert "Only an operator can put it back on sale" in message.body
    assert "/dashboard/producer/products/" in message.body


def test_in_vietnamese_by_default(honey, product, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_take_down(product=product, actor=factories.operator(), reason=REASON)
    (message,) = [m for m in mail.outbox if "mat-ong@example.com" in m.to]
    assert "đã bị gỡ" in message.subject
    assert REASON in message.body


def test_a_reason_is_required_and_nothing_changes_without_one(desk, product):
    url = reverse("listings-dashboard:takedown", kwargs={"pk": product.pk})
    for reason in ("", "   "):
        response = desk.post(url, {"reason": reason})
        assert response.status_code == 400
        assert "Hãy nói rõ lý do" in response.content.decode()
    assert Product.objects.get(pk=product.pk).is_public
    assert not ListingTakedown.objects.exists()
    with pytest.raises(ValidationError):
        services.listing_take_down(product=product, actor=desk.operator, reason=" ")


def test_a_listing_already_down_or_never_on_sale_gives_a_clear_error(desk, product, honey):
    url = reverse("listings-dashboard:takedown", kwargs={"pk": product.pk})
    assert desk.post(url, {"reason": REASON}).status_code == 302
    again = desk.post(url, {"reason": "Lần nữa"})
    assert again.status_code == 400
    assert "Sản phẩm này đã bị gỡ rồi." in again.content.decode()
    assert ListingTakedown.objects.count() == 1

    waiting = factories.product("Mật ong chưa duyệt", maker=honey, public=False)
    response = desk.post(
        reverse("listings-dashboard:takedown", kwargs={"pk": waiting.pk}), {"reason": REASON}
    )
    assert response.status_code == 400
    assert not ListingTakedown.objects.filter(product=waiting).exists()
    missing = reverse("listings-dashboard:takedown", kwargs={"pk": 999999})
    assert desk.post(missing, {"reason": REASON}).status_code == 404


def test_an_operator_restores_it_with_a_reason_and_the_record_is_kept(
    desk, product, django_capture_on_commit_callbacks
):
    services.listing_take_down(product=product, actor=desk.operator, reason=REASON)
    restore = reverse("listings-dashboard:restore", kwargs={"pk": product.pk})
    response = desk.post(restore, {"reason": ""}, follow=True)
    assert "Hãy nói rõ lý do" in response.content.decode()
    assert not Product.objects.get(pk=product.pk).is_public

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(restore, {"reason": "Đã sửa mô tả theo yêu cầu."})
    assert Product.objects.get(pk=product.pk).is_public
    assert Client().get(product.get_absolute_url()).status_code == 200
    takedown = ListingTakedown.objects.get(product=product)
    assert takedown.restored_by == desk.operator and takedown.restored_at is not None
    assert takedown.reason == REASON and takedown.restore_reason == "Đã sửa mô tả theo yêu cầu."
    (message,) = [m for m in mail.outbox if "mat-ong@example.com" in m.to]
    assert "Đã sửa mô tả theo yêu cầu." in message.body

    again = desk.post(restore, {"reason": "Lần nữa"}, follow=True)
    assert "Sản phẩm này không bị gỡ." in again.content.decode()
    # Taken down a second time: a second record, the first kept.
    services.listing_take_down(product=product, actor=desk.operator, reason="Lần hai")
    assert ListingTakedown.objects.filter(product=product).count() == 2
    page = desk.get(reverse("listings-dashboard:takedowns")).content.decode()
    assert REASON in page and "Lần hai" in page


def test_the_producer_cannot_put_it_back_on_sale(client, honey, product):
    user = factories.producer_user(honey)
    services.listing_take_down(product=product, actor=factories.operator(), reason=REASON)
    client.force_login(user)
    edit = reverse("producer-dashboard:product-edit", kwargs={"pk": product.pk})
    page = client.get(edit)  # they still see and may fix their product, and read why
    assert page.status_code == 200 and REASON in page.content.decode()
    listing = client.get(reverse("producer-dashboard:product-list")).content.decode()
    assert "Bị sàn gỡ" in listing
    change = services.product_update(
        product=product,
        producer=honey,
        actor=user,
        on_behalf=False,
        values={"title": "Mật ong bạc hà 500ml (sửa)"},
        price=Decimal(350000),
        num_in_stock=10,
    )
    # Even an approved change keeps it down: only restoring puts it back.
    services.listing_change_approve(change=change, actor=factories.operator("ops2@example.com"))
    assert ListingChange.objects.get(pk=change.pk).status == "approved"
    assert not Product.objects.get(pk=product.pk).is_public
    for url in (
        reverse("listings-dashboard:restore", kwargs={"pk": product.pk}),
        reverse("listings-dashboard:takedown", kwargs={"pk": product.pk}),
    ):
        assert client.post(url, {"reason": "Tôi sửa rồi"}).status_code == 403
    assert not Product.objects.get(pk=product.pk).is_public
    assert ListingTakedown.objects.get(product=product).restored_at is None


def test_operators_find_live_listings_and_take_them_down_from_the_list(desk, product):
    page = desk.get(reverse("listings-dashboard:takedowns"), {"q": "bac ha"})
    html = page.content.decode()
    assert page.status_code == 200 and TITLE in html
    assert reverse("listings-dashboard:takedown", kwargs={"pk": product.pk}) in html
    assert (
        TITLE
        not in desk.get(reverse("listings-dashboard:takedowns"), {"q": "che"}).content.decode()
    )
    desk.operator.is_superuser = True  # Oscar's catalogue pages ask model permissions
    desk.operator.save(update_fields=["is_superuser"])
    oscar_page = desk.get(reverse("dashboard:catalogue-product", kwargs={"pk": product.pk}))
    assert reverse("listings-dashboard:takedown", kwargs={"pk": product.pk}) in (
        oscar_page.content.decode()
    )


@pytest.mark.parametrize("name", ["takedowns", "takedown", "restore"])
def test_buyers_and_producers_are_refused_anonymous_sent_to_login(name, honey, product):
    url = reverse(
        f"listings-dashboard:{name}", kwargs={} if name == "takedowns" else {"pk": product.pk}
    )
    anonymous = Client().post(url, {"reason": REASON})
    assert anonymous.status_code == 302 and "login" in anonymous.url
    for user in (
        factories.producer_user(honey),
        get_user_model_buyer(),
    ):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code in (403, 405)
        assert client.post(url, {"reason": REASON}).status_code == 403
    assert Product.objects.get(pk=product.pk).is_public


def get_user_model_buyer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("buyer", "buyer@example.com", "pw-12345678")


def test_a_basket_filled_before_the_takedown_cannot_buy_it(product):
    from oscar.core.loading import get_class

    Selector = get_class("partner.strategy", "Selector")
    assert Selector().strategy().fetch_for_product(product).availability.is_available_to_buy
    services.listing_take_down(product=product, actor=factories.operator(), reason=REASON)
    info = Selector().strategy().fetch_for_product(Product.objects.get(pk=product.pk))
    allowed, message = info.availability.is_purchase_permitted(1)
    assert not allowed and message == "Không còn bán"

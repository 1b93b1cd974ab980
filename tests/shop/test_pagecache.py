import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    return factories.product("Mật ong bạc hà 500ml", price="350000", stock=10)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_anonymous_pages_are_served_from_cache(item):
    url = reverse("catalogue:index")
    assert get(Client(), url)["X-Page-Cache"] == "miss"
    assert get(Client(), url)["X-Page-Cache"] == "hit"


def test_each_language_has_its_own_entry(item):
    vi = get(Client(), "/shop/catalogue/")
    en = get(Client(), "/en/shop/catalogue/")
    assert en["X-Page-Cache"] == "miss"
    assert "Tất cả sản phẩm" in vi.content.decode()
    assert "All products" in get(Client(), "/en/shop/catalogue/").content.decode()


def test_a_price_change_is_visible_at_once(item):
    url = item.get_absolute_url()
    assert "350.000" in get(Client(), url).content.decode()
    record = item.stockrecords.get()
    record.price = 299000
    record.save()
    response = get(Client(), url)
    assert response["X-Page-Cache"] == "miss"
    assert "299.000" in response.content.decode()


def test_a_stock_change_is_visible_at_once(item):
    url = reverse("catalogue:index")
    add_form = f'action="{reverse("basket:add", kwargs={"pk": item.pk})}"'
    assert add_form in get(Client(), url).content.decode()
    record = item.stockrecords.get()
    record.num_in_stock = 0
    record.save()
    assert add_form not in get(Client(), url).content.decode()


def test_visitors_with_a_basket_are_served_the_shared_page_with_their_own_basket(item):
    url = reverse("catalogue:index")
    get(Client(), url)  # warm the cache for stateless visitors
    shopper = Client()
    shopper.get(url)
    response = shopper.post(reverse("basket:add", kwargs={"pk": item.pk}), {"quantity": 2})
    assert response.status_code == 302
    page = shopper.get(url)
    assert page["X-Page-Cache"] == "hit"
    assert "private" in page["Cache-Control"]
    assert re.search(r'class="badge"[^>]*>2<', page.content.decode())
    # ...and a stateless visitor does not see that basket.
    stranger = get(Client(), url)
    assert re.search(r'class="badge"[^>]*>0<', stranger.content.decode())


def test_signed_in_buyers_share_browsing_pages_but_not_their_own(item, django_user_model):
    user = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456789")
    client = Client()
    client.force_login(user)
    get(Client(), reverse("catalogue:index"))
    assert get(client, reverse("catalogue:index"))["X-Page-Cache"] == "hit"
    for own in (reverse("basket:summary"), reverse("customer:profile-view")):
        assert "X-Page-Cache" not in get(client, own)


def test_cached_page_carries_a_working_csrf_token_for_each_visitor(item):
    url = reverse("catalogue:index")
    get(Client(), url)
    visitor = Client(enforce_csrf_checks=True)
    page = get(visitor, url)
    assert page["X-Page-Cache"] == "hit"
    html = page.content.decode()
    assert "placeholder-0f5c2b" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = visitor.post(
        reverse("basket:add", kwargs={"pk": item.pk}),
        {"quantity": 1, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_two_visitors_get_different_tokens_from_one_cached_page(item):
    url = reverse("catalogue:index")
    pattern = r'name="csrfmiddlewaretoken" value="([^"]+)"'
    first = re.search(pattern, get(Client(), url).content.decode()).group(1)
    second = re.search(pattern, get(Client(), url).content.decode()).group(1)
    assert first != second


def test_messages_are_shown_to_their_visitor_and_never_cached(item):
    shopper = Client()
    shopper.post(reverse("basket:add", kwargs={"pk": item.pk}), {"quantity": 1})
    shopper.cookies.pop("oscar_open_basket", None)
    page = shopper.get(reverse("catalogue:index"))
    assert "alert-success" in page.content.decode()
    assert "alert-success" not in shopper.get(reverse("catalogue:index")).content.decode()
    later = get(Client(), reverse("catalogue:index")).content.decode()
    assert "Mật ong bạc hà 500ml" in later and "alert-success" not in later


def test_an_evicted_generation_never_brings_back_old_pages(item):
    from django.core.cache import cache

    from shop import pagecache

    url = reverse("catalogue:index")
    get(Client(), url)
    cache.delete(pagecache.GENERATION_KEY)  # as an LRU eviction would
    record = item.stockrecords.get()
    record.price = 123000
    record.save()
    assert "123.000" in get(Client(), url).content.decode()


def test_a_page_made_private_or_an_image_edited_drops_every_cached_page():
    from wagtail.images.models import Image
    from wagtail.models import Page, PageViewRestriction

    from shop import pagecache

    before = pagecache.generation()
    page = Page.objects.filter(depth=2).first()
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    after_restriction = pagecache.generation()
    assert after_restriction != before
    from wagtail.images.tests.utils import get_test_image_file

    Image.objects.create(title="Đồi chè", file=get_test_image_file())
    assert pagecache.generation() != after_restriction


def _allocate(item, quantity: int) -> None:
    from shop.partner.stock import stock_allocate

    record = item.stockrecords.get()
    stock_allocate(quantities={record.pk: quantity}, titles={record.pk: item.title})


def test_an_order_leaving_plenty_keeps_the_cached_pages():
    """Pages show whether a product can be bought, and its stock only when few are left: an
    order of a well-stocked product renews no page, one that leaves few or none does."""
    item = factories.product("Chè Shan Tuyết", price="120000", stock=30)
    url = item.get_absolute_url()
    page = get(Client(), url).content.decode()
    assert 'max="99"' in page
    assert get(Client(), url)["X-Page-Cache"] == "hit"
    _allocate(item, 5)  # 25 left
    assert get(Client(), url)["X-Page-Cache"] == "hit"
    _allocate(item, 17)  # 8 left: the field says so
    response = get(Client(), url)
    assert response["X-Page-Cache"] == "miss"
    assert 'max="8"' in response.content.decode()
    _allocate(item, 8)  # sold out
    response = get(Client(), url)
    assert response["X-Page-Cache"] == "miss"
    assert 'id="add_to_basket_form"' not in response.content.decode()

"""Signed-in buyers and buyers with a basket are served the one shared copy of each browsing
page, their own parts filled in (shop/personal, shop/pagecache.py): never another visitor's."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from shop import personal
from shop.customer.wishlists import services as wishlists
from tests import factories

pytestmark = pytest.mark.django_db
Follow = get_model("partner", "Follow")
UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")
HO_CHI_MINH_CITY = 79


@pytest.fixture
def floor():
    maker = factories.producer("HTX Chè Shan Tuyết Lũng Cú")
    honey = factories.product("Mật ong bạc hà 500ml", price="350000", maker=maker)
    tea = factories.product("Chè Shan Tuyết 200g", price="180000", maker=maker)
    return {"maker": maker, "honey": honey, "tea": tea}


def buyer(name: str) -> tuple:
    user = get_user_model().objects.create_user(name, f"{name}@example.com", "pw-123456789")
    client = Client()
    client.force_login(user)
    return user, client


def add(client, product, quantity):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302


def badge(html: str) -> int:
    return int(re.search(r'class="badge"[^>]*>(\d+)<', html).group(1))


def heart_pressed(html: str, product) -> bool:
    action = reverse("customer:wishlists-add-product", kwargs={"product_pk": product.pk})
    start = html.index(f'action="{action}"')
    button = html[start : html.index("</button>", start)]
    return 'aria-pressed="true"' in button


def follow_pressed(html: str) -> bool:
    start = html.index('class="follow-form"')
    return 'aria-pressed="true"' in html[start : html.index("</button>", start)]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    token = personal._token(settings.SECRET_KEY)
    assert token not in html  # no marker ever reaches a visitor
    assert "cho-phien-csrf-placeholder" not in html
    return response, html


def test_two_buyers_interleaved_each_see_only_their_own_parts(floor):
    honey, tea, maker = floor["honey"], floor["tea"], floor["maker"]
    mai, mai_client = buyer("mai")
    lan, lan_client = buyer("lan")
    add(mai_client, honey, 2)
    add(lan_client, tea, 1)
    wishlists.wishlist_product_set(user=mai, product=honey, wanted=True)
    Follow.objects.create(user=lan, partner=maker)
    UserAddress.objects.create(
        user=mai,
        first_name="Mai",
        last_name="Nguyễn",
        line1="12 Lê Lợi",
        province_code=HO_CHI_MINH_CITY,
        country=Country.objects.get_or_create(
            iso_3166_1_a2="VN", defaults={"name": "Việt Nam", "is_shipping_country": True}
        )[0],
        is_default_for_shipping=True,
    )
    urls = [
        reverse("catalogue:index"),
        honey.get_absolute_url(),
        reverse("search:search") + "?q=mat+ong",
        maker.get_absolute_url(),
        honey.get_absolute_url(),
        reverse("catalogue:index"),
    ]
    served = []
    for url in urls:  # interleaved: Mai, Lan, a stranger, on the same shared pages
        mai_page, mai_html = page(mai_client, url)
        lan_page, lan_html = page(lan_client, url)
        _stranger, stranger_html = page(Client(), url)
        served += [mai_page.get("X-Page-Cache"), lan_page.get("X-Page-Cache")]
        assert badge(mai_html) == 2 and "700.000" in mai_html
        assert badge(lan_html) == 1 and "700.000" not in lan_html
        assert badge(stranger_html) == 0
        for html in (mai_html, lan_html):
            assert reverse("customer:logout") in html and 'id="login_link"' not in html
        assert 'id="login_link"' in stranger_html
        assert reverse("customer:logout") not in stranger_html
        heart = reverse("customer:wishlists-add-product", kwargs={"product_pk": honey.pk})
        if heart in mai_html:
            assert heart_pressed(mai_html, honey)
            assert not heart_pressed(lan_html, honey)
            assert not heart_pressed(stranger_html, honey)
        if url == maker.get_absolute_url():
            assert follow_pressed(lan_html)
            assert not follow_pressed(mai_html) and not follow_pressed(stranger_html)
        if url == honey.get_absolute_url():
            assert "TP. Hồ Chí Minh" in mai_html or "Hồ Chí Minh" in mai_html
            assert "Hồ Chí Minh" not in lan_html and "Hồ Chí Minh" not in stranger_html
    assert served.count("hit") >= len(urls)  # the same copy, not a page of their own


def test_a_change_shows_on_the_next_page_and_only_to_its_buyer(floor):
    honey = floor["honey"]
    mai, mai_client = buyer("mai")
    lan, lan_client = buyer("lan")
    url = reverse("catalogue:index")
    add(mai_client, honey, 1)
    assert badge(page(mai_client, url)[1]) == 1
    assert badge(page(lan_client, url)[1]) == 0
    add(mai_client, honey, 3)
    assert badge(page(mai_client, url)[1]) == 4
    wishlists.wishlist_product_set(user=mai, product=honey, wanted=True)
    assert heart_pressed(page(mai_client, url)[1], honey)
    wishlists.wishlist_product_set(user=mai, product=honey, wanted=False)
    assert not heart_pressed(page(mai_client, url)[1], honey)
    _response, lan_html = page(lan_client, url)
    assert badge(lan_html) == 0 and not heart_pressed(lan_html, honey)
    # A price change reaches the basket's total in the header at once.
    record = honey.stockrecords.get()
    record.price = Decimal("300000")
    record.save()
    assert "1.200.000" in page(mai_client, url)[1]


def test_a_basket_change_reads_the_basket_again_and_not_the_rest_of_the_buyer(floor):
    """The state's account part (favourites, follows, province, roles) is kept apart from the
    basket: adding to the basket does not read it again, and a change to it still shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    honey, tea, maker = floor["honey"], floor["tea"], floor["maker"]
    mai, client = buyer("mai")
    url = reverse("catalogue:index")
    wishlists.wishlist_product_set(user=mai, product=honey, wanted=True)
    page(client, url)
    add(client, tea, 2)
    with CaptureQueriesContext(connection) as captured:
        html = page(client, url)[1]
    tables = " ".join(query["sql"] for query in captured)
    assert "basket_line" in tables
    for table in ("wishlists_line", "partner_follow", "address_useraddress", "auth_permission"):
        assert table not in tables, table
    assert badge(html) == 2 and heart_pressed(html, honey)
    Follow.objects.create(user=mai, partner=maker)
    wishlists.wishlist_product_set(user=mai, product=honey, wanted=False)
    html = page(client, maker.get_absolute_url())[1]
    assert follow_pressed(html) and badge(html) == 2
    assert not heart_pressed(page(client, url)[1], honey)


def test_roles_show_their_links_on_shared_pages(floor):
    url = reverse("catalogue:index")
    page(Client(), url)
    operator = factories.operator()
    staff = Client()
    staff.force_login(operator)
    response, html = page(staff, url)
    assert response["X-Page-Cache"] == "hit"
    assert reverse("dashboard:index") in html
    worker = Client()
    worker.force_login(factories.producer_user(floor["maker"]))
    html = page(worker, url)[1]
    assert reverse("producer-dashboard:index") in html
    assert f'href="{reverse("dashboard:index")}"' not in html


def test_a_basket_cookie_that_does_not_verify_gets_a_page_of_its_own(floor):
    url = reverse("catalogue:index")
    page(Client(), url)
    visitor = Client()
    visitor.cookies[settings.OSCAR_BASKET_COOKIE_OPEN] = "12:forged"
    response, html = page(visitor, url)
    assert "X-Page-Cache" not in response
    assert badge(html) == 0
    assert response.cookies[settings.OSCAR_BASKET_COOKIE_OPEN].value == ""  # dropped


def test_prices_per_visitor_bypass_the_shared_cache(floor, monkeypatch):
    """A strategy whose prices depend on who asks never has its pages shared."""
    Selector = get_class("partner.strategy", "Selector")
    Default = get_class("partner.strategy", "Default")
    FixedPrice = get_class("partner.prices", "FixedPrice")

    class MembersPay90Percent(Default):
        same_for_everyone = False

        def pricing_policy(self, product, stockrecord):
            price = super().pricing_policy(product, stockrecord)
            if self.user is not None and self.user.is_authenticated and price.exists:
                return FixedPrice(price.currency, price.excl_tax * Decimal("0.9"), Decimal(0))
            return price

    def strategy(self, request=None, user=None, **kwargs):
        return MembersPay90Percent(request)

    monkeypatch.setattr(Selector, "strategy", strategy)
    url = floor["honey"].get_absolute_url()
    anonymous_html = page(Client(), url)[1]
    assert "350.000" in anonymous_html
    _user, client = buyer("mai")
    response, html = page(client, url)
    assert "X-Page-Cache" not in response
    assert "315.000" in html
    assert page(Client(), url)[0]["X-Page-Cache"] == "hit"  # anonymous pages still shared
    assert "315.000" not in page(Client(), url)[1]


def test_a_shared_page_costs_a_signed_in_buyer_a_fixed_few_queries(
    floor, django_assert_max_num_queries
):
    user, client = buyer("mai")
    for product in [floor["honey"], floor["tea"]] + [
        factories.product(f"Cam sành {n}", maker=floor["maker"]) for n in range(18)
    ]:
        add(client, product, 1)
    url = reverse("catalogue:index")
    page(client, url)  # the shared copy, the buyer's state and their account, once
    # The session and its account come from the cache: no query at all, per line or card.
    with django_assert_max_num_queries(0):
        response, html = page(client, url)
    assert response["X-Page-Cache"] == "hit" and badge(html) == 20


def test_nothing_cached_a_page_costs_the_same_for_1_or_20_lines_and_favourites(floor):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user, client = buyer("mai")
    products = [factories.product(f"Cam sành {n}", maker=floor["maker"]) for n in range(20)]
    url = reverse("catalogue:index")
    counts = {}
    for size in (1, 20):
        for product in products[len(counts) : size]:
            add(client, product, 1)
            wishlists.wishlist_product_set(user=user, product=product, wanted=True)
        cache.clear()  # neither the page nor the buyer's state
        with CaptureQueriesContext(connection) as captured:
            html = page(client, url)[1]
        assert badge(html) == size
        counts[size] = len(captured)
    assert counts[20] == counts[1], counts

"""Price sort and the filters by province of origin and price range above product lists
(shop/catalogue/selectors.py, shop/catalogue/forms.py), and how the list pages take bad input."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from shop.catalogue import selectors
from shop.catalogue.forms import ProductFilterForm
from tests import factories

pytestmark = pytest.mark.django_db

HA_NOI = 1
TUYEN_QUANG = 8


@pytest.fixture
def floor():
    """Four products of one category: three from Tuyên Quang, one from Hà Nội; and one not
    in the category."""
    honey = factories.category("Mật ong")
    factories.product("Mật ong 500ml", price="350000", categories=[honey])
    factories.product("Sáp ong", price="150000", categories=[honey])
    factories.product("Phấn hoa", price="220000", categories=[honey])
    city = factories.product("Mật ong phố", price="90000", categories=[honey])
    city.origin_province_code = HA_NOI
    city.save()
    factories.product("Chè Shan Tuyết", price="500000")
    return honey


def titles(products) -> list[str]:
    return [product.title for product in products]


def test_price_sorts_both_ways(floor):
    cheap_first = ["Mật ong phố", "Sáp ong", "Phấn hoa", "Mật ong 500ml"]
    assert titles(selectors.product_list(category=floor, sort="price")) == cheap_first
    assert titles(selectors.product_list(category=floor, sort="-price")) == cheap_first[::-1]


def test_a_product_without_a_price_comes_last_either_way(floor):
    unpriced = factories.product("Mật ong chưa có giá", categories=[floor])
    unpriced.stockrecords.all().delete()
    for sort in ("price", "-price"):
        assert titles(selectors.product_list(category=floor, sort=sort))[-1] == unpriced.title


def test_price_range_includes_both_ends(floor):
    found = selectors.product_list(
        category=floor, min_price=Decimal(150000), max_price=Decimal(220000), sort="price"
    )
    assert titles(found) == ["Sáp ong", "Phấn hoa"]
    assert titles(selectors.product_list(min_price=Decimal(350000), sort="price")) == [
        "Mật ong 500ml",
        "Chè Shan Tuyết",
    ]
    assert titles(selectors.product_list(max_price=Decimal(100000))) == ["Mật ong phố"]


def test_province_of_origin(floor):
    assert titles(selectors.product_list(category=floor, province_code=HA_NOI)) == ["Mật ong phố"]
    assert len(selectors.product_list(category=floor, province_code=TUYEN_QUANG)) == 3


def test_price_sort_inside_search_results(floor):
    assert titles(selectors.product_list(query="mat ong", sort="-price")) == [
        "Mật ong 500ml",
        "Mật ong phố",
    ]


def test_origin_provinces_lists_public_products_provinces_once(floor):
    factories.product("Ẩn", public=False).__class__.objects.filter(title="Ẩn").update(
        origin_province_code=2
    )
    assert selectors.origin_provinces() == [HA_NOI, TUYEN_QUANG]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("150000", Decimal(150000)),
        ("150.000", Decimal(150000)),
        ("150,000", Decimal(150000)),
        ("150 000 ₫", Decimal(150000)),
        ("150.000đ", Decimal(150000)),
        ("", None),
    ],
)
def test_prices_are_read_as_buyers_type_them(typed, amount):
    form = ProductFilterForm({"price_min": typed}, provinces=[])
    assert form.filters()["min_price"] == amount


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"price_min": "abc"}, "price_min"),
        ({"price_min": "-5"}, "price_min"),
        ({"price_max": "1e9"}, "price_max"),
        ({"price_max": "99999999999"}, "price_max"),
        ({"price_min": "٣٠٠"}, "price_min"),  # digits, but not ours
        ({"price_min": "300000", "price_max": "100000"}, "price_max"),
        ({"province": "99999"}, "province"),
        ({"province": "x"}, "province"),
        ({"ocop": "9"}, "ocop"),
        ({"sort": "pk; drop table"}, "sort"),
    ],
)
def test_bad_input_is_reported_and_left_out(params, field):
    form = ProductFilterForm(params, provinces=[TUYEN_QUANG])
    filters = form.filters()
    assert field in form.errors
    assert filters["sort"] == "relevance" or "sort" not in params
    assert filters["province_code"] is None
    assert {filters["min_price"], filters["max_price"]} <= {None, Decimal(300000)}


def test_the_valid_filters_still_apply_beside_a_bad_one():
    form = ProductFilterForm(
        {"sort": "-price", "province": "8", "price_min": "abc", "price_max": "200.000"},
        provinces=[TUYEN_QUANG],
    )
    assert form.filters() == {
        "sort": "-price",
        "province_code": TUYEN_QUANG,
        "min_ocop_stars": None,
        "min_price": None,
        "max_price": Decimal(200000),
    }


@pytest.mark.parametrize(
    "query",
    [
        "?price_min=abc&price_max=%00",
        "?province=<script>&sort=price",
        "?price_min=" + "9" * 5000,
        "?ocop=3&ocop=x&province=1&province=8",
    ],
)
def test_list_pages_never_fail_on_bad_filters(client, floor, query):
    for url in (
        floor.get_absolute_url(),
        reverse("search:search") + "?q=mat",
        reverse("catalogue:index"),
        reverse("catalogue:origin", kwargs={"province": TUYEN_QUANG, "slug": "x"}),
    ):
        response = client.get(url + ("&" if "?" in url else "?") + query.lstrip("?"), follow=True)
        assert response.status_code == 200, url


def test_the_page_says_what_it_could_not_use(client, floor):
    response = client.get(floor.get_absolute_url() + "?price_min=abc&sort=price")
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "150.000" in page  # the example in the message
    assert titles(response.context["products"])[0] == "Mật ong phố"  # the sort still applies


def test_category_page_filters_and_sorts(client, floor):
    response = client.get(
        floor.get_absolute_url(),
        {"province": TUYEN_QUANG, "price_max": "300.000", "sort": "-price"},
    )
    assert titles(response.context["products"]) == ["Phấn hoa", "Sáp ong"]
    assert 'role="alert"' not in response.content.decode()


def test_origin_page_sorts_by_price(client, floor):
    url = reverse("catalogue:origin", kwargs={"province": TUYEN_QUANG, "slug": "x"})
    response = client.get(url, {"sort": "price"}, follow=True)
    assert titles(response.context["products"]) == [
        "Sáp ong",
        "Phấn hoa",
        "Mật ong 500ml",
        "Chè Shan Tuyết",
    ]


def test_the_page_cache_keeps_filtered_lists_apart(client, floor):
    url = floor.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    for params, first in (
        ({"price_max": "100000"}, "Mật ong phố"),
        ({"province": TUYEN_QUANG, "sort": "price"}, "Sáp ong"),
    ):
        response = client.get(url, params)
        assert response["X-Page-Cache"] == "miss"
        assert titles(response.context["products"])[0] == first


def test_provinces_in_the_filter_are_named_in_the_page_language():
    with translation.override("vi"):
        vietnamese = dict(ProductFilterForm(provinces=[HA_NOI]).fields["province"].choices)
    with translation.override("en"):
        english = dict(ProductFilterForm(provinces=[HA_NOI]).fields["province"].choices)
    assert vietnamese[str(HA_NOI)] == "Thành phố Hà Nội"
    assert english[str(HA_NOI)] == "Hà Nội City"

"""The product page's delivery window: from the producer's province to the buyer's (a
signed-in buyer's default address) or the default province, never one visitor's window in
the page cached for everyone."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from oscar.core.loading import get_model

from shop import geo
from shop.shipping.delivery import delivery_window
from tests import factories
from tests.payments import flow

pytestmark = pytest.mark.django_db

UserAddress = get_model("address", "UserAddress")

TUYEN_QUANG, HA_NOI, DA_NANG, HO_CHI_MINH = 8, 1, 48, 79
DEFAULT_WINDOW = "Giao đến Hà Nội: 2–3 ngày"  # Tuyên Quang to Hà Nội, both in the north
SOUTH_WINDOW = "Giao đến Hồ Chí Minh: 4–6 ngày"


@pytest.fixture
def honey():
    return factories.product("Mật ong bạc hà 500ml", price="350000")


def buyer_in(province_code: int, email="lan@example.com"):
    user = get_user_model().objects.create_user(email.split("@")[0], email, "pw-123456789")
    address = UserAddress(
        user=user,
        first_name="Lan",
        last_name="Trần",
        line1="5 Nguyễn Huệ",
        country=flow.vietnam(),
        phone_number="+84912345678",
        is_default_for_shipping=True,
    )
    address.set_units(province_code=province_code, ward_code=geo.ward_choices(province_code)[0][0])
    address.save()
    client = Client()
    client.force_login(user)
    return client


def page(client, product) -> tuple[str, str]:
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Page-Cache", "")


def test_windows_by_region_pair():
    assert delivery_window(origin=TUYEN_QUANG, destination=TUYEN_QUANG).fewest_days == 1
    north = delivery_window(origin=TUYEN_QUANG, destination=HA_NOI)
    assert (north.province_name, north.fewest_days, north.most_days) == ("Hà Nội", 2, 3)
    centre = delivery_window(origin=TUYEN_QUANG, destination=DA_NANG)
    assert (centre.fewest_days, centre.most_days) == (3, 5)
    south = delivery_window(origin=HO_CHI_MINH, destination=TUYEN_QUANG)
    assert (south.fewest_days, south.most_days) == (4, 6)
    assert delivery_window(origin=None, destination=HA_NOI) is None
    assert delivery_window(origin=TUYEN_QUANG, destination=999) is None
    # Every current province has a region: no pair is left without a window.
    for origin in geo.provinces():
        for destination in geo.provinces():
            assert delivery_window(origin=origin, destination=destination) is not None


def test_anonymous_visitors_see_the_window_to_the_default_province(honey):
    html, _ = page(Client(), honey)
    assert DEFAULT_WINDOW in html


def test_the_default_province_is_a_setting(honey, settings):
    settings.DEFAULT_DELIVERY_PROVINCE = TUYEN_QUANG
    html, _ = page(Client(), honey)
    assert "Giao đến Tuyên Quang: 1–2 ngày" in html


def test_a_signed_in_buyer_sees_the_window_to_their_own_province(honey):
    html, _ = page(buyer_in(HO_CHI_MINH), honey)
    assert SOUTH_WINDOW in html and DEFAULT_WINDOW not in html


def test_a_buyer_without_an_address_sees_the_default(honey):
    user = get_user_model().objects.create_user("an", "an@example.com", "pw-123456789")
    client = Client()
    client.force_login(user)
    assert DEFAULT_WINDOW in page(client, honey)[0]


def test_a_buyers_window_never_reaches_the_page_cache(honey):
    # The buyer first: the page is stored as an anonymous visitor sees it, their window apart.
    buyer = buyer_in(HO_CHI_MINH)
    html, cached = page(buyer, honey)
    assert cached == "miss" and SOUTH_WINDOW in html and DEFAULT_WINDOW not in html
    for _visit in range(2):
        html, cached = page(Client(), honey)
        assert cached == "hit" and DEFAULT_WINDOW in html and SOUTH_WINDOW not in html
    # The buyer is served the same copy, with their own window.
    html, cached = page(buyer, honey)
    assert cached == "hit" and SOUTH_WINDOW in html and DEFAULT_WINDOW not in html
    other = buyer_in(DA_NANG, email="binh@example.com")
    assert "Giao đến Đà Nẵng: 3–5 ngày" in page(other, honey)[0]

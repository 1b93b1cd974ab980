"""The producer's pick-up address (a ward of its own province, street, phone in E.164) and its
default carrier, on its own dashboard page. (Onboarding approval carries the applicant's ward
and phone into the producer: tests/onboarding/test_review.py.)"""

import pytest
from django.urls import reverse

from shop import geo
from shop.carriers import registry
from shop.fulfilment.parcels import sender_of
from tests import factories

pytestmark = pytest.mark.django_db

URL = "producer-dashboard:pickup"
HOAN_KIEM = int(geo.find_ward(province_code=1, name="Phường Hoàn Kiếm").code)


@pytest.fixture
def producer(client):
    partner = factories.producer()
    client.force_login(factories.producer_user(partner))
    return partner


def pickup(**changes):
    return {
        "street": "Thôn Lũng Cẩm, Quốc lộ 4C",
        "ward_code": str(factories.MEO_VAC),
        "phone": "0912 401 721",
        "default_carrier": registry.names()[0],
        **changes,
    }


def test_the_page_offers_the_wards_of_the_producers_province_and_the_carriers(client, producer):
    page = client.get(reverse(URL))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{factories.MEO_VAC}">Xã Mèo Vạc</option>' in html
    assert f'value="{HOAN_KIEM}"' not in html
    for name, label in registry.choices():
        assert f'<option value="{name}">' in html and str(label) in html
    assert 'type="tel"' in html and "shop/ward_picker.js" in html


def test_a_good_pickup_address_is_saved_and_gives_the_carrier_a_sender(client, producer):
    carriers = registry.names()
    assert len(carriers) >= 2
    response = client.post(reverse(URL), pickup(default_carrier=carriers[1]))
    assert response.status_code == 302
    producer.refresh_from_db()
    assert producer.street == "Thôn Lũng Cẩm, Quốc lộ 4C"
    assert (producer.province_code, producer.ward_code) == (8, factories.MEO_VAC)
    assert producer.phone == "+84912401721" and producer.default_carrier == carriers[1]
    sender = sender_of(producer)
    assert (sender.phone, sender.ward_code, sender.street) == (
        "+84912401721",
        factories.MEO_VAC,
        "Thôn Lũng Cẩm, Quốc lộ 4C",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ward_code": str(HOAN_KIEM)}, "ward_code"),  # Hà Nội: not the producer's province
        ({"ward_code": "99999999"}, "ward_code"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+33 6 12 34 56 78"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"street": "   "}, "street"),
        ({"default_carrier": "pigeon"}, "default_carrier"),
    ],
)
def test_bad_pickup_details_are_refused_and_change_nothing(client, producer, changes, field):
    before = (producer.street, producer.ward_code, producer.phone, producer.default_carrier)
    response = client.post(reverse(URL), pickup(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    producer.refresh_from_db()
    assert (producer.street, producer.ward_code, producer.phone, producer.default_carrier) == (
        before
    )


def test_an_operator_acting_for_the_producer_edits_it_too(client):
    partner = factories.producer()
    client.force_login(factories.operator())
    client.post(reverse("producer-dashboard:choose"), {"producer": partner.code})
    assert client.post(reverse(URL), pickup()).status_code == 302
    partner.refresh_from_db()
    assert partner.phone == "+84912401721"


def test_a_buyer_cannot_open_the_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("b", "b@example.com", "pw-1234567"))
    assert client.get(reverse(URL)).status_code == 403

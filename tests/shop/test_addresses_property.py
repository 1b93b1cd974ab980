"""Whatever is typed into an address form, it answers with a form (never a 500) and never keeps
an address that a carrier could not deliver to."""

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from oscar.core.loading import get_model

from shop import geo
from shop.address.forms import FIELDS, UserAddressForm
from tests import factories

pytestmark = pytest.mark.django_db

ShippingAddress = get_model("order", "ShippingAddress")

# Mostly plausible values, each field sometimes replaced by arbitrary text, so that many
# addresses get through and many do not.
ANY = st.text(max_size=80) | st.integers(-(10**12), 10**12).map(str)
CODES = st.sampled_from(
    ["8", " 1 ", "79", "+8", "8.0", str(factories.DONG_VAN), str(factories.MEO_VAC), "0"]
)


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """`good` three times in four (a plain one_of would flatten and weigh the branches evenly)."""
    return st.integers(0, 3).flatmap(lambda n: good if n else bad)


@st.composite
def addresses(draw):
    province = draw(st.sampled_from([8, 1, 79]))
    ward = draw(st.sampled_from([code for code, _name in geo.ward_choices(province)]))
    data = {
        "first_name": draw(mostly(st.just("Phạm Thị Mai"), ANY)),
        "phone_number": draw(mostly(st.sampled_from(["0912 345 678", "+84868403769"]), ANY)),
        "province_code": draw(mostly(st.just(str(province)), CODES | ANY)),
        "ward_code": draw(mostly(st.just(str(ward)), CODES | ANY)),
        "line1": draw(mostly(st.just("12 Phố Cổ"), ANY)),
        "line2": draw(st.just("") | ANY),
        "notes": draw(st.just("") | ANY),
    }
    if draw(st.booleans()):
        data["wards_of"] = draw(mostly(st.just(str(province)), CODES | ANY))
    if draw(st.integers(0, 9)) == 0:
        data["update_wards"] = "1"
    return data


ADDRESSES = addresses()


def no_nul(data: dict) -> dict:
    """Browsers cannot send NUL in a form field; Django refuses it before any form would."""
    return {key: value.replace("\x00", "") for key, value in data.items()}


def deliverable(address) -> bool:
    number = phonenumbers.parse(str(address.phone_number))
    return (
        geo.ward_in_province(address.ward_code, address.province_code)
        and phonenumbers.is_valid_number(number)
        and phonenumbers.region_code_for_number(number) == "VN"
        and address.line1.strip() != ""
        and address.first_name.strip() != ""
        and address.state == geo.province(address.province_code).name
        and address.line4 == geo.ward(address.ward_code).name
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=ADDRESSES)
def test_the_address_form_never_fails_and_never_keeps_an_undeliverable_address(data):
    user, _ = get_user_model().objects.get_or_create(username="mai", email="mai@example.com")
    form = UserAddressForm(user, data=no_nul(data))
    if form.is_valid():
        saved = form.save()
        saved.refresh_from_db()
        assert deliverable(saved)
        saved.delete()
        event("saved")
    else:
        assert form.errors
    assert set(FIELDS) <= set(form.fields)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=ADDRESSES)
def test_the_checkout_page_answers_any_address_without_an_error(buyer_at_checkout, data):
    response = buyer_at_checkout.post(reverse("checkout:shipping-address"), no_nul(data))
    assert response.status_code in (200, 302)
    event(str(response.status_code))
    if response.status_code == 302:
        assert response["Location"] == reverse("checkout:shipping-method")
        fields = buyer_at_checkout.session["checkout_data"]["shipping"]["new_address_fields"]
        assert deliverable(ShippingAddress(**fields))


@pytest.fixture
def buyer_at_checkout(client):
    """A guest with a basket at the address step (once for all the examples)."""
    from tests.payments import flow

    product = flow.honey()
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    client.post(reverse("checkout:index"), {"username": "mai@example.com", "options": "anonymous"})
    assert client.get(reverse("checkout:shipping-address")).status_code == 200
    return client

"""Vietnamese addresses at checkout and in the address book: one full name, a phone checked and
stored in E.164, the official province and a ward of it (by code), the street; the ward list
follows the province without JavaScript too; shipping is charged by province code."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop import geo
from shop.address.forms import UserAddressForm
from shop.shipping.forms import ShippingAddressForm
from shop.shipping.repository import Repository
from tests import factories
from tests.payments import flow

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")

TUYEN_QUANG, HA_NOI, HO_CHI_MINH = 8, 1, 79
DONG_VAN = factories.DONG_VAN
HOAN_KIEM = int(geo.find_ward(province_code=HA_NOI, name="Phường Hoàn Kiếm").code)
BEN_THANH = int(geo.find_ward(province_code=HO_CHI_MINH, name="Phường Bến Thành").code)


def shipping_form(**changes):
    return ShippingAddressForm(data={**flow.ADDRESS, **changes})


def start_checkout(client, email="mai@example.com"):
    product = flow.honey()
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
    return product


# The form ------------------------------------------------------------------------------------


def test_a_good_address_is_stored_in_e164_with_the_units_codes_and_names(client):
    response = flow.checkout(client, products=[(flow.honey(), 1)], method="cod")
    assert response.status_code == 302
    address = Order.objects.get().shipping_address
    assert str(address.phone_number) == "+84912345678"
    assert (address.province_code, address.ward_code) == (TUYEN_QUANG, DONG_VAN)
    assert (address.state, address.line4) == ("Tuyên Quang", "Xã Đồng Văn")
    assert (address.first_name, address.last_name) == ("Phạm Thị Mai", "")
    assert address.country_id == "VN" and address.postcode == ""
    assert address.active_address_fields() == [
        "Phạm Thị Mai",
        "12 Phố Cổ",
        "Xã Đồng Văn",
        "Tuyên Quang",
    ]


def test_the_fields_come_in_vietnamese_order_without_postcode_or_country():
    form = ShippingAddressForm()
    assert [f.name for f in form.visible_fields()] == [
        "first_name",
        "phone_number",
        "province_code",
        "ward_code",
        "line1",
        "line2",
        "notes",
    ]
    html = str(form["phone_number"])
    assert 'type="tel"' in html and 'autocomplete="tel"' in html
    assert form.fields["phone_number"].required and form.fields["ward_code"].required
    assert "postcode" not in form.fields and "country" not in form.fields


def test_the_labels_are_natural_vietnamese():
    form = ShippingAddressForm()
    labels = {name: str(field.label) for name, field in form.fields.items()}
    assert labels["first_name"] == "Họ và tên người nhận"
    assert labels["province_code"] == "Tỉnh/Thành phố"
    assert labels["ward_code"] == "Phường/Xã"
    assert labels["line1"] == "Số nhà, tên đường"
    assert labels["line2"] == "Thôn/xóm/tổ dân phố"


def test_a_ward_of_another_province_is_refused_with_a_clear_error():
    # The case the issue saw: a Hồ Chí Minh City ward under Tuyên Quang.
    form = shipping_form(ward_code=str(BEN_THANH))
    assert not form.is_valid()
    (error,) = form.errors["ward_code"]
    assert "Phường Bến Thành" in error and "Tuyên Quang" in error


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("0912", "invalid_phone"),
        ("not a phone", "invalid_phone"),
        ("+84 12 345", "invalid_phone"),
        ("+33 6 12 34 56 78", "foreign_phone"),  # a French mobile
        ("+1 650 253 0000", "foreign_phone"),
        ("", "required"),
        ("   ", "required"),
    ],
)
def test_a_bad_foreign_or_missing_phone_is_refused(phone, code):
    form = shipping_form(phone_number=phone)
    assert not form.is_valid()
    assert form.errors.as_data()["phone_number"][0].code == code


@pytest.mark.parametrize("phone", ["0912345678", "0912 345 678", "+84 912-345-678", "84912345678"])
def test_a_vietnamese_number_however_written_is_stored_in_e164(phone):
    form = shipping_form(phone_number=phone)
    assert form.is_valid(), form.errors
    assert str(form.instance.phone_number) == "+84912345678"


def test_a_cash_on_delivery_order_cannot_be_placed_without_a_phone(client):
    start_checkout(client)
    refused = client.post(
        reverse("checkout:shipping-address"), {**flow.ADDRESS, "phone_number": ""}
    )
    assert refused.status_code == 200 and "phone_number" in refused.context["form"].errors
    # Walking on without an address sends the buyer back to give one; no order is placed.
    client.post(reverse("checkout:payment-method"), {"method": "cod"})
    placed = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert placed.status_code == 302
    assert not Order.objects.exists()


# The ward picker without JavaScript ----------------------------------------------------------


def test_the_page_lists_the_provinces_and_the_chosen_provinces_wards(client):
    start_checkout(client)
    client.post(reverse("checkout:shipping-address"), {**flow.ADDRESS, "line1": ""})
    html = client.get(reverse("checkout:shipping-address")).content.decode()
    assert '<option value="8">Tuyên Quang</option>' in html
    assert 'name="update_wards"' in html  # in <noscript>
    assert "shop/ward_picker.js" in html


def test_changing_the_province_re_lists_its_wards_with_a_message_not_an_error(client):
    start_checkout(client)
    page = client.get(reverse("checkout:shipping-address"))
    assert 'name="wards_of"' in page.content.decode()
    # The buyer picked Hà Nội but the list still showed Tuyên Quang's wards (no JavaScript),
    # and pressed "update the list".
    refreshed = client.post(
        reverse("checkout:shipping-address"),
        {
            **flow.ADDRESS,
            "province_code": str(HA_NOI),
            "wards_of": str(TUYEN_QUANG),
            "update_wards": "1",
        },
    )
    assert refreshed.status_code == 200
    form = refreshed.context["form"]
    assert form.wards_refreshed and "ward_code" not in form.errors
    html = refreshed.content.decode()
    assert 'class="alert alert-info"' in html and "Thành phố Hà Nội" in html
    assert f'<option value="{HOAN_KIEM}">Phường Hoàn Kiếm</option>' in html
    assert f'<option value="{DONG_VAN}"' not in html
    assert 'name="wards_of" value="1"' in html
    # Then the buyer chooses a ward of Hà Nội and continues.
    done = client.post(
        reverse("checkout:shipping-address"),
        {
            **flow.ADDRESS,
            "province_code": str(HA_NOI),
            "ward_code": str(HOAN_KIEM),
            "wards_of": str(HA_NOI),
        },
    )
    assert done.status_code == 302


@pytest.mark.parametrize("province", [" 1 ", "1"])
def test_a_refresh_without_a_ward_chosen_shows_no_error_on_the_ward(province):
    form = shipping_form(province_code=province, ward_code="", wards_of=str(TUYEN_QUANG))
    assert not form.is_valid() and form.wards_refreshed
    assert "ward_code" not in form.errors and "Thành phố Hà Nội" in form.refresh_message


def test_a_ward_of_another_province_from_the_same_list_is_an_error_not_a_refresh():
    form = shipping_form(ward_code=str(BEN_THANH), wards_of=str(TUYEN_QUANG))
    assert not form.is_valid() and not form.wards_refreshed
    assert "ward_code" in form.errors


# The JSON list of wards ----------------------------------------------------------------------


def test_the_wards_of_a_province_as_json_public_and_cacheable(client):
    response = client.get(reverse("units:province-wards", args=[TUYEN_QUANG]))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    assert not response.cookies  # nothing of the visitor's: the same list for everyone
    data = response.json()
    assert data["province"] == {"code": TUYEN_QUANG, "name": "Tuyên Quang"}
    assert {"code": DONG_VAN, "name": "Xã Đồng Văn", "search": "xa dong van"} in data["wards"]
    assert len(data["wards"]) == len(geo.ward_choices(TUYEN_QUANG))
    assert client.get("/shipping/units/999/wards.json").status_code == 404
    assert client.post(reverse("units:province-wards", args=[8])).status_code == 405


# The address book ----------------------------------------------------------------------------


def test_the_address_book_keeps_the_fields_and_checkout_reuses_them(client):
    buyer = factories_buyer()
    client.force_login(buyer)
    created = client.post(
        reverse("customer:address-create"),
        {
            "first_name": "Phạm Thị Mai",
            "phone_number": "0912 345 678",
            "province_code": str(HA_NOI),
            "ward_code": str(HOAN_KIEM),
            "line1": "Số 12, phố Hàng Bạc",
            "line2": "Tổ dân phố 3",
        },
    )
    assert created.status_code == 302, created.context["form"].errors
    saved = UserAddress.objects.get(user=buyer)
    assert (saved.province_code, saved.ward_code) == (HA_NOI, HOAN_KIEM)
    assert str(saved.phone_number) == "+84912345678"
    assert (saved.state, saved.line4) == ("Thành phố Hà Nội", "Phường Hoàn Kiếm")
    edit = client.get(reverse("customer:address-detail", kwargs={"pk": saved.pk}))
    assert edit.context["form"]["ward_code"].value() == HOAN_KIEM
    assert f'<option value="{HOAN_KIEM}" selected>' in edit.content.decode()

    start_checkout(client, email=buyer.email)
    shipped = client.post(
        reverse("checkout:shipping-address"), {"action": "ship_to", "address_id": saved.pk}
    )
    assert shipped.status_code == 302
    client.get(reverse("checkout:shipping-method"))  # one method: chosen for the buyer
    chosen = client.post(reverse("checkout:payment-method"), {"method": "cod"})
    assert chosen.status_code == 302, chosen.content.decode()[-3000:]
    placed = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert placed.status_code == 302, placed.content.decode()[-3000:]
    address = Order.objects.get().shipping_address
    assert (address.province_code, address.ward_code) == (HA_NOI, HOAN_KIEM)
    assert str(address.phone_number) == "+84912345678" and address.line2 == "Tổ dân phố 3"


def test_a_new_address_given_at_checkout_joins_the_address_book_with_its_units(client):
    buyer = factories_buyer()
    client.force_login(buyer)
    start_checkout(client, email=buyer.email)
    client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    client.get(reverse("checkout:shipping-method"))
    client.post(reverse("checkout:payment-method"), {"method": "cod"})
    client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert Order.objects.filter(user=buyer).exists()
    saved = UserAddress.objects.get(user=buyer)
    assert (saved.province_code, saved.ward_code) == (TUYEN_QUANG, DONG_VAN)
    assert str(saved.phone_number) == "+84912345678" and saved.first_name == "Phạm Thị Mai"


def test_an_old_address_without_phone_or_ward_cannot_reach_an_order(client):
    buyer = factories_buyer()
    old = UserAddress.objects.create(  # saved before phones and wards were asked
        user=buyer, first_name="Mai", last_name="Phạm", line1="12 Phố Cổ", country_id="VN"
    )
    client.force_login(buyer)
    start_checkout(client, email=buyer.email)
    client.post(reverse("checkout:shipping-address"), {"action": "ship_to", "address_id": old.pk})
    client.get(reverse("checkout:shipping-method"))
    sent_back = client.get(reverse("checkout:payment-method"))
    assert sent_back["Location"] == reverse("checkout:shipping-address")
    client.post(reverse("checkout:payment-method"), {"method": "cod"})
    client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert not Order.objects.exists()
    # Edited in Vietnamese shape, it is accepted.
    edit = client.get(reverse("checkout:user-address-update", kwargs={"pk": old.pk}))
    assert edit.context["form"]["first_name"].value() == "Phạm Mai"  # family name first


def test_the_address_book_refuses_a_ward_outside_the_province(client):
    buyer = factories_buyer()
    form = UserAddressForm(buyer, data={**flow.ADDRESS, "ward_code": str(HOAN_KIEM)})
    assert not form.is_valid() and "ward_code" in form.errors
    assert not UserAddress.objects.exists()


def factories_buyer():
    from django.contrib.auth import get_user_model

    flow.vietnam()

    return get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456789")


# Shipping by province code -------------------------------------------------------------------


def test_the_rate_follows_the_province_code_not_the_name():
    maker = factories.producer()
    maker.shipping_same_province, maker.shipping_elsewhere = Decimal(20000), Decimal(35000)
    maker.save()
    product = factories.product("Mật ong", price="100000", maker=maker)
    Basket = get_model("basket", "Basket")
    from oscar.core.loading import get_class

    basket = Basket.objects.create()
    basket.strategy = get_class("partner.strategy", "Selector")().strategy()
    basket.add_product(product, 1)
    home = ShippingAddress(province_code=TUYEN_QUANG, state="")
    away = ShippingAddress(province_code=HA_NOI, state="Tuyên Quang")  # a stale name misleads
    charge = [
        Repository().get_shipping_methods(basket, shipping_addr=a)[0].calculate(basket).incl_tax
        for a in (home, away)
    ]
    assert charge == [Decimal(20000), Decimal(35000)]


# Display -------------------------------------------------------------------------------------


def in_order(text: str, parts: list[str]) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


def test_the_order_shows_the_address_in_vietnamese_order(client):
    from django.template.loader import render_to_string

    flow.checkout(client, products=[(flow.honey(), 1)], method="cod")
    order = Order.objects.get()
    expected = ["Phạm Thị Mai", "0912 345 678", "12 Phố Cổ", "Xã Đồng Văn", "Tuyên Quang"]
    email = render_to_string("notifications/orders/order_placed/body.txt", {"order": order})
    assert in_order(email, expected), email
    html = render_to_string("notifications/orders/order_placed/body.html", {"order": order})
    assert in_order(html, expected) and 'href="tel:+84912345678"' in html
    shipment = order.shipments.get()
    producer = factories.producer_user(shipment.partner)
    client.force_login(producer)
    page = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    assert page.status_code == 200 and in_order(page.content.decode(), expected)

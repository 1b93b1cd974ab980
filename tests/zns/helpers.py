"""A buyer's way through checkout up to the choice of messages, and orders made directly."""

from django.urls import reverse
from oscar.core.loading import get_model

from shop.channels import Channel
from tests.payments import flow

ShippingAddress = get_model("order", "ShippingAddress")


def to_payment_method(client, *, phone="0912 345 678"):
    """flow.checkout's steps up to the payment-method page (with the delivery `phone`)."""
    flow.vietnam()
    product = flow.honey()
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    client.post(reverse("checkout:index"), {"username": "mai@example.com", "options": "anonymous"})
    client.post(reverse("checkout:shipping-address"), {**flow.ADDRESS, "phone_number": phone})
    client.get(reverse("checkout:shipping-method"))
    return client.get(reverse("checkout:payment-method"))


def place(client, **chosen):
    """Choose on the payment-method page (`method`, `notify_channel`) and place the order."""
    assert client.post(reverse("checkout:payment-method"), chosen).status_code == 302
    assert client.post(reverse("checkout:preview"), {"action": "place_order"}).status_code == 302
    return flow.latest_order()


def order(number: str, *, phone="+84912345678", channel=Channel.ZALO, name="Phạm Thị Mai"):
    address = ShippingAddress.objects.create(
        first_name=name, line1="12 Phố Cổ", country=flow.vietnam(), phone_number=phone
    )
    return flow.Order.objects.create(
        number=number,
        total_incl_tax=120000,
        total_excl_tax=120000,
        guest_email="mai@example.com",
        notify_channel=channel,
        shipping_address=address,
    )

"""Shared steps of the payment tests: a buyer checks out with a chosen method."""

from urllib.parse import parse_qsl, urlsplit

from django.urls import reverse
from oscar.core.loading import get_model

from tests import factories

Country = get_model("address", "Country")
Order = get_model("order", "Order")

# A Vietnamese address in the demo province: Xã Đồng Văn (721), Tuyên Quang (8).
ADDRESS = {
    "first_name": "Phạm Thị Mai",
    "phone_number": "0912 345 678",
    "province_code": "8",
    "ward_code": "721",
    "line1": "12 Phố Cổ",
}


def vietnam():
    return Country.objects.get_or_create(
        iso_3166_1_a2="VN",
        defaults={"name": "Việt Nam", "printable_name": "Việt Nam", "is_shipping_country": True},
    )[0]


def checkout(client, *, products, method: str, email="mai@example.com"):
    """Put `products` (pairs of product, quantity) in the basket and place the order: as a
    guest with `email`, or (`email=None`) as the client's signed-in user."""
    vietnam()
    for product, quantity in products:
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    if email is not None:
        client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
    return place_order(client, method=method)


def place_order(client, *, method: str):
    """From the basket (a guest who gave their e-mail, or a signed-in buyer): the address, the
    payment method, then the order is placed."""
    client.post(reverse("checkout:shipping-address"), ADDRESS)
    client.get(reverse("checkout:shipping-method"))
    chosen = client.post(reverse("checkout:payment-method"), {"method": method})
    assert chosen.status_code == 302, chosen.content.decode()[-3000:]
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


def honey(price="350000", stock=10, **kwargs):
    return factories.product("Mật ong bạc hà 500ml", price=price, stock=stock, **kwargs)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def latest_order():
    return Order.objects.order_by("-pk").first()


def payment_page_order(location: str):
    """The order a payment-page link names (None if it is not one). Two links to the same page
    differ when a second passes between their signatures, so tests compare what they name."""
    from django.urls import Resolver404, resolve

    from payments.selectors import order_for_token

    try:
        match = resolve(urlsplit(location).path)
    except Resolver404:
        return None
    if match.view_name != "payments:order":
        return None
    return order_for_token(match.kwargs["token"])

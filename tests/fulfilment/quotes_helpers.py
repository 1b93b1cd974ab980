"""The carriers' simulators served by the live test server, and a carrier that never answers,
for checkout's quotes (tests/fulfilment/test_quotes*.py)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from tests import factories
from tests.fulfilment.helpers import producers
from tests.payments import flow

BA_DINH = 4  # Phường Ba Đình, Hà Nội: the tea maker's pick-up ward


def carriers_on(settings, site: str, **api_urls: str) -> None:
    """Every simulated carrier at the simulator mounted on `site` (the live server), except
    those given another API address in `api_urls` (name=url), which their adapters wait for
    30 s: far longer than checkout may."""
    carriers = {}
    for name, entry in settings.CARRIERS.items():
        options = dict(entry.get("OPTIONS", {}))
        url = options.get("api_url", "")
        if url:
            parts = urlsplit(url)
            options["api_url"] = site + url[len(f"{parts.scheme}://{parts.netloc}") :]
        if name in api_urls:
            options["api_url"] = api_urls[name]
            options["timeout"] = 30.0
        carriers[name] = {**entry, "OPTIONS": options}
    settings.CARRIERS = carriers


@contextmanager
def silent_carrier() -> Iterator[str]:
    """The address of a carrier that takes connections and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def two_carriers_goods(*, honey_carrier="ghtk", tea_carrier="viettelpost"):
    """Honey from Tuyên Quang (same province as the buyer) and tea from Hà Nội, each producer
    with its default carrier."""
    honey_maker, tea_maker = producers()
    honey_maker.default_carrier = honey_carrier
    honey_maker.save()
    tea_maker.ward_code = BA_DINH
    tea_maker.default_carrier = tea_carrier
    tea_maker.save()
    honey = factories.product("Mật ong bạc hà 500ml", price="350000", maker=honey_maker)
    tea = factories.product("Trà Shan tuyết cổ thụ", price="200000", maker=tea_maker)
    return honey_maker, tea_maker, honey, tea


def up_to_preview(client: Client, *, products, method="cod"):
    """The buyer's basket and address, then the preview page (the response)."""
    flow.vietnam()
    for product, quantity in products:
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    client.post(reverse("checkout:index"), {"username": "mai@example.com", "options": "anonymous"})
    client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    client.get(reverse("checkout:shipping-method"))
    chosen = client.post(reverse("checkout:payment-method"), {"method": method})
    assert chosen.status_code == 302, chosen.content.decode()[-3000:]
    preview = client.get(reverse("checkout:preview"))
    assert preview.status_code == 200
    return preview


def place(client: Client):
    placed = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert placed.status_code == 302, placed.content.decode()[-3000:]
    return flow.latest_order()


def shipping_lines(html: str) -> dict[str, tuple[str, str]]:
    """Each producer's shipping line on a page: {producer: (how, charge as shown)}."""
    lines = {}
    for row in re.findall(r'<tr class="shipping-producer"[^>]*>(.*?)</tr>', html, re.S):
        name = re.search(r"<td>\s*(.*?)\s*<small", row, re.S).group(1).strip()
        how = re.sub(r"\s+", " ", re.search(r"<small[^>]*>(.*?)</small>", row, re.S).group(1))
        charge = re.search(r'<td class="text-right">(.*?)</td>', row, re.S).group(1).strip()
        lines[name] = (how.strip(), charge)
    return lines


def dong(amount: Decimal) -> str:
    """A charge as the site shows it: "32.000 ₫"."""
    return f"{int(amount):,}".replace(",", ".")

"""Every XSS vector, written straight into every authored field, stays dead on every page.

For each surface (a page, or an e-mail, that shows text a producer or applicant wrote) the test
first renders it with harmless formatted text to learn what the page itself carries, then for
each vector of `tests.security.xss` writes the vector into the database with `.update()`
(bypassing forms and services), renders the surface again and checks that nothing more could
run: no element outside the allow-list, no `on*` attribute, no `style`, no javascript:/data:/
vbscript: URL, and JSON-LD that still parses with no raw `</script` in it.
"""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.sites.models import Site
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from tests.cms import content
from tests.security.conftest import HARMLESS, MARKER
from tests.security.xss import XSS_VECTORS, dangers, surviving

pytestmark = pytest.mark.django_db

ProductAlert = get_model("customer", "ProductAlert")


@pytest.fixture(autouse=True)
def _no_search_limit(settings):
    """Each sweep searches once per vector, more than a visitor may in a minute: this module
    is about what the pages show, not the rate limits (tests/security/test_abuse_limits.py)."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "search": {**settings.RATE_LIMITS["search"], "rate": "100000/m"},
    }


def _as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _html(response) -> str:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)["html"]
    return response.content.decode()


def _sweep(authored, render) -> dict[str, object]:
    """`render()` with harmless text, then with every vector; what survived, by vector."""
    authored.write(HARMLESS)
    page = render(HARMLESS)
    assert MARKER in page, "the surface does not show the authored text"
    baseline = dangers(page)
    survived = {}
    for vector in XSS_VECTORS:
        authored.write(vector)
        extra = surviving(render(vector), baseline)
        if extra:
            survived[vector] = extra
    return survived


PUBLIC_PAGES = {
    "product page": lambda a: a.product.get_absolute_url(),
    "catalogue": lambda a: reverse("catalogue:index"),
    "category page": lambda a: a.category.get_absolute_url(),
    "search results": lambda a: reverse("search:search") + "?q=mat+ong",
    "producer page": lambda a: a.producer.get_absolute_url(),
    "producers": lambda a: reverse("producers:index"),
}

STAFF_PAGES = {
    "listing review": lambda a: reverse("listings-dashboard:detail", args=[a.change.pk]),
    "listings awaiting review": lambda a: reverse("listings-dashboard:list"),
    "application review": lambda a: reverse(
        "applications-dashboard:detail", args=[a.application.pk]
    ),
    "applications": lambda a: reverse("applications-dashboard:list"),
    "dashboard products": lambda a: reverse("dashboard:catalogue-product-list"),
    "product chooser": lambda a: reverse("product_chooser:choose_results"),
    "producer chooser": lambda a: reverse("producer_chooser:choose_results"),
}

PRODUCER_PAGES = {
    "producer's products": lambda a: reverse("producer-dashboard:product-list"),
    "producer's product form": lambda a: reverse(
        "producer-dashboard:product-edit", args=[a.product.pk]
    ),
}


@pytest.mark.parametrize("surface", list(PUBLIC_PAGES))
def test_public_pages(authored, surface):
    client, url = _as(None), PUBLIC_PAGES[surface](authored)
    assert _sweep(authored, lambda _text: _html(client.get(url))) == {}


@pytest.mark.parametrize("surface", list(STAFF_PAGES))
def test_operators_pages(authored, surface):
    client, url = _as(authored.operator), STAFF_PAGES[surface](authored)
    assert _sweep(authored, lambda _text: _html(client.get(url))) == {}


@pytest.mark.parametrize("surface", list(PRODUCER_PAGES))
def test_producers_pages(authored, surface):
    client, url = _as(authored.producer_user), PRODUCER_PAGES[surface](authored)
    assert _sweep(authored, lambda _text: _html(client.get(url))) == {}


def test_content_pages_featuring_the_producer_and_product(authored):
    home = content.home()
    story = content.story(content.story_index(home), authored.producer)
    home.body = content.stream(
        content.products_block(authored.product), content.producers_block(authored.producer)
    )
    home.save_revision().publish()
    client = _as(None)

    def render(_text):
        return _html(client.get("/")) + _html(client.get(story.url))

    assert _sweep(authored, render) == {}


def test_the_public_lot_page(authored):
    client = _as(None)

    def render(text):
        return _html(client.get(authored.lot_with(text).get_absolute_url()))

    assert _sweep(authored, render) == {}


def test_the_back_in_stock_e_mails(authored):
    alert = ProductAlert(product=authored.product, email="mai@example.com", key="k")
    context = {"alert": alert, "site": Site.objects.get_current(), "hurry": True}

    def render(_text):
        alert.product.refresh_from_db()
        return "".join(
            render_to_string(f"oscar/communication/emails/{name}.html", context)
            for name in ("commtype_product_alert_body", "commtype_product_alert_confirmation_body")
        )

    assert _sweep(authored, render) == {}


def test_json_ld_and_meta_carry_the_text_as_data(authored):
    """The product page's JSON-LD parses and holds the title as a value; the meta description
    holds the description's text; neither lets the text out."""
    client = _as(None)
    url = authored.product.get_absolute_url()
    for vector in XSS_VECTORS:
        authored.write(vector)
        page = _html(client.get(url))
        soup = BeautifulSoup(page, "html5lib")
        blocks = soup.select('script[type="application/ld+json"]')
        assert blocks, vector
        product = next(
            data
            for data in (json.loads(block.string) for block in blocks)
            if data.get("@type") == "Product"
        )
        assert product["name"] == vector[:255].strip() or product["name"] == vector[:255], vector
        for block in blocks:
            assert "</script" not in block.string.lower(), vector
        descriptions = soup.select('meta[name="description"], meta[property="og:description"]')
        assert len(descriptions) == 2, vector
        for meta in descriptions:
            assert "<script" not in meta["content"].lower(), vector

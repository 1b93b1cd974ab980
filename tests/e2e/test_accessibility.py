"""Accessibility: axe-core (npm, ``node_modules/axe-core``) checks every page of a buyer's way
through the floor (home, category, product, basket, each checkout step, the payment page, the
lot page), the producer's dashboard and the inspector's pages, in Vietnamese and in English, in
Chromium at 360 px. No serious or critical violation is allowed.

axe is loaded with ``page.evaluate`` of its script text: ``page.add_script_tag`` inserts an
inline ``<script>``, which the site's Content-Security-Policy rightly blocks (and the policy
watch of tests/browser.py would fail the test for it), while a script evaluated through the
DevTools protocol is not subject to the page's policy. The pages keep their real policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.utils import translation
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop import demo
from tests.conftest import require
from tests.e2e.steps import fill_shipping_address
from tests.traceability.test_browser import logged_in
from traceability.models import Lot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


def axe_problems(page, name: str) -> list[str]:
    """The serious and critical violations axe finds on the page, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations'], "
        "runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
        "'best-practice']}})"
    )
    return [
        f"{name} {page.url}: {violation['id']} ({violation['impact']}) {violation['help']}: "
        + "; ".join(_node(node) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def _node(node: dict) -> str:
    """Where axe found it, with the colours when it is about contrast."""
    where = " ".join(node["target"])
    data = next((check["data"] for check in node.get("any", []) if check.get("data")), None)
    if isinstance(data, dict) and "contrastRatio" in data:
        where += f" [{data.get('fgColor')} on {data.get('bgColor')}: {data['contrastRatio']}]"
    return where


@pytest.fixture
def axe():
    require(AXE.exists(), f"needs axe-core ({AXE}; npm ci)")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_serious_accessibility_violation_on_the_floor(
    axe, django_db_setup, live_server, request, settings, language
):
    settings.TRACE_KEYSTORE_SCRYPT_N = 2**10
    demo.demo_load()
    users = get_user_model().objects
    inspector = users.get(email="inspector@chophien.test")
    assert inspector.inspector_keys.exists()  # the signing form is shown, not its first step
    producer = users.get(email="mat-ong@chophien.test")
    lot = Lot.objects.filter(producer__users=producer).order_by("pk").first()
    prefix = "" if language == "vi" else "/en"
    with translation.override(language):
        category = Category.objects.filter(depth=1, is_public=True).order_by("path").first()
        category_url = category.get_absolute_url()
        product = Product.objects.filter(producer__code="mat-ong").order_by("pk").first()
        product_url = product.get_absolute_url()
        lot_url = lot.get_absolute_url()
    base = live_server.url
    problems: list[str] = []

    # the browser after the database (Playwright's event loop must not see its setup)
    chromium = request.getfixturevalue("browser")
    page = request.getfixturevalue("phone")

    def check(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", language)
        problems.extend(axe_problems(page, name))

    page.goto(base + prefix + "/")
    check("home")
    page.goto(base + category_url)
    check("category")
    page.goto(base + product_url)
    check("product")
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.goto(base + prefix + "/shop/basket/")
    check("basket")
    page.goto(base + prefix + "/shop/checkout/")
    check("checkout: who is buying")
    page.locator("#id_username").fill("khach@example.com")
    page.locator("input[name=options][value=anonymous]").check()
    page.locator("form#login_form button[type=submit], form button[type=submit]").first.click()
    check("checkout: shipping address")
    fill_shipping_address(page)
    page.locator("#new_shipping_address button[type=submit], form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/payment-method/"))
    check("checkout: payment method")
    page.locator("input[name=method][value=vietqr]").check()
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/preview/"))
    check("checkout: preview")
    page.locator("#place-order").click()
    page.wait_for_url(lambda url: "/checkout/preview/" not in url)
    check("payment")
    page.goto(base + lot_url)
    check("lot page")

    context, page = logged_in(chromium, live_server, producer)
    page.goto(base + "/dashboard/producer/")  # no language in its address: Vietnamese
    problems.extend(axe_problems(page, "producer dashboard"))
    for name, path in [
        ("producer's lots", "/trace/lots/"),
        ("producer's lot", f"/trace/lots/{lot.pk}/"),
    ]:
        page.goto(base + prefix + path)
        check(name)
    context.close()

    context, page = logged_in(chromium, live_server, inspector)
    for name, path in [
        ("inspection queue", "/trace/inspections/"),
        ("inspection form", f"/trace/inspections/lots/{lot.pk}/"),
        ("signing key", "/trace/inspections/key/"),
        ("scanner", "/trace/scan/"),
    ]:
        page.goto(base + prefix + path)
        check(name)
    context.close()

    assert not problems, "\n".join(problems)

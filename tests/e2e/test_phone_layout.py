"""Every page a buyer, a producer or an inspector uses, on a 360×780 phone, in Vietnamese and in
English, on the demo floor: nothing reaches past the screen's sides, the first product card of
home and category pages and the product page's price and add-to-basket button are within the
first screen, and the key controls are 44px tap targets. Each page is saved as
``screenshots/<page>-<lang>-360.png``."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.browser import PHONE, assert_fits, assert_tap_target, phone_context
from tests.e2e.steps import fill_shipping_address
from tests.payments import flow

pytestmark = pytest.mark.e2e

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
LANGUAGES = ["vi", "en"]
FIRST_SCREEN = PHONE["height"]


@pytest.fixture(scope="module")
def floor(demo_site, django_db_blocker):
    """The demo floor's addresses, and one order by the demo buyer (for their history)."""
    from django.test import Client

    from traceability.models import Lot

    with django_db_blocker.unblock():
        users = get_user_model().objects
        buyer = users.get(email="buyer@chophien.test")
        honey = Category.objects.get(depth=1, slug="mat-ong")
        product = Product.objects.filter(categories=honey).order_by("pk").first()
        client = Client()
        client.force_login(buyer)
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
        flow.place_order(client, method="cod")
        order = flow.latest_order()
        assert order is not None and order.user == buyer, "the demo buyer's order was not placed"
        lot = Lot.objects.filter(product__producer__code="mat-ong").order_by("pk").first()
        return {
            "url": demo_site,
            "buyer": buyer,
            "producer": users.get(email="mat-ong@chophien.test"),
            "inspector": users.get(email="inspector@chophien.test"),
            "category": honey,
            "product": product,
            "order": order,
            "lot": lot,
        }


def localized(path_name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(path_name, kwargs=kwargs)


def url_in(obj, language: str) -> str:
    with translation.override(language):
        return obj.get_absolute_url()


def check(page, screenshot, name: str, language: str) -> None:
    """The page fits the phone's width; saved as ``<name>-<language>-360.png``. A page with a
    language prefix is in that language (the dashboards' addresses have none)."""
    if "/dashboard/" not in page.url:
        expect(page.locator("html")).to_have_attribute("lang", language)
    assert_fits(page)
    screenshot(page, f"{name}-{language}-360")


def first_card_top(page) -> float:
    card = page.locator(".product-card").first
    expect(card).to_be_visible()
    return card.bounding_box()["y"]


@pytest.fixture
def buyer_page(browser, floor):
    def open_(language, user=None):
        return phone_context(browser, floor["url"], language=language, user=user).new_page()

    return open_


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_pages_on_a_phone(floor, buyer_page, screenshot, language):
    base, page = floor["url"], buyer_page(language)
    home = "/" if language == "vi" else "/en/"
    page.goto(base + home)
    assert first_card_top(page) < FIRST_SCREEN, "the home page's first product is off screen"
    # The compact header: name, search, basket and the menu button, at most 120px high.
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 120, header
    assert_tap_target(page.locator(".menu-toggle, .btn-basket, .site-search button"))
    check(page, screenshot, "home", language)

    # The menu opens (no inline script) and shows the categories and the language switch.
    expect(page.locator("#site-menu")).to_be_hidden()
    page.locator(".menu-toggle").click()
    expect(page.locator(".menu-toggle")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#site-menu .nav-links a").first).to_be_visible()
    expect(page.locator("#site-menu .lang-switch a").first).to_be_visible()
    assert_tap_target(page.locator("#site-menu .nav-links a:visible"))
    check(page, screenshot, "menu", language)
    page.keyboard.press("Escape")
    expect(page.locator("#site-menu")).to_be_hidden()

    page.goto(base + url_in(floor["category"], language))
    assert first_card_top(page) < FIRST_SCREEN, "the category's first product is off screen"
    assert_tap_target(page.locator(".list-sort select, .list-filters summary, .quick-add button"))
    check(page, screenshot, "category", language)

    # Sorted by price, high to low, and filtered by province and price range, then a bad price.
    page.locator(".list-sort select").select_option("-price")
    page.wait_for_url(re.compile(r"sort=-price"))
    prices = [
        int(re.sub(r"\D", "", text))
        for text in page.locator(".product-card .price-amount").all_inner_texts()
    ]
    assert prices == sorted(prices, reverse=True) and len(prices) > 1, prices
    page.locator(".list-filters summary").click()
    page.locator("#id_province").select_option("8")
    page.locator("#id_price_min").fill("abc")
    page.locator(".list-filters button[type=submit]").click()
    expect(page.locator(".filter-errors")).to_be_visible()
    expect(page.locator(".product-card").first).to_be_visible()
    check(page, screenshot, "category-filters", language)

    page.goto(base + localized("search:search", language) + "?q=mat+ong")
    assert first_card_top(page) < FIRST_SCREEN
    check(page, screenshot, "search", language)

    page.goto(base + localized("catalogue:origin-index", language))
    check(page, screenshot, "origins", language)
    page.locator("main a[href*='/origin/']").first.click()
    expect(page.locator(".product-card").first).to_be_visible()
    check(page, screenshot, "origin", language)

    page.goto(base + url_in(floor["product"].producer, language))
    check(page, screenshot, "producer", language)

    # The product page: price and add-to-basket within the first screen; the bottom bar once
    # the buy box has scrolled away.
    page.goto(base + url_in(floor["product"], language))
    price = page.locator(".product-main .price_color")
    button = page.locator("#add_to_basket_form button[type=submit]")
    for element in (price, button):
        expect(element).to_be_in_viewport()
        box = element.bounding_box()
        assert box["y"] + box["height"] <= FIRST_SCREEN, box
    assert_tap_target(button)
    assert_tap_target(page.locator("#add_to_basket_form input[name=quantity]"))
    expect(page.locator(".buy-bar")).to_be_hidden()
    check(page, screenshot, "product", language)
    page.locator(".product-facts").scroll_into_view_if_needed()
    page.mouse.wheel(0, 600)
    bar = page.locator(".buy-bar")
    expect(bar).to_be_visible()
    assert bar.bounding_box()["y"] + bar.bounding_box()["height"] <= FIRST_SCREEN + 0.5
    assert_tap_target(bar.locator("button"))
    bar.locator("button").click()  # submits the buy box: the product lands in the basket
    expect(page.locator(".btn-basket .badge")).to_have_text("1")


@pytest.mark.parametrize("language", LANGUAGES)
def test_basket_checkout_and_payment_pages_on_a_phone(floor, buyer_page, screenshot, language):
    base, page = floor["url"], buyer_page(language)
    page.goto(base + url_in(floor["product"], language))
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.goto(base + localized("basket:summary", language))
    assert_tap_target(page.locator(".basket-line-actions a"))
    check(page, screenshot, "basket", language)

    page.goto(base + localized("checkout:index", language))
    check(page, screenshot, "checkout-start", language)
    page.locator("#id_username").fill("khach@example.com")
    page.locator("input[name=options][value=anonymous]").check()
    page.locator("form#login_form button[type=submit], form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/checkout/shipping-address/"))
    fill_shipping_address(page)
    check(page, screenshot, "checkout-address", language)
    page.locator("#new_shipping_address button[type=submit], form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/checkout/payment-method/"))
    check(page, screenshot, "checkout-payment-method", language)
    page.locator("input[name=method][value=vietqr]").check()
    page.locator("form.payment-methods button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/checkout/preview/"))
    check(page, screenshot, "checkout-preview", language)
    page.locator("#place-order").click()

    # The VietQR payment page: the code, and the transfer's details inside their card.
    expect(page).to_have_url(re.compile(r"/payments/order/[^/?]+/$"))
    expect(page.locator("#vietqr")).to_be_visible()
    card = page.locator("#vietqr").bounding_box()
    for detail in page.locator("#vietqr .transfer-details dd").all():
        box = detail.bounding_box()
        assert box["x"] + box["width"] <= card["x"] + card["width"] + 0.5, box
    assert_tap_target(page.locator("#vietqr button.copy"))
    check(page, screenshot, "payment-vietqr", language)

    page.goto(base + localized("checkout:thank-you", language))
    check(page, screenshot, "thank-you", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_buyer_account_pages_on_a_phone(floor, buyer_page, screenshot, language):
    base, page = floor["url"], buyer_page(language, floor["buyer"])
    page.goto(base + localized("customer:summary", language))
    check(page, screenshot, "account", language)
    page.goto(base + localized("customer:order-list", language))
    history = page.locator("table.order-history")
    expect(history.locator("th")).to_have_count(3)  # number and date, status, total
    expect(history).to_contain_text(floor["order"].number)
    status = history.locator("tbody tr").first.locator("td").nth(1)
    expect(status).not_to_be_empty()
    check(page, screenshot, "order-history", language)
    page.goto(base + localized("customer:order", language, order_number=floor["order"].number))
    check(page, screenshot, "order-detail", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_lot_page_on_a_phone(floor, buyer_page, screenshot, language):
    page = buyer_page(language)
    page.goto(floor["url"] + url_in(floor["lot"], language))
    check(page, screenshot, "lot", language)


def walk(page, base: str, screenshot, language: str, pages) -> None:
    """Open and check each (name, URL name or path, URL arguments) in turn."""
    for name, where, kwargs in pages:
        page.goto(base + (where if where.startswith("/") else localized(where, language, **kwargs)))
        check(page, screenshot, name, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_producer_pages_on_a_phone(floor, buyer_page, screenshot, language):
    lot = {"pk": floor["lot"].pk}
    pages = [
        ("producer-dashboard", "producer-dashboard:index", {}),
        ("producer-products", "producer-dashboard:product-list", {}),
        ("producer-product-new", "producer-dashboard:product-create", {}),
        ("producer-pickup", "producer-dashboard:pickup", {}),
        ("producer-orders", "/dashboard/producer/orders/", {}),
        ("producer-statements", "/dashboard/producer/statements/", {}),
        ("producer-lots", "traceability:lot-list", {}),
        ("producer-lot-new", "traceability:lot-create", {}),
        ("producer-lot", "traceability:lot-manage", lot),
    ]
    walk(buyer_page(language, floor["producer"]), floor["url"], screenshot, language, pages)


@pytest.mark.parametrize("language", LANGUAGES)
def test_inspector_pages_on_a_phone(floor, buyer_page, screenshot, language):
    pages = [
        ("inspections", "traceability:inspections", {}),
        ("inspection-form", "traceability:inspect", {"pk": floor["lot"].pk}),
        ("inspector-key", "traceability:signing-key", {}),
    ]
    walk(buyer_page(language, floor["inspector"]), floor["url"], screenshot, language, pages)


def test_a_wide_screen_shows_the_whole_header(floor, browser, screenshot):
    """On a computer the menu is always open: no menu button; the account bar on top, the
    search beside the name, the categories below."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    for name, url in (
        ("home", "/"),
        ("category", url_in(floor["category"], "vi")),
        ("product", url_in(floor["product"], "vi")),
    ):
        page.goto(floor["url"] + url)
        expect(page.locator(".menu-toggle")).to_be_hidden()
        expect(page.locator(".nav-links a").first).to_be_visible()
        expect(page.locator(".lang-switch a").first).to_be_visible()
        brand, search = page.locator(".brand"), page.locator(".site-search")
        assert abs(brand.bounding_box()["y"] - search.bounding_box()["y"]) < 30
        assert page.locator(".topbar").bounding_box()["y"] < brand.bounding_box()["y"]
        assert_fits(page, width=1280)
        screenshot(page, f"{name}-vi-1280")

"""A buyer on a phone: home -> category -> search without diacritics -> product -> basket ->
guest checkout up to the order preview (paying is tested in tests/e2e/test_payments.py)."""

import re

import pytest
from playwright.sync_api import expect

from shop import demo
from tests import factories
from tests.e2e.steps import fill_shipping_address

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_buyer_journey_on_a_phone(live_server, phone, screenshot):
    demo.demo_load()
    page = phone
    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("Chợ Phiên"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    screenshot(page, "home-360")

    # A category from the menu, behind the header's menu button on a phone.
    page.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("navigation", name="Duyệt sản phẩm")
    menu.get_by_role("link", name="Mật ong").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mật ong")
    expect(page.locator(".product-card").first).to_be_visible()

    # Search typed without diacritics.
    page.get_by_label("Tìm sản phẩm").fill("mat ong")
    page.get_by_label("Tìm sản phẩm").press("Enter")
    expect(page).to_have_url(re.compile(r"/shop/search/\?q=mat\+ong"))
    first = page.locator(".product-card-title").first
    expect(first).to_contain_text("Mật ong")
    title = first.inner_text()

    # The product page shows origin and producer.
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".product-origin")).to_contain_text("Tuyên Quang")
    expect(page.locator(".producer-link")).to_contain_text("HTX")
    price = page.locator(".product-main .price_color").inner_text()
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+\s₫", price), price

    # Add two to the basket; the basket shows the VND total.
    page.locator("#add_to_basket_form input[name=quantity]").fill("2")
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.goto(live_server.url + "/shop/basket/")
    unit = int(price.replace(".", "").replace("₫", "").strip())
    total = f"{unit * 2:,}".replace(",", ".") + "\xa0₫"
    expect(page.locator("#basket_totals")).to_contain_text(total)
    screenshot(page, "basket-360")

    # Checkout as a guest.
    page.get_by_role("link", name=re.compile("Thanh toán|Tiến hành thanh toán")).first.click()
    page.locator("#id_username").fill("khach@example.com")
    page.locator("input[name=options][value=anonymous]").check()
    page.locator("form#login_form button[type=submit], form button[type=submit]").first.click()
    fill_shipping_address(page)
    # Việt Nam is the only shipping country, so the form does not ask for it, nor a postcode.
    expect(page.locator("#id_country")).to_have_count(0)
    expect(page.locator("#id_postcode")).to_have_count(0)
    expect(page.locator("#id_ward_code")).to_have_value(str(factories.DONG_VAN))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "shipping-address-360")
    page.locator("#new_shipping_address button[type=submit], form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/payment-method/"))
    page.get_by_label(re.compile("VietQR")).check()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/preview/"))
    expect(page.locator("body")).to_contain_text(title)
    expect(page.locator("body")).to_contain_text(total)
    screenshot(page, "checkout-preview-360")

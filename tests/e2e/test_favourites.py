"""Yêu thích on a 360 px phone, in both languages: a buyer presses the heart
on a product page and follows its producer, finds both on their account's Favourites page, and
nothing reaches past the screen's sides; an anonymous visitor's heart leads to signing in."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from tests import factories
from tests.browser import assert_fits, assert_tap_target, phone_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def floor(live_server):
    from cms.services import home_page_ensure

    home_page_ensure()  # the site's locales and home page (a producer's page asks for them)
    maker = factories.producer("Hợp tác xã Mật ong bạc hà Cao nguyên đá Đồng Văn")
    product = factories.product(
        "Mật ong bạc hà Đồng Văn hũ thủy tinh 500ml", maker=maker, image=True
    )
    factories.product("Mật ong hoa ban 250ml", maker=maker)
    buyer = get_user_model().objects.create_user("lan", "lan@example.com", "pw-123456789")
    return {"url": live_server.url, "buyer": buyer, "product": product}


def url_in(obj, language: str) -> str:
    with translation.override(language):
        return obj.get_absolute_url()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_buyer_keeps_a_product_and_follows_its_producer(browser, floor, screenshot, language):
    base, product = floor["url"], floor["product"]
    page = phone_context(browser, base, language=language, user=floor["buyer"]).new_page()
    page.goto(base + url_in(product, language))
    heart = page.locator(".product-main .btn-heart")
    assert_tap_target(heart)
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    heart = page.locator(".product-main .btn-heart")
    expect(heart).to_have_attribute("aria-pressed", "true")
    assert_fits(page)
    screenshot(page, f"favourite-product-{language}-360")

    page.goto(base + url_in(product.producer, language))
    follow = page.locator(".btn-follow")
    assert_tap_target(follow)
    follow.click()
    expect(page.locator(".btn-follow")).to_have_attribute("aria-pressed", "true")
    assert_fits(page)
    screenshot(page, f"follow-producer-{language}-360")

    page.locator(".btn-follow").click()  # and stop, then follow again from scratch
    expect(page.locator(".btn-follow")).to_have_attribute("aria-pressed", "false")
    page.locator(".btn-follow").click()

    page.goto(base + ("/" if language == "vi" else "/en/") + "shop/accounts/wishlists/")
    title = "Yêu thích" if language == "vi" else "Favourites"
    expect(page.locator("h1")).to_contain_text(title)
    expect(page.locator(".favourites .product-card")).to_have_count(1)
    expect(page.locator(".follows")).to_contain_text(product.producer.name)
    assert_tap_target(page.locator(".favourites .btn-heart"))
    assert_fits(page)
    screenshot(page, f"favourites-{language}-360")

    # the heart on the list takes the product out again
    page.locator(".favourites .btn-heart").click()
    expect(page.locator(".favourites .product-card")).to_have_count(0)
    assert_tap_target(page.locator(".follows button"))
    page.locator(".follows button").click()
    expect(page.locator(".follows li")).to_have_count(0)


def test_an_anonymous_heart_leads_to_signing_in(browser, floor):
    base, product = floor["url"], floor["product"]
    page = phone_context(browser, base).new_page()
    page.goto(base + url_in(product, "vi"))
    heart = page.locator(".product-main .btn-heart")
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(page).to_have_url(re.compile(r"/login/\?next="))

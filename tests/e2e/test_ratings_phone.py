"""Ratings and reviews on a 360×780 phone, in Vietnamese and in English, on the demo floor with
reviews of a delivered order (photos, a producer's answer, more than a page of them): nothing
reaches past the screen's sides, the rating under the product's name leads to the reviews,
the pages of reviews and the photos are 44px tap targets, and the product cards sorted by
rating show their stars. Saved as ``screenshots/reviews-<lang>-360.png``."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.fulfilment.models import Shipment
from tests.browser import assert_fits, assert_tap_target, phone_context
from tests.fulfilment import cod_helpers
from tests.payments import flow
from tests.ratings import helpers

pytestmark = pytest.mark.e2e

Product = get_model("catalogue", "Product")


@pytest.fixture(scope="module")
def reviewed(demo_site, django_db_blocker):
    """The demo buyer's delivered order of one product, reviewed twelve times over (and by
    nobody else)."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        buyer = get_user_model().objects.get(email="buyer@chophien.test")
        # A product the demo's year of history reviewed least, its reviews set aside.
        product = Product.objects.browsable().order_by("reviews_count", "pk").first()
        get_model("reviews", "ProductReview").objects.filter(product=product).delete()
        client = Client()
        client.force_login(buyer)
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
        flow.place_order(client, method="cod")
        order = flow.latest_order()
        for shipment in order.shipments.all():
            cod_helpers.advance(shipment, Shipment.Status.DELIVERED)
        line = order.lines.get(product=product)
        long_word = "Rấtrấtrấtrấtrấtthơmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
        for n, each in enumerate([line, *helpers.more_lines(line, 11)]):
            helpers.review(
                each,
                score=5 - n % 3,
                title=f"Đánh giá số {n}",
                body=f"Đóng gói cẩn thận, giao nhanh. {long_word}",
                photos=3 if n == 11 else 0,
                answer="Cảm ơn anh chị đã tin dùng sản phẩm của hợp tác xã." if n == 11 else "",
                refresh=False,
            )
        helpers.ratings_refresh(product_id=product.pk, partner_id=line.partner_id)
        product.refresh_from_db()
        return {"url": demo_site, "product": product}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_reviews_on_a_phone(browser, reviewed, screenshot, language):
    base, product = reviewed["url"], reviewed["product"]
    page = phone_context(browser, base, language=language).new_page()
    with translation.override(language):
        url = product.get_absolute_url()
        listing = reverse("catalogue:index")
    page.goto(base + url)
    expect(page.locator("html")).to_have_attribute("lang", language)

    rating = page.locator(".product-rating a")
    expect(rating).to_have_accessible_name(
        "4,0 trên 5 sao, 12 đánh giá" if language == "vi" else "4.0 out of 5 stars, 12 reviews"
    )
    assert_tap_target(rating)
    rating.click()
    expect(page.locator("#reviews")).to_be_in_viewport()
    expect(page.locator(".review")).to_have_count(10)
    expect(page.locator(".review-photos img")).to_have_count(3)
    expect(page.locator(".review-photos img").first).to_have_attribute(
        "alt", "Ảnh 1 trong đánh giá của Mai" if language == "vi" else "Photo 1 with Mai's review"
    )
    expect(page.locator(".review-answer")).to_have_count(1)
    assert_tap_target(page.locator(".review-photos a"))
    assert_tap_target(page.locator(".reviews-pages .page-link"))
    assert_fits(page)
    screenshot(page, f"reviews-{language}-360")

    page.locator(".reviews-pages a[rel=next]").click()
    expect(page.locator(".review")).to_have_count(2)
    assert_fits(page)

    page.goto(base + listing + "?sort=-rating")
    first = page.locator(".product-card").first
    expect(first.locator(".card-rating")).to_be_visible()
    assert_fits(page)
    screenshot(page, f"cards-by-rating-{language}-360")

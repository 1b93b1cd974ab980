"""A buyer on a phone reviews a delivered product with a photo from their order page: stars
chosen by their labels, a photo attached, "Reviewed" afterwards; no horizontal scrolling."""

import re

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.reviews.helpers import png, world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ProductReview = get_model("reviews", "ProductReview")


def test_a_buyer_reviews_a_delivered_product_with_a_photo_on_a_phone(
    live_server, phone, screenshot, tmp_path
):
    w = world(Client())
    signed_in = Client()
    signed_in.force_login(w.buyer)
    phone.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": signed_in.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    photo = tmp_path / "mat-ong.png"
    photo.write_bytes(png().read())

    page = phone
    page.goto(f"{live_server.url}/shop/accounts/orders/{w.order.number}/")
    review_link = page.get_by_role("link", name=re.compile("^Đánh giá"))
    expect(review_link).to_have_count(1)  # the tea is not delivered yet
    review_link.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Đánh giá")
    page.get_by_label("5 sao: rất tốt").check()
    page.get_by_label("Nhận xét của bạn").fill("Mật ong thơm, sánh. Sẽ mua lại.")
    page.get_by_label("Ảnh (không bắt buộc)").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "review-form-360")
    page.get_by_role("button", name="Đăng đánh giá").click()

    expect(
        page.get_by_text("Cảm ơn bạn! Đánh giá của bạn đã có trên trang sản phẩm.")
    ).to_be_visible()
    expect(page.get_by_text("Đã đánh giá")).to_be_visible()
    review = ProductReview.objects.get()
    assert (review.score, review.line_id, review.photos.count()) == (5, w.honey_line.pk, 1)

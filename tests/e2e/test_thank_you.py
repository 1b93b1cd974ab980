"""The order summary after checkout on a 360 px phone, in real Chromium: an order from two
producers, paid in cash on delivery (Oscar's thank-you page, then the order's payment page) and
by a VietQR transfer (the payment page while the transfer is awaited, then paid). Nothing in the
summary reaches past the screen's edge."""

import re

import pytest
from django.test import Client, override_settings
from playwright.sync_api import expect

from payments.models import Method, PaymentAttempt
from shop.settings.simulators import simulated_gateways
from tests import factories
from tests.e2e.test_payments import checkout
from tests.payments import flow
from tests.payments.test_thank_you import bank_transfer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Elements of the summary wider than the screen, or starting left of it (the VietQR card is
# the payment method's own: templates/payments/methods/vietqr/open.html).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll(".order-summary *")]
    .filter((el) => !el.closest("#vietqr"))
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width > 0 && (box.right > width + 0.5 || box.left < -0.5))
    .map(([el, box]) => `${el.tagName}.${el.className} ${box.left}-${box.right}`);
}"""


@pytest.fixture
def shop(live_server):
    """Honey and tea from two producers, and the payment simulators on the live server."""
    flow.vietnam()
    honey = factories.product(
        "Mật ong bạc hà Đồng Văn hũ thủy tinh 500ml",
        price="185000",
        maker=factories.producer("Hợp tác xã Mật ong bạc hà Cao nguyên đá Đồng Văn"),
    )
    tea = factories.product(
        "Chè Shan tuyết cổ thụ 200g",
        price="120000",
        maker=factories.producer("Tổ hợp tác Chè Lũng Phìn"),
    )
    with override_settings(
        PAYMENT_GATEWAYS=simulated_gateways(live_server.url), SITE_URL=live_server.url
    ):
        yield live_server.url + honey.get_absolute_url(), live_server.url + tea.get_absolute_url()


def order_both(page, shop, *, method: str):
    honey, tea = shop
    page.goto(tea)
    page.locator("#add_to_basket_form button[type=submit]").click()
    return checkout(page, honey, method=method)


def assert_fits(page):
    expect(page.locator(".order-summary-group")).to_have_count(2)
    assert page.evaluate(OVERFLOW) == []


def test_cash_on_delivery_summary_fits_a_phone(shop, phone, screenshot):
    page = phone
    order_both(page, shop, method=Method.COD)
    expect(page).to_have_url(re.compile(r"/shop/checkout/thank-you/"))
    expect(page.locator(".order-summary-next")).to_contain_text("trả tiền mặt")
    expect(page.locator(".order-summary-address")).to_contain_text(flow.ADDRESS["line1"])
    expect(page.locator("a.order-summary-track")).to_have_count(2)
    assert_fits(page)
    screenshot(page, "thank-you-cod-vi-360")

    page.get_by_role("link", name="Chi tiết thanh toán").click()
    expect(page).to_have_url(re.compile(r"/payments/order/[^/?]+/$"))
    expect(page.locator(".order-summary-producer").first).to_be_visible()
    assert_fits(page)

    page.locator("a.order-summary-track").first.click()
    expect(page).to_have_url(re.compile(r"/shipping/track/[^/]+/$"))
    expect(page.locator(".parcel-producer")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text(flow.ADDRESS["line1"])


def test_vietqr_summary_fits_a_phone_waiting_then_paid(shop, phone, screenshot):
    page = phone
    order = order_both(page, shop, method=Method.VIETQR)
    expect(page).to_have_url(re.compile(r"/payments/order/[^/?]+/$"))
    attempt = PaymentAttempt.objects.get(order=order)
    expect(page.locator(".order-summary-next")).to_contain_text(attempt.reference)
    assert_fits(page)
    screenshot(page, "thank-you-vietqr-waiting-vi-360")

    bank_transfer(Client(), attempt)
    expect(page.locator("#order-status")).to_contain_text("Đã thanh toán", timeout=15_000)
    expect(page.locator(".order-summary-next")).to_contain_text("Khi kiện hàng được gửi đi")
    assert_fits(page)
    screenshot(page, "thank-you-vietqr-paid-vi-360")

"""A buyer on a phone pays each way Vietnamese buyers pay, through the real pages of the live
server: VNPay and the MoMo wallet (each paid, then cancelled and paid again), a VietQR code read
off the screen and paid by a simulated bank transfer, a card through the local Stripe stub, and
cash on delivery.

The gateway settings point the simulators at the live server, so every callback (VNPay's and
MoMo's IPN, the bank feed's statement, Stripe's webhook) travels over HTTP and is verified like
a real one.
"""

import io
import re
from urllib.parse import urljoin

import pytest
from django.test import override_settings
from oscar.core.loading import get_model
from PIL import Image
from playwright.sync_api import expect

from payments import vietqr
from payments.models import AttemptStatus, Method, PaymentAttempt
from shop.order import statuses
from shop.settings.simulators import simulated_gateways
from tests.e2e.steps import fill_shipping_address
from tests.payments import flow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")

PAID = "Đã thanh toán. Cảm ơn bạn!"
COD_CONFIRMED = "Đã xác nhận. Bạn trả tiền mặt khi nhận hàng."
# The buttons and labels of the checkout, as a Vietnamese buyer sees them.
METHOD_LABELS = {
    Method.VNPAY: "VNPay",
    "momo": "Ví MoMo",
    Method.VIETQR: "Chuyển khoản ngân hàng (VietQR)",
    Method.CARD: "Thẻ quốc tế",
    Method.COD: "Thanh toán khi nhận hàng",
}


@pytest.fixture
def shop(live_server):
    """A product every method can pay for, and the payment simulators on the live server."""
    flow.vietnam()
    product = flow.honey(price="185000", stock=10)
    with override_settings(
        PAYMENT_GATEWAYS=simulated_gateways(live_server.url), SITE_URL=live_server.url
    ):
        yield live_server.url + product.get_absolute_url()


def checkout(page, product_url: str, *, method: str) -> Order:
    """Product -> basket -> guest checkout -> payment method -> place order on a phone."""
    page.goto(product_url)
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.goto(urljoin(product_url, "/shop/checkout/"))
    page.locator("#id_username").fill("khach@example.com")
    page.locator("input[name=options][value=anonymous]").check()
    page.locator("form#login_form button[type=submit], form button[type=submit]").first.click()
    fill_shipping_address(page)
    page.locator("#new_shipping_address button[type=submit], form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/payment-method/"))
    page.get_by_role("radio", name=re.compile(re.escape(METHOD_LABELS[method]))).check()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/preview/"))
    page.locator("#place-order").click()
    page.wait_for_url(lambda url: "/checkout/preview/" not in url)
    order = Order.objects.order_by("-pk").first()
    assert order is not None, "no order was placed"
    return order


def vnpay_decide(page, *, action: str) -> None:
    """On the simulated VNPay page: pay or cancel (the simulator sends the IPN first)."""
    expect(page).to_have_url(re.compile(r"/payments/simulator/vnpay/pay\?"))
    button = "Thanh toán" if action == "pay" else "Hủy thanh toán"
    page.get_by_role("button", name=button, exact=True).click()


def order_status(order) -> str:
    order.refresh_from_db()
    return order.status


def test_buyer_pays_by_vnpay(shop, phone, screenshot):
    page = phone
    order = checkout(page, shop, method=Method.VNPAY)
    assert order.status == statuses.PENDING_PAYMENT  # placed before the buyer leaves
    expect(page.locator("#sim-amount")).to_contain_text(
        f"{int(order.total_incl_tax):,}".replace(",", ".")
    )
    vnpay_decide(page, action="pay")

    expect(page).to_have_url(re.compile(r"/payments/order/[^/]+/\?returned=1$"))
    expect(page.locator("#order-status")).to_contain_text(PAID)
    assert order_status(order) == statuses.PAID
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.status == AttemptStatus.PAID and attempt.gateway_txn_id
    assert attempt.calls.filter(operation="ipn", signature_valid=True).exists()
    screenshot(page, "pay-vnpay-paid-360")


def cancel_then_pay_again(page, shop, *, method: str, decide, label: str) -> None:
    """The buyer turns the payment down at the gateway, comes back to a pending order, and pays
    with a new attempt from the retry button (the first stays cancelled)."""
    order = checkout(page, shop, method=method)
    decide(page, action="cancel")

    expect(page).to_have_url(re.compile(r"/payments/order/[^/]+/\?returned=1$"))
    expect(page.locator(".retry .alert-warning")).to_contain_text("không thành công")
    expect(page.locator("#order-status")).to_contain_text("Đang chờ thanh toán")
    assert order_status(order) == statuses.PENDING_PAYMENT
    first = PaymentAttempt.objects.get(order=order)
    assert first.status == AttemptStatus.CANCELLED

    page.locator(".retry").get_by_role("button", name=label).click()
    decide(page, action="pay")
    expect(page.locator("#order-status")).to_contain_text(PAID)
    assert order_status(order) == statuses.PAID
    second = order.payment_attempts.exclude(pk=first.pk).get()
    assert second.reference != first.reference and second.status == AttemptStatus.PAID
    first.refresh_from_db()
    assert first.status == AttemptStatus.CANCELLED
    expect(page.locator(".retry")).to_have_count(0)


def test_buyer_cancels_at_vnpay_then_pays_again(shop, phone, screenshot):
    cancel_then_pay_again(phone, shop, method=Method.VNPAY, decide=vnpay_decide, label="VNPay")
    screenshot(phone, "pay-vnpay-retry-paid-360")


def momo_decide(page, *, action: str) -> None:
    """On the simulated MoMo wallet: confirm or decline (the wallet sends the IPN first)."""
    expect(page).to_have_url(re.compile(r"/payments/simulator/momo/v2/gateway/pay\?t="))
    button = "Xác nhận thanh toán" if action == "pay" else "Hủy thanh toán"
    page.get_by_role("button", name=button, exact=True).click()


def test_buyer_pays_with_the_momo_wallet(shop, phone, screenshot):
    page = phone
    order = checkout(page, shop, method="momo")
    assert order.status == statuses.PENDING_PAYMENT  # placed before the buyer leaves
    expect(page.locator("h1")).to_have_text("Ví MoMo")
    expect(page.locator("#sim-amount")).to_contain_text(
        f"{int(order.total_incl_tax):,}".replace(",", ".")
    )
    momo_decide(page, action="pay")

    expect(page).to_have_url(re.compile(r"/payments/order/[^/]+/\?returned=1$"))
    expect(page.locator("#order-status")).to_contain_text(PAID)
    assert order_status(order) == statuses.PAID
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.status == AttemptStatus.PAID and attempt.gateway_txn_id
    assert attempt.calls.filter(operation="ipn", signature_valid=True).exists()
    screenshot(page, "pay-momo-paid-360")


def test_buyer_declines_in_the_momo_wallet_then_pays_again(shop, phone, screenshot):
    cancel_then_pay_again(phone, shop, method="momo", decide=momo_decide, label="Ví MoMo")
    screenshot(phone, "pay-momo-retry-paid-360")


def read_qr(png: bytes) -> str:
    import zxingcpp

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, f"expected one code, found {len(found)}"
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_buyer_pays_by_scanning_a_vietqr_code(shop, phone, screenshot):
    page = phone
    order = checkout(page, shop, method=Method.VIETQR)
    expect(page).to_have_url(re.compile(r"/payments/order/[^/?]+/$"))
    attempt = PaymentAttempt.objects.get(order=order)

    # What a banking app reads off the screen ...
    code = page.locator("#vietqr .vietqr-code [role=img]")
    expect(code).to_be_visible()
    payload = read_qr(code.screenshot())
    vietqr.decode_payload(payload)  # raises unless the CRC and structure are right
    transfer = vietqr.read_transfer(payload)
    assert transfer.amount == order.total_incl_tax
    assert transfer.reference == attempt.reference
    assert transfer.account_number == page.locator("#copy-account").inner_text()
    assert attempt.reference == page.locator("#copy-reference").inner_text()
    # ... is also what the download link gives.
    href = page.get_by_role("link", name="Tải mã QR").get_attribute("href")
    download = page.request.get(urljoin(page.url, href))
    assert download.ok and download.headers["content-type"] == "image/png"
    assert read_qr(download.body()) == payload
    screenshot(page, "pay-vietqr-code-360")

    # The buyer's bank makes the transfer; the bank feed posts the signed statement.
    bank = page.context.new_page()
    bank.goto(urljoin(shop, f"/payments/simulator/bank/?reference={attempt.reference}"))
    bank.locator("#sim-amount").fill(str(transfer.amount))
    bank.locator("#sim-description").fill(f"MBVCB.8812 {attempt.reference.lower()} chuyen tien")
    bank.locator("#sim-transfer").click()
    expect(bank.locator("#sim-result")).to_contain_text("200")
    bank.close()

    # The buyer's page notices by itself (it polls every 3 s); the test does not reload it.
    expect(page.locator("#order-status")).to_contain_text(PAID, timeout=15_000)
    expect(page.locator("#vietqr")).to_have_count(0)
    assert order_status(order) == statuses.PAID
    assert order.sources.get().reference == attempt.reference
    screenshot(page, "pay-vietqr-paid-360")


def test_buyer_pays_by_card_through_the_stripe_stub(shop, phone, screenshot):
    page = phone
    order = checkout(page, shop, method=Method.CARD)
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.gateway_session_id.startswith("cs_")
    expect(page).to_have_url(
        re.compile(rf"/payments/simulator/stripe/pay/{attempt.gateway_session_id}$")
    )
    expect(page.locator("#sim-amount")).to_have_text(f"{int(order.total_incl_tax)} VND")
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    expect(page).to_have_url(re.compile(r"/payments/order/[^/]+/\?returned=1$"))
    expect(page.locator("#order-status")).to_contain_text(PAID)
    assert order_status(order) == statuses.PAID
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PAID
    screenshot(page, "pay-card-paid-360")


def test_buyer_pays_cash_on_delivery(shop, phone, screenshot):
    page = phone
    order = checkout(page, shop, method=Method.COD)
    expect(page).to_have_url(re.compile(r"/shop/checkout/thank-you/"))
    expect(page.locator("body")).to_contain_text(order.number)
    expect(page.locator("#order-status")).to_have_text(COD_CONFIRMED)
    expect(page.locator("body")).not_to_contain_text("Không có thanh toán được yêu cầu")
    assert order_status(order) == statuses.CASH_ON_DELIVERY
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.method == Method.COD and attempt.status == AttemptStatus.PENDING
    assert not order.sources.exists()  # nothing was taken
    screenshot(page, "pay-cod-thank-you-360")

    # The payment page says the same, and offers no online payment.
    page.get_by_role("link", name="Chi tiết thanh toán").click()
    expect(page).to_have_url(re.compile(r"/payments/order/[^/?]+/$"))
    expect(page.locator("#order-status")).to_have_text(COD_CONFIRMED)
    expect(page.locator(".retry")).to_have_count(0)
    page.get_by_text("Các lần thanh toán").click()
    expect(page.locator(".attempts")).to_contain_text(METHOD_LABELS[Method.COD])
    screenshot(page, "pay-cod-order-360")

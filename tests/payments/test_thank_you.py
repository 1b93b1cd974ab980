"""After checkout, whatever the method, the buyer reads one summary of the order: its lines by
producer with each shipment and its tracking link, the address, where the payment stands and
what happens next, and links to follow it (templates/payments/partials/order_summary.html).

Each method is paid (or turned down) through its simulator, as the payment tests do; the page
is the one the buyer lands on: Oscar's thank-you page for cash on delivery, the order's payment
page after a gateway's return or while a transfer is awaited."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payments.models import PaymentAttempt
from payments.selectors import PaymentState, guest_order_url, order_payment_url, order_token
from payments.simulators.momo import simulator_core
from payments.simulators.stripe_pages import stripe_stub
from payments.simulators.vnpay import VNPaySimulatorCore
from shop.fulfilment.models import Shipment
from shop.order import statuses
from shop.settings.simulators import simulated_gateways
from tests import factories
from tests.payments import flow
from tests.payments.test_card_flow import webhook
from tests.payments.test_momo_flow import back, ipn
from tests.payments.test_vietqr_flow import transfer

pytestmark = pytest.mark.django_db

VNPAY = settings.PAYMENT_GATEWAYS["vnpay"]["OPTIONS"]

# The "what happens next" sentence of each state, as a Vietnamese buyer reads it.
NEXT = {
    PaymentState.PAID: "Khi kiện hàng được gửi đi, chúng tôi sẽ gửi email",
    PaymentState.CASH_ON_DELIVERY: "Bạn trả tiền mặt cho nhân viên giao hàng khi nhận từng kiện",
    PaymentState.AWAITING_TRANSFER: "Chúng tôi đang chờ bạn chuyển khoản",
    PaymentState.AWAITING_GATEWAY: "xác nhận thanh toán của bạn",
    PaymentState.FAILED: "không thành công và bạn chưa bị trừ tiền",
    PaymentState.CANCELLED: "Đơn hàng sẽ không được giao",
}


def two_producers():
    """A basket from two producers: one shipment each."""
    honey = factories.product(
        "Mật ong bạc hà 500ml", price="350000", maker=factories.producer("HTX Mật ong Đồng Văn")
    )
    tea = factories.product(
        "Chè Shan tuyết 200g", price="120000", maker=factories.producer("Tổ hợp tác Chè Lũng Phìn")
    )
    return [(honey, 2), (tea, 1)]


def place(client, method: str, products=None):
    response = flow.checkout(client, products=products or two_producers(), method=method)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return flow.latest_order(), response


def summary_of(page) -> BeautifulSoup:
    assert page.status_code == 200
    html = BeautifulSoup(page.content.decode(), "html.parser")
    (summary,) = html.select(".order-summary")
    return summary


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def assert_full_summary(summary, order, *, state: str):
    """The lines under their producer, each shipment with its tracking link, the address, the
    payment state and the next steps."""
    assert f"order-summary--{state}" in summary["class"]
    groups = summary.select(".order-summary-group")
    shipments = {s.partner.name: s for s in Shipment.objects.filter(order=order)}
    assert len(groups) == len(shipments) == 2
    for group in groups:
        producer = text(group.select_one(".order-summary-producer"))
        (name,) = [n for n in shipments if n in producer]
        shipment = shipments.pop(name)
        lines = [text(li) for li in group.select(".order-summary-line")]
        own = order.lines.filter(partner=shipment.partner)
        for line in own:
            assert any(line.description in li and f"× {line.quantity}" in li for li in lines)
        others = order.lines.exclude(partner=shipment.partner)
        assert not any(line.description in li for line in others for li in lines)
        assert text(group.select_one(".shipment-status")) == shipment.get_status_display()
        track = group.select_one("a.order-summary-track")["href"]
        assert track == reverse("shipping:track", kwargs={"token": shipment.tracking_token})
    address = text(summary.select_one(".order-summary-address"))
    assert flow.ADDRESS["line1"] in address and "Phạm Thị Mai" in address
    assert NEXT[state] in text(summary.select_one(".order-summary-next"))
    total = text(summary.select_one(".order-totals"))
    assert f"{int(order.total_incl_tax):,}".replace(",", ".") in total


def retry_link(summary) -> str | None:
    link = summary.select_one("a.order-summary-retry")
    return link["href"] if link else None


# --------------------------------------------------------------------------- cash on delivery


def test_cash_on_delivery_thank_you_page(client):
    order, response = place(client, "cod")
    assert response["Location"] == reverse("checkout:thank-you")
    page = client.get(response["Location"])
    summary = summary_of(page)
    assert order.status == statuses.CASH_ON_DELIVERY
    assert_full_summary(summary, order, state=PaymentState.CASH_ON_DELIVERY)
    assert (
        text(summary.select_one("#order-status")) == "Đã xác nhận. Bạn trả tiền mặt khi nhận hàng."
    )
    # What each parcel costs the buyer at the door, per shipment.
    cash = [text(p) for p in summary.select(".order-summary-cod")]
    assert len(cash) == 2 and all("Trả tiền mặt khi nhận kiện này" in c for c in cash)
    assert retry_link(summary) is None
    # A guest follows the order by its signed link, and the payment page from here.
    assert summary.select_one("a.order-summary-order-link")["href"] == guest_order_url(order)
    payment_link = summary.select_one("a.order-summary-payment-link")["href"]
    assert flow.payment_page_order(payment_link) == order
    # The payment page says the same.
    assert_full_summary(
        summary_of(client.get(payment_link)), order, state=PaymentState.CASH_ON_DELIVERY
    )


def test_a_signed_in_buyer_is_sent_to_the_order_in_their_account(client, django_user_model):
    buyer = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456789")
    client.force_login(buyer)
    flow.checkout(client, products=two_producers(), method="cod", email=None)
    order = flow.latest_order()
    assert order.user == buyer
    summary = summary_of(client.get(reverse("checkout:thank-you")))
    account = reverse("customer:order", kwargs={"order_number": order.number})
    assert summary.select_one("a.order-summary-order-link")["href"] == account
    assert client.get(account).status_code == 200


# --------------------------------------------------------------------------- VNPay


@pytest.fixture
def vnpay():
    return VNPaySimulatorCore(tmn_code=VNPAY["tmn_code"], hash_secret=VNPAY["hash_secret"])


def vnpay_back(client, params):
    """VNPay's IPN, then the buyer's browser back on our return page, followed."""
    assert client.get(reverse("payments:vnpay-ipn"), params).json()["RspCode"] == "00"
    back = client.get(reverse("payments:return", kwargs={"method": "vnpay"}), params)
    assert back.status_code == 302
    return client.get(back["Location"])


def test_vnpay_paid_page(client, vnpay):
    order, response = place(client, "vnpay")
    transaction = vnpay.accept_pay_url(response["Location"])
    page = vnpay_back(client, vnpay.pay(transaction.txn_ref))
    order.refresh_from_db()
    assert order.status == statuses.PAID
    summary = summary_of(page)
    assert_full_summary(summary, order, state=PaymentState.PAID)
    assert "Đã thanh toán. Cảm ơn bạn!" in text(summary.select_one("#order-status"))
    assert "VNPay" in text(summary.select_one(".order-summary-method"))
    assert retry_link(summary) is None
    assert page.context["summary"].order_url == guest_order_url(order)


def test_vnpay_cancelled_payment_offers_the_retry(client, vnpay):
    order, response = place(client, "vnpay")
    transaction = vnpay.accept_pay_url(response["Location"])
    page = vnpay_back(client, vnpay.cancel(transaction.txn_ref))
    summary = summary_of(page)
    assert_full_summary(summary, order, state=PaymentState.FAILED)
    assert retry_link(summary).endswith("#pay-again")
    assert flow.payment_page_order(retry_link(summary)) == order
    html = BeautifulSoup(page.content.decode(), "html.parser")
    form = html.select_one("form#pay-again")
    assert [b["value"] for b in form.select("button[name=method]")]  # the methods to pay by


def test_vnpay_return_before_the_ipn_says_the_gateway_is_confirming(client, vnpay):
    order, response = place(client, "vnpay")
    transaction = vnpay.accept_pay_url(response["Location"])
    params = vnpay.pay(transaction.txn_ref)
    back = client.get(reverse("payments:return", kwargs={"method": "vnpay"}), params)
    summary = summary_of(client.get(back["Location"]))
    assert_full_summary(summary, order, state=PaymentState.AWAITING_GATEWAY)
    assert "VNPay" in text(summary.select_one(".order-summary-next"))
    assert retry_link(summary) is None


# --------------------------------------------------------------------------- VietQR


def bank_transfer(client, attempt):
    """The bank feed reports the buyer's transfer of the attempt's amount, with its reference."""
    description = f"chuyen tien {attempt.reference}"
    assert transfer(client, amount=attempt.amount, description=description).status_code == 200


def test_vietqr_waiting_then_paid(client):
    order, response = place(client, "vietqr")
    attempt = PaymentAttempt.objects.get(order=order)
    waiting = summary_of(client.get(response["Location"]))
    assert_full_summary(waiting, order, state=PaymentState.AWAITING_TRANSFER)
    next_steps = text(waiting.select_one(".order-summary-next"))
    assert attempt.reference in next_steps
    assert f"{int(attempt.amount):,}".replace(",", ".") in next_steps
    assert waiting.select_one("#vietqr") is not None  # the code to scan, under the next steps
    assert retry_link(waiting) is None

    bank_transfer(client, attempt)
    paid = summary_of(client.get(response["Location"]))
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert_full_summary(paid, order, state=PaymentState.PAID)
    assert paid.select_one("#vietqr") is None


# --------------------------------------------------------------------------- card (Stripe)


def card_back(client, attempt):
    back = client.get(
        reverse("payments:return", kwargs={"method": "card"}), {"ref": attempt.reference}
    )
    assert back.status_code == 302
    return client.get(back["Location"])


@pytest.mark.parametrize(
    ("finish", "event", "state"),
    [
        ("complete_session", "checkout.session.completed", PaymentState.PAID),
        ("expire_session", "checkout.session.expired", PaymentState.FAILED),
    ],
)
def test_card_page_after_stripe(client, finish, event, state):
    order, _ = place(client, "card")
    attempt = PaymentAttempt.objects.get(order=order)
    stub = stripe_stub()
    getattr(stub, finish)(attempt.gateway_session_id)
    assert (
        webhook(client, *stub.session_webhook(attempt.gateway_session_id, event)).status_code == 200
    )
    summary = summary_of(card_back(client, attempt))
    assert_full_summary(summary, order, state=state)
    assert "Thẻ quốc tế" in text(summary.select_one(".order-summary-method"))
    if state == PaymentState.FAILED:
        assert flow.payment_page_order(retry_link(summary)) == order
    else:
        assert retry_link(summary) is None


# --------------------------------------------------------------------------- MoMo


@pytest.fixture
def momo(live_server):
    """MoMo, simulated on the live server (its create call travels over HTTP)."""
    with override_settings(PAYMENT_GATEWAYS=simulated_gateways(live_server.url)):
        yield simulator_core()


@pytest.mark.django_db(transaction=True)
def test_momo_declined_then_paid(client, momo):
    order, _ = place(client, "momo")
    first = PaymentAttempt.objects.get(order=order)
    payment = momo.payments[first.reference]
    declined = momo.cancel(first.reference)
    assert ipn(client, payment, declined).status_code == 204
    page = client.get(back(client, momo, declined)["Location"])
    summary = summary_of(page)
    assert_full_summary(summary, order, state=PaymentState.FAILED)
    assert "Ví MoMo" in text(summary.select_one(".order-summary-next"))
    assert flow.payment_page_order(retry_link(summary)) == order

    retry = client.post(order_payment_url(order), {"method": "momo"})
    assert retry.status_code == 302
    second = order.payment_attempts.exclude(pk=first.pk).get()
    paid = momo.pay(second.reference)
    assert ipn(client, payment, paid).status_code == 204
    summary = summary_of(client.get(back(client, momo, paid)["Location"]))
    assert_full_summary(summary, order, state=PaymentState.PAID)
    assert retry_link(summary) is None


# --------------------------------------------------------------------------- cancelled


def test_a_cancelled_order_says_so_and_offers_no_payment(client):
    from payments import services

    order, _ = place(client, "vietqr")
    services.attempts_expire(now=timezone.now() + timedelta(days=2))
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    summary = summary_of(client.get(order_payment_url(order)))
    assert "Đơn hàng này đã bị hủy." in text(summary.select_one("#order-status"))
    assert NEXT[PaymentState.CANCELLED] in text(summary)
    assert retry_link(summary) is None


# --------------------------------------------------------------------------- who sees it


def test_the_summary_is_only_for_the_buyer(client, vnpay):
    order, response = place(client, "vnpay")
    transaction = vnpay.accept_pay_url(response["Location"])
    params = vnpay.pay(transaction.txn_ref)
    stranger = Client()
    # Oscar's thank-you page shows only the session's own order.
    assert stranger.get(reverse("checkout:thank-you")).status_code == 302
    # The gateway's return, replayed by someone else: the status, none of the order.
    page = stranger.get(reverse("payments:return", kwargs={"method": "vnpay"}), params)
    assert page.status_code == 200
    main = BeautifulSoup(page.content.decode(), "html.parser").select_one("main")
    assert main.select(".order-summary, .order-summary-group") == []
    assert flow.ADDRESS["line1"] not in text(main) and order.number not in text(main)
    links = [a["href"] for a in main.select("a[href]")]
    assert not [href for href in links if "/shipping/track/" in href or "/payments/order/" in href]
    # A forged or tampered payment link: no order.
    token = order_token(order)
    assert stranger.get(reverse("payments:order", kwargs={"token": token[:-2]})).status_code == 404


# --------------------------------------------------------------------------- query budget


def queries_for(client, url) -> int:
    """The queries of a page seen again (the first view warms the caches: menus, site)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The whole page, seen again: the order, its attempts, shipments, carrier events, lines, their
# attributes, the address, discounts, surcharges and the footer's pages (10 today).
PAGE_BUDGET = 12


@pytest.mark.parametrize("method", ["cod", "vietqr"])
def test_the_page_costs_the_same_whatever_the_order_s_size(method):
    small, large = Client(), Client()
    one, _ = place(small, method, products=[(flow.honey(), 1)])
    products = [
        (factories.product(f"Sản phẩm {n}", price="50000", maker=factories.producer(f"HTX {n}")), 2)
        for n in range(4)
    ]
    many, _ = place(large, method, products=products)
    assert many.lines.count() == 4 and Shipment.objects.filter(order=many).count() == 4
    url = reverse("checkout:thank-you") if method == "cod" else None
    cost_one = queries_for(small, url or order_payment_url(one))
    cost_many = queries_for(large, url or order_payment_url(many))
    assert cost_many == cost_one <= PAGE_BUDGET, (cost_one, cost_many)


def test_the_summary_speaks_english_on_english_pages(client):
    order, _ = place(client, "vietqr")
    page = client.get("/en" + order_payment_url(order))
    summary = summary_of(page)
    assert "What happens next" in text(summary)
    assert "We are waiting for your bank transfer" in text(
        summary.select_one(".order-summary-next")
    )
    assert "Chúng tôi" not in text(summary) and "Kiện hàng" not in text(summary)
    for link in summary.select("a.order-summary-track"):
        assert link["href"].startswith("/en/shipping/track/")

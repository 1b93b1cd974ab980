"""VNPay end to end at the HTTP seam: pay URL -> simulated VNPay -> signed IPN -> paid."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from payments.gateways import vnpay
from payments.models import AttemptStatus, GatewayCall, PaymentAttempt
from payments.simulators.vnpay import VNPaySimulatorCore
from shop.order import statuses
from tests.payments import flow

pytestmark = pytest.mark.django_db

OPTIONS = settings.PAYMENT_GATEWAYS["vnpay"]["OPTIONS"]


@pytest.fixture
def bank():
    return VNPaySimulatorCore(tmn_code=OPTIONS["tmn_code"], hash_secret=OPTIONS["hash_secret"])


def ipn(client, params):
    response = client.get(reverse("payments:vnpay-ipn"), params)
    assert response.status_code == 200
    return response.json()


def place(client, bank, quantity=2):
    product = flow.honey()
    response = flow.checkout(client, products=[(product, quantity)], method="vnpay")
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(OPTIONS["pay_url"])
    transaction = bank.accept_pay_url(url)  # VNPay accepts our signature
    return flow.latest_order(), transaction, url


def test_pay_url_follows_vnpay_2_1_0(client, bank):
    order, transaction, url = place(client, bank)
    params = flow.query_of(url)
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_Command"] == "pay"
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_Amount"] == str(int(order.total_incl_tax) * 100)
    assert params["vnp_Locale"] == "vn"
    assert len(params["vnp_CreateDate"]) == 14 and len(params["vnp_ExpireDate"]) == 14
    assert order.status == statuses.PENDING_PAYMENT
    assert transaction.txn_ref == PaymentAttempt.objects.get(order=order).reference


def test_signed_ipn_marks_the_order_paid_once(client, bank, django_capture_on_commit_callbacks):
    order, transaction, _ = place(client, bank)
    mail.outbox.clear()
    params = bank.pay(transaction.txn_ref)
    with django_capture_on_commit_callbacks(execute=True):
        assert ipn(client, params) == {"RspCode": "00", "Message": "Confirm Success"}
    order.refresh_from_db()
    assert order.status == statuses.PAID
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.status == AttemptStatus.PAID and attempt.gateway_txn_id
    assert order.sources.get().amount_debited == order.total_incl_tax
    assert [m.subject for m in mail.outbox] == [f"Đã nhận thanh toán cho đơn hàng {order.number}"]
    # The same IPN again: already confirmed, nothing changes, no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert ipn(client, params)["RspCode"] == "02"
    assert order.sources.count() == 1 and len(mail.outbox) == 1


def test_return_page_only_displays(client, bank):
    order, transaction, _ = place(client, bank)
    params = bank.pay(transaction.txn_ref)
    response = client.get(reverse("payments:return", kwargs={"method": "vnpay"}), params)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT  # only the IPN marks it paid
    page = client.get(response["Location"])
    assert "Đang chờ thanh toán" in page.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: {**p, "vnp_Amount": str(int(p["vnp_Amount"]) // 2)},
        lambda p: {**p, "vnp_ResponseCode": "00", "vnp_TxnRef": p["vnp_TxnRef"] + "X"},
        lambda p: {**p, "vnp_SecureHash": "0" * 128},
        lambda p: {k: v for k, v in p.items() if k != "vnp_SecureHash"},
        lambda p: {**p, "vnp_Extra": "1"},
    ],
    ids=["amount", "reference", "hash", "no-hash", "extra-param"],
)
def test_tampered_ipn_is_refused_and_logged(client, bank, tamper):
    order, transaction, _ = place(client, bank)
    answer = ipn(client, tamper(bank.pay(transaction.txn_ref)))
    assert answer["RspCode"] == "97"
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT
    call = GatewayCall.objects.filter(operation="ipn").latest("pk")
    assert call.signature_valid is False and call.outcome.startswith("refused")


def test_ipn_answers_in_vnpay_order_of_checks(client, bank):
    order, transaction, _ = place(client, bank)
    secret = OPTIONS["hash_secret"]
    paid = bank.pay(transaction.txn_ref)
    unknown = vnpay.sign_params({**_unsigned(paid), "vnp_TxnRef": "CPZZZZZZ"}, secret=secret)
    assert ipn(client, unknown)["RspCode"] == "01"
    wrong_amount = vnpay.sign_params({**_unsigned(paid), "vnp_Amount": "100"}, secret=secret)
    assert ipn(client, wrong_amount)["RspCode"] == "04"
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT
    assert ipn(client, paid)["RspCode"] == "00"


def _unsigned(params):
    return {k: v for k, v in params.items() if k not in ("vnp_SecureHash", "vnp_SecureHashType")}


def test_cancel_then_retry_and_pay(client, bank):
    order, transaction, _ = place(client, bank)
    cancelled = bank.cancel(transaction.txn_ref)
    assert ipn(client, cancelled)["RspCode"] == "00"
    first = PaymentAttempt.objects.get(order=order)
    assert first.status == AttemptStatus.CANCELLED
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT

    page_url = reverse("payments:order", kwargs={"token": _token(order)})
    page = client.get(page_url).content.decode()
    assert "Thanh toán lại" in page
    retry = client.post(page_url, {"method": "vnpay"})
    assert retry.status_code == 302
    second = bank.accept_pay_url(retry["Location"])
    assert second.txn_ref != first.reference
    assert ipn(client, bank.pay(second.txn_ref))["RspCode"] == "00"
    order.refresh_from_db()
    assert order.status == statuses.PAID
    # The first attempt's cancel, replayed late, changes nothing.
    assert ipn(client, cancelled)["RspCode"] == "02"
    first.refresh_from_db()
    assert first.status == AttemptStatus.CANCELLED


def _token(order):
    from payments.selectors import order_token

    return order_token(order)


def test_order_page_link_cannot_be_forged(client):
    assert client.get(reverse("payments:order", kwargs={"token": "nope"})).status_code == 404


def test_buyer_is_told_the_order_awaits_payment(client, bank, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order, _, _ = place(client, bank)
    assert [m.to for m in mail.outbox] == [["mai@example.com"]]
    message = mail.outbox[0]
    assert message.subject == f"Đã nhận đơn hàng {order.number}: đang chờ thanh toán"
    assert "/payments/order/" in message.body


def test_unpaid_vnpay_order_expires_after_fifteen_minutes(client, bank):
    from datetime import timedelta

    from django.utils import timezone

    from payments import services

    order, _, _ = place(client, bank)
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.expires_at - attempt.created_at == timedelta(minutes=15)
    assert services.attempts_expire(now=timezone.now() + timedelta(minutes=16)) == 1
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED

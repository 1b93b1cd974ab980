"""VietQR: the order page shows a code any banking app can pay; the bank feed confirms it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from payments import vietqr
from payments.gateways.bank_statement import StatementLine, build_webhook
from payments.models import AttemptStatus, BankCredit, GatewayCall, PaymentAttempt
from payments.selectors import order_payment_url
from shop.order import statuses
from tests.payments import flow

pytestmark = pytest.mark.django_db

OPTIONS = settings.PAYMENT_GATEWAYS["vietqr"]["OPTIONS"]


def place(client):
    response = flow.checkout(client, products=[(flow.honey(), 2)], method="vietqr")
    assert response.status_code == 302
    order = flow.latest_order()
    assert flow.payment_page_order(response["Location"]) == order
    return order, PaymentAttempt.objects.get(order=order)


def transfer(client, *, amount, description, bank_reference="FT26112200001", secret=None):
    line = StatementLine(
        amount=Decimal(amount),
        description=description,
        bank_reference=bank_reference,
        account_number=OPTIONS["account_number"],
        occurred_at=timezone.now(),
    )
    body, headers = build_webhook(
        lines=[line], secret=secret or OPTIONS["webhook_secret"], sent_at=timezone.now()
    )
    return client.post(
        reverse("payments:bank-webhook"),
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


def test_order_page_shows_a_valid_vietqr_for_the_exact_amount(client):
    order, attempt = place(client)
    html = client.get(order_payment_url(order)).content.decode()
    assert "<svg" in html and attempt.reference in html and OPTIONS["account_number"] in html
    decoded = vietqr.decode_payload(attempt.qr_payload)  # checks the CRC
    fields = vietqr.parse_tlv(attempt.qr_payload)
    assert fields["01"] == "12"
    assert fields["53"] == "704" and fields["58"] == "VN"
    assert fields["54"] == str(int(order.total_incl_tax))
    assert attempt.reference in fields["62"]
    assert decoded is not None
    png = client.get(reverse("payments:order-qr", kwargs={"token": html and _token(order)}))
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert attempt.expires_at - attempt.created_at == timedelta(hours=24)


def _token(order):
    from payments.selectors import order_token

    return order_token(order)


def test_matching_transfer_marks_the_order_paid_once(client):
    order, attempt = place(client)
    description = f"MBVCB.123 chuyen tien {attempt.reference.lower()[:4]} {attempt.reference[4:]}"
    response = transfer(client, amount=order.total_incl_tax, description=description)
    assert response.status_code == 200 and response.json()["ok"] is True
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert client.get(reverse("payments:order-status", kwargs={"token": _token(order)})).json()[
        "paid"
    ]
    # The feed delivers the same transaction again: processed once.
    assert transfer(client, amount=order.total_incl_tax, description=description).status_code == 200
    assert BankCredit.objects.count() == 1 and order.sources.count() == 1


@pytest.mark.parametrize(
    ("delta", "status"),
    [(-1000, BankCredit.Status.UNDERPAID), (5000, BankCredit.Status.OVERPAID)],
)
def test_wrong_amounts_go_to_the_operator_queue(client, delta, status):
    order, attempt = place(client)
    transfer(client, amount=order.total_incl_tax + delta, description=attempt.reference)
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT
    credit = BankCredit.objects.get()
    assert credit.status == status and credit.needs_operator and credit.attempt == attempt


def test_unmatched_transfer_waits_for_an_operator(client):
    order, _ = place(client)
    transfer(client, amount=order.total_incl_tax, description="tien hang thang 11")
    assert BankCredit.objects.get().status == BankCredit.Status.UNMATCHED
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT


def test_operator_confirms_a_transfer_by_hand_with_a_reason(client, django_user_model):
    from payments import services

    operator = django_user_model.objects.create_user("op", "op@example.com", "pw", is_staff=True)
    order, attempt = place(client)
    transfer(client, amount=order.total_incl_tax - 1000, description=attempt.reference)
    credit = BankCredit.objects.get()
    with pytest.raises(services.PaymentNotAllowed):
        services.bank_credit_confirm(credit=credit, attempt=attempt, actor=operator, reason=" ")
    services.bank_credit_confirm(
        credit=credit, attempt=attempt, actor=operator, reason="Khách chuyển thiếu phí, đã gọi"
    )
    order.refresh_from_db()
    credit.refresh_from_db()
    assert order.status == statuses.PAID
    assert credit.status == BankCredit.Status.CONFIRMED and credit.resolved_by == operator
    assert attempt.actions.get().reason == "Khách chuyển thiếu phí, đã gọi"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda body, headers: (body, {**headers, "X-Signature": "0" * 64}),
        lambda body, headers: (body.replace(b"1", b"2"), headers),
        lambda body, headers: (body, {k: v for k, v in headers.items() if k != "X-Signature"}),
        lambda body, headers: (body[:-5], headers),
        lambda body, headers: (body, {**headers, "X-Timestamp": "1000000000"}),
    ],
    ids=["signature", "body", "no-signature", "truncated", "stale"],
)
def test_forged_statements_are_refused_and_logged(client, mangle):
    order, attempt = place(client)
    line = StatementLine(
        amount=order.total_incl_tax,
        description=attempt.reference,
        bank_reference="FT1",
        account_number=OPTIONS["account_number"],
        occurred_at=timezone.now(),
    )
    body, headers = build_webhook(
        lines=[line], secret=OPTIONS["webhook_secret"], sent_at=timezone.now()
    )
    body, headers = mangle(body, headers)
    response = client.post(
        reverse("payments:bank-webhook"),
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
    assert response.status_code in (400, 401)
    assert not BankCredit.objects.exists()
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT
    assert GatewayCall.objects.filter(operation="statement").latest("pk").outcome


def test_expired_vietqr_order_is_cancelled_and_its_stock_released(client):
    from payments import services

    product = flow.honey(stock=5)
    flow.checkout(client, products=[(product, 2)], method="vietqr")
    order = flow.latest_order()
    record = product.stockrecords.get()
    assert record.num_allocated == 2
    assert services.attempts_expire(now=timezone.now() + timedelta(hours=23)) == 0
    assert services.attempts_expire(now=timezone.now() + timedelta(hours=25)) == 1
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert record.num_allocated == 0
    assert PaymentAttempt.objects.get(order=order).status == AttemptStatus.EXPIRED
    # A transfer arriving after that is kept for an operator, never silently applied.
    attempt = PaymentAttempt.objects.get(order=order)
    transfer(client, amount=order.total_incl_tax, description=attempt.reference)
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert attempt.needs_review

"""Cards through Stripe Checkout: the real `stripe` library against the local Stripe stub."""

import pytest
from django.urls import reverse

from payments.models import AttemptStatus, GatewayCall, PaymentAttempt, ProcessedEvent
from payments.simulators.stripe_pages import stripe_stub
from shop.order import statuses
from tests.payments import flow

pytestmark = pytest.mark.django_db


def webhook(client, body, headers):
    return client.post(
        reverse("payments:stripe-webhook"),
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k.lower() != "content-type"},
    )


def place(client):
    response = flow.checkout(client, products=[(flow.honey(), 1)], method="card")
    assert response.status_code == 302
    order = flow.latest_order()
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.gateway_session_id.startswith("cs_")
    assert response["Location"].endswith(
        f"/payments/simulator/stripe/pay/{attempt.gateway_session_id}"
    )
    return order, attempt


def test_session_is_created_in_whole_dong(client):
    order, attempt = place(client)
    session = stripe_stub().session(attempt.gateway_session_id)
    assert session["currency"] == "vnd"
    assert session["amount_total"] == int(order.total_incl_tax)  # zero-decimal: đồng, not x100
    assert session["metadata"]["reference"] == attempt.reference


def test_completed_webhook_pays_once_per_event(client):
    order, attempt = place(client)
    stub = stripe_stub()
    stub.complete_session(attempt.gateway_session_id)
    body, headers = stub.session_webhook(attempt.gateway_session_id, "checkout.session.completed")
    assert webhook(client, body, headers).status_code == 200
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert webhook(client, body, headers).status_code == 200  # the same event again
    assert ProcessedEvent.objects.count() == 1 and order.sources.count() == 1


def test_expired_session_cancels_the_attempt_not_the_order(client):
    order, attempt = place(client)
    stub = stripe_stub()
    stub.expire_session(attempt.gateway_session_id)
    body, headers = stub.session_webhook(attempt.gateway_session_id, "checkout.session.expired")
    assert webhook(client, body, headers).status_code == 200
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert attempt.status == AttemptStatus.CANCELLED
    assert order.status == statuses.PENDING_PAYMENT


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b, h: (b, {**h, "Stripe-Signature": "t=1,v1=" + "0" * 64}),
        lambda b, h: (b.replace(b"paid", b"unpaid"), h),
        lambda b, h: (b, {}),
        lambda b, h: (b[: len(b) // 2], h),
    ],
    ids=["signature", "tampered", "no-header", "truncated"],
)
def test_forged_webhooks_are_refused_and_logged(client, mangle):
    order, attempt = place(client)
    stub = stripe_stub()
    stub.complete_session(attempt.gateway_session_id)
    body, headers = stub.session_webhook(attempt.gateway_session_id, "checkout.session.completed")
    response = webhook(client, *mangle(body, headers))
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT
    assert GatewayCall.objects.filter(operation="webhook").latest("pk").signature_valid is False


def test_the_browser_return_never_marks_paid(client):
    order, attempt = place(client)
    stripe_stub().complete_session(attempt.gateway_session_id)  # paid at Stripe, no webhook yet
    response = client.get(
        reverse("payments:return", kwargs={"method": "card"}), {"ref": attempt.reference}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT


def test_reconciliation_asks_stripe_about_pending_attempts(client):
    from datetime import timedelta

    from payments import services

    order, attempt = place(client)
    stripe_stub().complete_session(attempt.gateway_session_id)  # the webhook got lost
    assert services.attempts_reconcile(older_than=timedelta(0)) == 1
    order.refresh_from_db()
    assert order.status == statuses.PAID

"""A card payment (Stripe Checkout, the real `stripe` library against the local Stripe stub on
its own socket) is refunded through Stripe's Refunds API when a complaint is decided."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from payments.models import PaymentAttempt, Refund
from payments.simulators.stripe_pages import stripe_stub
from shop.complaints import remedies
from shop.complaints.models import ComplaintStep, Remedy, State
from shop.outbox.models import OutboxMessage
from tests import factories
from tests.complaints.remedy_helpers import complaint_on, decide, kinds, retry_due
from tests.fulfilment.cod_helpers import advance, buyer, owned_by
from tests.payments import flow

pytestmark = pytest.mark.django_db


def card_paid_delivered(client):
    response = flow.checkout(client, products=[(flow.honey(), 2)], method="card")
    assert response.status_code == 302
    order = flow.latest_order()
    attempt = PaymentAttempt.objects.get(order=order)
    stub = stripe_stub()
    stub.complete_session(attempt.gateway_session_id)
    body, headers = stub.session_webhook(attempt.gateway_session_id, "checkout.session.completed")
    paid = client.post(
        reverse("payments:stripe-webhook"),
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k.lower() != "content-type"},
    )
    assert paid.status_code == 200
    owned_by(order, buyer())
    shipment = advance(order.shipments.get(), "delivered")
    return attempt, shipment, stub


def test_a_card_payment_is_refunded_through_stripe_once(client, django_capture_on_commit_callbacks):
    attempt, shipment, stub = card_paid_delivered(client)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = decide(
            complaint_on(shipment, wish=Remedy.REFUND),
            remedy=Remedy.REFUND,
            amount=150000,
            actor=factories.producer_user(shipment.partner),
        )
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED
    refund = complaint.refund
    assert refund.status == Refund.Status.ACCEPTED and refund.amount == Decimal(150000)
    intent = stub.session(attempt.gateway_session_id)["payment_intent"]
    at_stripe = stub.refunds_of(intent)
    assert [r["amount"] for r in at_stripe] == [150000]  # VND is zero-decimal at Stripe
    assert kinds(complaint)[-2:] == [ComplaintStep.Kind.REFUNDED, ComplaintStep.Kind.RESOLVED]
    assert remedies.remedy_execute(complaint_id=complaint.pk) == "skipped"
    assert len(stub.refunds_of(intent)) == 1 and Refund.objects.count() == 1


def test_two_runs_at_once_ask_stripe_once(client, django_capture_on_commit_callbacks):
    attempt, shipment, stub = card_paid_delivered(client)
    complaint = complaint_on(shipment, wish=Remedy.REFUND)
    cache.add(f"complaint-refund:{complaint.pk}", "1")  # another worker is on it
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            complaint,
            remedy=Remedy.REFUND,
            amount=150000,
            actor=factories.producer_user(shipment.partner),
        )
    intent = stub.session(attempt.gateway_session_id)["payment_intent"]
    assert stub.refunds_of(intent) == [] and not Refund.objects.exists()
    message = OutboxMessage.objects.get(task="complaints.remedy_execute")
    assert message.done_at is None and "another run" in message.last_error

    cache.delete(f"complaint-refund:{complaint.pk}")  # that worker is done (or died)
    retry_due()
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED and len(stub.refunds_of(intent)) == 1

"""A VNPay IPN within a fixed number of queries, paying or replayed, and what a paying IPN leaves
for the worker: its side effects as outbox rows, committed with the payment, sent once."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from payments.models import AttemptStatus, GatewayCall, PaymentAttempt
from payments.simulators.vnpay import VNPaySimulatorCore
from shop.fulfilment.models import Shipment, ShipmentEvent
from shop.order import statuses
from shop.order.kinds import kind_get_or_create
from shop.outbox import services as outbox
from shop.outbox.models import OutboxMessage
from tests import factories
from tests.payments import flow

pytestmark = pytest.mark.django_db

PaymentEventType = get_model("order", "PaymentEventType")
SourceType = get_model("payment", "SourceType")

OPTIONS = settings.PAYMENT_GATEWAYS["vnpay"]["OPTIONS"]

# An order from one producer, one line, in one transaction (the test's savepoint and its
# release here, BEGIN and COMMIT in production): lock the attempt and its order, the order's
# status and its change, the shipment opened (its event, its line), Oscar's payment source
# and event (their types kept in memory), the attempt, the outbox rows of both e-mails in one
# INSERT, the call log.
PAYING_IPN_QUERIES = 15
# Already confirmed: the attempt read under its lock and the call log, in one transaction.
REPLAYED_IPN_QUERIES = 4


@pytest.fixture
def bank():
    return VNPaySimulatorCore(tmn_code=OPTIONS["tmn_code"], hash_secret=OPTIONS["hash_secret"])


@pytest.fixture
def paid_at_vnpay(client, bank, django_capture_on_commit_callbacks):
    """An order placed with VNPay by a guest, paid at VNPay: the IPN VNPay sends for it. The
    floor has taken VNPay payments before (Oscar's source and event types exist, and are kept
    in memory)."""
    with django_capture_on_commit_callbacks(execute=True):
        kind_get_or_create(SourceType, "vnpay", defaults={"name": "VNPay"})
        kind_get_or_create(PaymentEventType, "Paid")
    maker = factories.producer()
    maker.email = "htx-mat-ong@example.com"
    maker.save()
    response = flow.checkout(client, products=[(flow.honey(maker=maker), 2)], method="vnpay")
    assert response.status_code == 302
    transaction = bank.accept_pay_url(response["Location"])
    return flow.latest_order(), bank.pay(transaction.txn_ref)


def ipn(client, params):
    response = client.get(reverse("payments:vnpay-ipn"), params)
    assert response.status_code == 200
    return response.json()["RspCode"]


def test_a_paying_ipn_stays_within_its_query_budget(
    client, paid_at_vnpay, django_assert_max_num_queries
):
    order, params = paid_at_vnpay
    with django_assert_max_num_queries(PAYING_IPN_QUERIES):
        assert ipn(client, params) == "00"
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert PaymentAttempt.objects.get(order=order).status == AttemptStatus.PAID
    assert order.sources.get().amount_debited == order.total_incl_tax
    assert Shipment.objects.get(order=order).status == Shipment.Status.NEW
    assert GatewayCall.objects.filter(operation="ipn", outcome="applied").count() == 1


def test_a_paying_ipn_with_a_bad_signature_is_logged_and_changes_nothing(client, paid_at_vnpay):
    order, params = paid_at_vnpay
    assert ipn(client, {**params, "vnp_Amount": "100"}) == "97"
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT and not order.sources.exists()
    assert PaymentAttempt.objects.get(order=order).status == AttemptStatus.PENDING
    assert not OutboxMessage.objects.filter(key=f"order-email:{order.pk}:PAYMENT_RECEIVED")
    call = GatewayCall.objects.get(operation="ipn")
    assert call.signature_valid is False and call.outcome.startswith("refused")


def test_a_paying_ipn_that_fails_is_rolled_back_and_logged(client, paid_at_vnpay, monkeypatch):
    """An error after the payment's writes (here, in the buyer's e-mail): none of them stays,
    VNPay is asked to deliver again, and the call log keeps the failed delivery."""
    order, params = paid_at_vnpay

    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr("payments.services.orders.order_email_enqueue", broken)
    assert ipn(client, params) == "99"
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT and not order.sources.exists()
    assert PaymentAttempt.objects.get(order=order).status == AttemptStatus.PENDING
    assert Shipment.objects.get(order=order).status == Shipment.Status.PENDING
    call = GatewayCall.objects.get(operation="ipn")
    assert call.signature_valid is True and call.outcome == "error: unexpected"
    monkeypatch.undo()
    assert ipn(client, params) == "00"  # delivered again: applied


def test_a_replayed_ipn_stays_within_its_query_budget(
    client, paid_at_vnpay, django_assert_max_num_queries
):
    order, params = paid_at_vnpay
    assert ipn(client, params) == "00"
    with django_assert_max_num_queries(REPLAYED_IPN_QUERIES):
        assert ipn(client, params) == "02"
    assert order.sources.count() == 1
    assert list(GatewayCall.objects.filter(operation="ipn").values_list("outcome", flat=True)) == [
        "already_final",
        "applied",
    ]


def test_a_paying_ipn_leaves_its_side_effects_to_the_worker(
    client, paid_at_vnpay, django_capture_on_commit_callbacks
):
    order, params = paid_at_vnpay
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as handovers:
        assert ipn(client, params) == "00"
    # Committed with the payment, nothing sent yet: a row per e-mail.
    event = ShipmentEvent.objects.get(shipment__order=order, status=Shipment.Status.NEW)
    recorded = OutboxMessage.objects.exclude(pk__in=before)
    assert sorted(recorded.values_list("key", flat=True)) == [
        f"order-email:{order.pk}:PAYMENT_RECEIVED",
        f"shipment-email:{event.pk}",
    ]
    assert not recorded.exclude(done_at=None).exists() and mail.outbox == []

    for handover in handovers:  # once committed, each row goes to the worker
        handover()
    assert not recorded.filter(done_at=None).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["htx-mat-ong@example.com", "mai@example.com"]

    # Delivered a second time (a message the broker redelivers): nothing goes out twice.
    for message_id in recorded.values_list("pk", flat=True):
        assert outbox.outbox_deliver(message_id=message_id) is False
    assert len(mail.outbox) == 2

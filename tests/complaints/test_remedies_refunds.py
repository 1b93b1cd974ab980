"""A decided refund goes back through the payment's own gateway (VNPay and MoMo simulated on
the live server, over HTTP), once however often the task runs; a gateway that does not answer
leaves the failure on the complaint and the outbox tries again; the producer's settlement
claws the refund back."""

import json
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone

from payments.models import GatewayCall, PaymentAttempt, Refund
from payments.simulators.momo import simulator_core as momo_core
from payments.simulators.vnpay_pages import core as vnpay_core
from shop.carriers.ports import TrackingStatus
from shop.carriers.simulators.ghn_core import GHNSimulatorCore
from shop.complaints import parcels, remedies
from shop.complaints.models import ComplaintStep, Remedy, State
from shop.outbox.models import OutboxMessage
from shop.settings.simulators import simulated_gateways
from shop.settlements import services as settlements
from shop.settlements.models import Entry, EntryKind
from tests import factories
from tests.carriers.conftest import http_stub, json_app  # noqa: F401 (http_stub: a fixture)
from tests.complaints.remedy_helpers import complaint_on, decide, kinds, retry_due
from tests.fulfilment.cod_helpers import advance, buyer, owned_by
from tests.fulfilment.test_aftersale_refund import vnpay_two_producer_order
from tests.payments import flow

pytestmark = pytest.mark.django_db(transaction=True)
Kind = ComplaintStep.Kind


@pytest.fixture
def gateways(live_server):
    with override_settings(PAYMENT_GATEWAYS=simulated_gateways(live_server.url)):
        yield live_server


def delivered_vnpay_tea(client):
    """Tea (2 × 200 000 + 30 000) paid by VNPay, delivered; the buyer is Mai."""
    order, _honey_maker, tea_maker = vnpay_two_producer_order(client)
    owned_by(order, buyer())
    tea = advance(order.shipments.get(partner=tea_maker), "delivered")
    return order, tea, tea_maker


def test_a_refund_goes_back_through_vnpay_once(client, gateways):
    order, tea, tea_maker = delivered_vnpay_tea(client)
    producer = factories.producer_user(tea_maker)
    complaint = decide(
        complaint_on(tea, wish=Remedy.REFUND), remedy=Remedy.REFUND, amount=200000, actor=producer
    )
    assert complaint.state == State.RESOLVED and complaint.execution_error == ""
    refund = complaint.refund
    assert refund.status == Refund.Status.ACCEPTED and refund.amount == Decimal(200000)
    assert refund.partner == tea_maker and refund.reason == f"Khiếu nại {complaint.reference}"
    assert refund.created_by == producer
    attempt = PaymentAttempt.objects.get(order=order)
    transaction = vnpay_core().transactions[attempt.reference]
    assert transaction.refunded == 200000 * 100  # VNPay's amounts are ×100
    assert kinds(complaint)[-2:] == [Kind.REFUNDED, Kind.RESOLVED]
    assert complaint.resolved_at is not None

    # The task again (a duplicate delivery, an operator's retry): nothing more goes back.
    assert remedies.remedy_execute(complaint_id=complaint.pk) == "skipped"
    assert Refund.objects.count() == 1
    assert GatewayCall.objects.filter(operation="refund").count() == 1
    attempt.refresh_from_db()
    assert attempt.refunded == Decimal(200000)


def test_vnpay_down_the_failure_is_shown_and_the_outbox_retries(client, gateways):
    order, tea, tea_maker = delivered_vnpay_tea(client)
    down = simulated_gateways(gateways.url)
    down["vnpay"]["OPTIONS"]["api_url"] = "http://127.0.0.1:9/unreachable"
    with override_settings(PAYMENT_GATEWAYS=down):
        complaint = decide(
            complaint_on(tea, wish=Remedy.REFUND),
            remedy=Remedy.REFUND,
            amount=100000,
            actor=factories.producer_user(tea_maker),
        )
        assert complaint.state == State.EXECUTING
        failed = complaint.steps.get(kind=Kind.EXECUTION_FAILED)
        assert complaint.execution_error and failed.text == complaint.execution_error
        message = OutboxMessage.objects.get(task="complaints.remedy_execute")
        assert message.done_at is None and "RemedyRetry" in message.last_error
        retry_due()  # still down: the same failure, no second step
        complaint.refresh_from_db()
        assert kinds(complaint).count(Kind.EXECUTION_FAILED) == 1
    pending = Refund.objects.get()
    assert pending.status == Refund.Status.PENDING  # the gateway may have acted: kept reserved

    retry_due()  # VNPay is back: the same refund is asked again, once
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED and complaint.execution_error == ""
    assert complaint.refund_id == pending.pk
    assert Refund.objects.get().status == Refund.Status.ACCEPTED
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.refunded == Decimal(100000)
    assert vnpay_core().transactions[attempt.reference].refunded == 100000 * 100
    assert OutboxMessage.objects.get(task="complaints.remedy_execute").done_at is not None


def test_a_refund_refused_by_the_gateway_waits_for_an_operator(client, gateways):
    order, tea, tea_maker = delivered_vnpay_tea(client)
    attempt = PaymentAttempt.objects.get(order=order)
    # Everything was already given back (say, by hand through the payments page).
    PaymentAttempt.objects.filter(pk=attempt.pk).update(refunded=attempt.amount)
    complaint = decide(
        complaint_on(tea, wish=Remedy.REFUND),
        remedy=Remedy.REFUND,
        amount=200000,
        actor=factories.producer_user(tea_maker),
    )
    assert complaint.state == State.EXECUTING
    assert "nothing of this payment is left to refund" in complaint.execution_error
    assert kinds(complaint)[-1] == Kind.EXECUTION_FAILED
    assert OutboxMessage.objects.get(task="complaints.remedy_execute").done_at is not None
    assert not Refund.objects.exists()


def test_a_refund_goes_back_through_momo(client, gateways):
    response = flow.checkout(client, products=[(flow.honey(), 2)], method="momo")
    assert response.status_code == 302
    order = flow.latest_order()
    attempt = PaymentAttempt.objects.get(order=order)
    wallet = momo_core()
    payment = wallet.payments[attempt.reference]
    client.post(
        urlsplit(payment.ipn_url).path,
        data=json.dumps(wallet.pay(attempt.reference)),
        content_type="application/json",
    )
    attempt.refresh_from_db()
    assert attempt.status == "paid"
    owned_by(order, buyer())
    shipment = advance(order.shipments.get(), "delivered")
    complaint = decide(
        complaint_on(shipment, wish=Remedy.REFUND),
        remedy=Remedy.REFUND,
        amount=None,  # the line's price for the quantity complained about
        actor=factories.producer_user(shipment.partner),
    )
    line = complaint.line
    assert complaint.state == State.RESOLVED
    assert complaint.refund.amount == line.unit_price_incl_tax  # one unit of two
    assert payment.refunded == int(line.unit_price_incl_tax)
    assert complaint.refund.status == Refund.Status.ACCEPTED


def test_the_refund_is_clawed_back_from_the_producer_s_statement(client, gateways):
    order, tea, tea_maker = delivered_vnpay_tea(client)
    settlements.entries_record()
    sales = Entry.objects.filter(partner=tea_maker, kind=EntryKind.SALE)
    assert sales.count() == 1
    complaint = decide(
        complaint_on(tea, wish=Remedy.REFUND),
        remedy=Remedy.REFUND,
        amount=200000,
        actor=factories.producer_user(tea_maker),
    )
    assert complaint.state == State.RESOLVED
    settlements.entries_record()
    clawed = Entry.objects.get(partner=tea_maker, kind=EntryKind.REFUND)
    assert clawed.refund == complaint.refund and clawed.gross == Decimal(-200000)
    # The commission and the household's withheld VAT and PIT come back with the refund.
    assert clawed.vat_withheld == Decimal(-2000) and clawed.pit_withheld == Decimal(-1000)
    withheld = clawed.vat_withheld + clawed.pit_withheld
    assert clawed.net == clawed.gross - clawed.commission - withheld
    assert clawed.net < 0
    assert complaint.reference in clawed.description

    statements = settlements.statements_close(now=timezone.now() + timedelta(days=40))
    statement = next(s for s in statements if s.partner_id == tea_maker.pk)
    entries = statement.entries.all()
    assert clawed.pk in {e.pk for e in entries}
    sale_net = sum(e.net for e in entries if e.kind == EntryKind.SALE)
    shipping = sum(e.net for e in entries if e.kind == EntryKind.SHIPPING)
    assert statement.net == sale_net + shipping + clawed.net


def test_a_return_back_with_the_producer_is_refunded_through_vnpay(
    client,
    gateways,
    settings,
    http_stub,  # noqa: F811
):
    core = GHNSimulatorCore(
        token=settings.CARRIERS["ghn"]["OPTIONS"]["token"],
        shop_id=settings.CARRIERS["ghn"]["OPTIONS"]["shop_id"],
    )
    served = http_stub(json_app(core.handle, "/shiip/public-api/"))
    entry = settings.CARRIERS["ghn"]
    options = {**entry["OPTIONS"], "api_url": served.url + "/shiip/public-api", "timeout": 2.0}
    settings.CARRIERS = {**settings.CARRIERS, "ghn": {**entry, "OPTIONS": options}}
    order, tea, tea_maker = delivered_vnpay_tea(client)
    address = order.shipping_address
    address.set_units(province_code=8, ward_code=factories.DONG_VAN)
    address.save()
    tea_maker.phone, tea_maker.street = "+84911222333", "Số 5 đường Chợ"
    tea_maker.province_code, tea_maker.ward_code = 8, factories.MEO_VAC
    tea_maker.save()

    complaint = decide(
        complaint_on(tea, wish=Remedy.RETURN),
        remedy=Remedy.RETURN,
        amount=400000,
        actor=factories.producer_user(tea_maker),
    )
    parcel = complaint.parcels.get()
    assert parcel.tracking_number in core.orders and not Refund.objects.exists()
    core.advance(parcel.tracking_number, TrackingStatus.DELIVERED)
    assert parcels.parcels_track()["delivered"] == 1  # the refund runs once this commits

    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED
    assert complaint.refund.status == Refund.Status.ACCEPTED
    assert complaint.refund.amount == Decimal(400000)
    assert kinds(complaint)[-4:] == [
        Kind.PARCEL,
        Kind.PARCEL_ARRIVED,
        Kind.REFUNDED,
        Kind.RESOLVED,
    ]
    attempt = PaymentAttempt.objects.get(order=order)
    assert vnpay_core().transactions[attempt.reference].refunded == 400000 * 100

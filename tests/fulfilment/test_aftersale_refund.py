"""A buyer who paid by VNPay cancels one producer's part before it is packed: that part (its
goods and its shipping) goes back through VNPay's refund API, here its simulator served by
the live server, for that producer only."""

from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from payments.models import AttemptStatus, GatewayCall, PaymentAttempt, Refund
from payments.simulators.vnpay_pages import core as vnpay_core
from shop.fulfilment.models import Shipment
from shop.order import statuses
from shop.settings.simulators import simulated_gateways
from tests import factories
from tests.fulfilment.cod_helpers import buyer, owned_by
from tests.fulfilment.helpers import producers
from tests.payments import flow


def vnpay_two_producer_order(client):
    honey_maker, tea_maker = producers()
    honey = factories.product("Mật ong bạc hà 500ml", price="350000", maker=honey_maker)
    tea = factories.product("Trà Shan tuyết cổ thụ", price="200000", maker=tea_maker)
    response = flow.checkout(client, products=[(honey, 1), (tea, 2)], method="vnpay")
    assert response.status_code == 302
    core = vnpay_core()
    transaction = core.accept_pay_url(response["Location"])
    answer = client.get(reverse("payments:vnpay-ipn"), core.pay(transaction.txn_ref)).json()
    assert answer["RspCode"] == "00"
    attempt = PaymentAttempt.objects.get(reference=transaction.txn_ref)
    assert attempt.status == AttemptStatus.PAID
    return attempt.order, honey_maker, tea_maker


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_prepaid_part_is_refunded_through_vnpay(live_server, client):
    with override_settings(PAYMENT_GATEWAYS=simulated_gateways(live_server.url)):
        order, honey_maker, tea_maker = vnpay_two_producer_order(client)
        mai = buyer()
        owned_by(order, mai)
        tea = order.shipments.get(partner=tea_maker)
        page = Client()
        page.force_login(mai)
        response = page.post(reverse("shipping:buyer-cancel", kwargs={"pk": tea.pk}))
    assert response.status_code == 302
    tea.refresh_from_db()
    assert tea.status == Shipment.Status.CANCELLED
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.ACCEPTED and refund.gateway_reference
    assert refund.partner == tea_maker and refund.amount == Decimal(2 * 200000 + 30000)
    assert refund.created_by == mai
    call = GatewayCall.objects.get(operation="refund")
    assert call.outcome == "accepted" and call.gateway == "vnpay"
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.refunded == refund.amount and not attempt.needs_review
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert order.shipments.get(partner=honey_maker).status == Shipment.Status.NEW

"""Producers hear of an order to ship, with their own lines only; buyers of a parcel shipped."""

import pytest
from django.core import mail

from shop.fulfilment import services
from shop.fulfilment.tasks import send_shipment_email
from tests import factories
from tests.fulfilment.helpers import producers, two_producer_order
from tests.payments import flow

pytestmark = pytest.mark.django_db


def to(address):
    return [m for m in mail.outbox if address in m.to]


def test_each_producer_hears_of_the_order_with_only_their_own_lines(
    client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order, honey_maker, tea_maker = two_producer_order(client, method="cod")
    honey_maker.email = "mat-ong@example.com"
    honey_maker.save()
    tea_user = factories.producer_user(tea_maker, email="tra@example.com")
    mail.outbox.clear()
    # The same e-mail again, now that both producers have an address (the task takes ids).
    for shipment in order.shipments.all():
        send_shipment_email(event_id=shipment.events.get(status="new").pk)
    (honey_mail,) = to("mat-ong@example.com")
    (tea_mail,) = to(tea_user.email)
    assert order.number in honey_mail.subject
    assert "Mật ong bạc hà 500ml" in honey_mail.body and "Trà Shan" not in honey_mail.body
    assert "Trà Shan tuyết cổ thụ" in tea_mail.body and "Mật ong" not in tea_mail.body
    shipment = order.shipments.get(partner=honey_maker)
    assert f"/dashboard/producer/orders/{shipment.pk}/" in honey_mail.body


def test_opening_the_shipments_sends_the_producers_mail_after_commit(
    client, django_capture_on_commit_callbacks
):
    honey_maker, _tea = producers()
    honey_maker.email = "mat-ong@example.com"
    honey_maker.save()
    product = factories.product("Mật ong bạc hà 500ml", maker=honey_maker)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert flow.checkout(client, products=[(product, 1)], method="cod").status_code == 302
    (message,) = to("mat-ong@example.com")
    assert flow.latest_order().number in message.subject


def test_the_buyer_hears_when_a_producer_ships_with_the_tracking_number(
    client, django_capture_on_commit_callbacks
):
    order, honey_maker, _tea = two_producer_order(client, method="cod")
    shipment = order.shipments.get(partner=honey_maker)
    user = factories.producer_user(honey_maker)
    for step in ("confirmed", "packed"):
        services.shipment_advance(shipment=shipment, to=step, actor=user, on_behalf=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_advance(
            shipment=shipment,
            to="shipped",
            actor=user,
            on_behalf=False,
            carrier="VNPost",
            tracking_number="EB123456789VN",
        )
    (message,) = to(order.email)
    assert "EB123456789VN" in message.body and "VNPost" in message.body
    assert honey_maker.name in message.subject
    assert "Trà Shan" not in message.body  # the other producer's goods have not shipped

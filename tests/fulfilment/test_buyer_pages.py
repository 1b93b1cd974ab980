"""Buyers see their order in one block per producer, with its shipment's progress."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from shop.fulfilment import services
from shop.fulfilment.models import Shipment
from tests.fulfilment.helpers import two_producer_order

pytestmark = pytest.mark.django_db
Status = Shipment.Status


def blocks(html):
    return re.findall(r'<section class="card mb-3 order-shipment".*?</section>', html, re.S)


def test_the_customers_order_page_groups_lines_by_producer(client, django_user_model):
    buyer = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456789")
    client.force_login(buyer)
    order, honey_maker, tea_maker = two_producer_order(client, method="cod")
    assert order.user == buyer
    honey = order.shipments.get(partner=honey_maker)
    for step in (Status.CONFIRMED, Status.PACKED):
        services.shipment_advance(shipment=honey, to=step, actor=None, on_behalf=False)
    services.shipment_advance(
        shipment=honey,
        to=Status.SHIPPED,
        actor=None,
        on_behalf=False,
        carrier="Viettel Post",
        tracking_number="VTP778899",
    )
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert page.status_code == 200
    sections = blocks(page.content.decode())
    assert len(sections) == 2
    honey_block = next(s for s in sections if honey_maker.name in s)
    tea_block = next(s for s in sections if tea_maker.name in s)
    assert "Mật ong bạc hà 500ml" in honey_block and "Trà Shan tuyết" not in honey_block
    assert "Trà Shan tuyết cổ thụ" in tea_block and "Mật ong" not in tea_block
    assert "VTP778899" in honey_block and "Viettel Post" in honey_block
    assert str(Status.SHIPPED.label) in honey_block or "Đã gửi" in honey_block
    assert "VTP778899" not in tea_block
    assert "20.000" in honey_block and "30.000" in tea_block


def test_the_order_placed_email_groups_lines_by_producer(
    client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order, honey_maker, tea_maker = two_producer_order(client, method="cod")
    placed = [m for m in mail.outbox if order.number in m.body]
    assert len(placed) == 1
    message = placed[0]
    body = message.body
    honey_at, tea_at = body.index(honey_maker.name), body.index(tea_maker.name)
    assert honey_at < tea_at  # producers in name order, each block under its name
    assert "Mật ong bạc hà 500ml" in body[honey_at:tea_at]
    assert "Trà Shan tuyết cổ thụ" in body[tea_at:] and "Trà Shan" not in body[honey_at:tea_at]
    assert "20.000" in body and "30.000" in body
    html = message.alternatives[0][0] if message.alternatives else ""
    assert html.count("order-shipment") == 2


def test_the_awaiting_payment_email_groups_lines_by_producer(
    client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order, honey_maker, tea_maker = two_producer_order(client, method="vietqr")
    (message,) = [m for m in mail.outbox if order.number in m.body]
    body = message.body
    honey_at, tea_at = body.index(honey_maker.name), body.index(tea_maker.name)
    assert "Mật ong bạc hà 500ml" in body[honey_at:tea_at] and "Trà Shan" in body[tea_at:]
    html = message.alternatives[0][0] if message.alternatives else ""
    assert html.count("order-shipment") == 2


def test_the_anonymous_order_status_page_groups_lines_by_producer(client):
    order, honey_maker, tea_maker = two_producer_order(client, method="cod")
    session = client.session
    session["anon_order_email"] = order.email  # what Oscar's order-status form records
    session.save()
    url = reverse(
        "customer:anon-order",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )
    sections = blocks(client.get(url).content.decode())
    assert len(sections) == 2
    assert any(honey_maker.name in s and "Mật ong bạc hà 500ml" in s for s in sections)
    assert any(tea_maker.name in s and "Trà Shan tuyết cổ thụ" in s for s in sections)

"""A real checkout of two producers' goods gives two shipments; payment opens them, expiry
cancels them, and they move forward one step at a time."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payments import services as payment_services
from payments.models import PaymentAttempt
from shop.fulfilment import services
from shop.fulfilment.models import Shipment, ShipmentEvent
from shop.order import statuses
from tests import factories
from tests.fulfilment.helpers import two_producer_order
from tests.payments import flow
from tests.payments.test_vietqr_flow import transfer

pytestmark = pytest.mark.django_db
Status = Shipment.Status


def pay(client, order):
    attempt = PaymentAttempt.objects.get(order=order)
    assert transfer(client, amount=order.total_incl_tax, description=attempt.reference).json()["ok"]
    order.refresh_from_db()
    assert order.status == statuses.PAID


def test_checkout_creates_one_shipment_per_producer_with_its_charge(client):
    order, honey_maker, tea_maker = two_producer_order(client)
    assert order.shipping_incl_tax == Decimal(50000)
    assert order.total_incl_tax == Decimal(350000 + 400000 + 50000)
    shipments = {s.partner_id: s for s in order.shipments.all()}
    assert shipments[honey_maker.pk].charge == Decimal(20000)
    assert shipments[tea_maker.pk].charge == Decimal(30000)
    assert sum(s.charge for s in shipments.values()) == order.shipping_incl_tax
    assert {s.status for s in shipments.values()} == {Status.PENDING}
    assert set(order.lines.values_list("status", flat=True)) == {"Pending"}


def test_preview_shows_one_shipping_line_per_producer(client):
    honey_maker = factories.producer("HTX Mật ong Đồng Văn")
    other = factories.producer("Trà Mèo Vạc")
    flow.vietnam()
    for maker in (honey_maker, other):
        product = factories.product(f"Hàng {maker.name}", maker=maker)
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    client.post(reverse("checkout:index"), {"username": "mai@example.com", "options": "anonymous"})
    client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    client.get(reverse("checkout:shipping-method"))
    client.post(reverse("checkout:payment-method"), {"method": "vietqr"})
    html = client.get(reverse("checkout:preview")).content.decode()
    assert html.count('class="shipping-producer"') == 2
    assert "shipping-estimate" not in html


def test_payment_opens_the_shipments(client):
    order, *_ = two_producer_order(client)
    pay(client, order)
    assert set(order.shipments.values_list("status", flat=True)) == {Status.NEW}
    assert set(order.lines.values_list("status", flat=True)) == {"To confirm"}


def test_cash_on_delivery_opens_the_shipments_at_once(client):
    order, *_ = two_producer_order(client, method="cod")
    assert order.status == statuses.CASH_ON_DELIVERY
    assert set(order.shipments.values_list("status", flat=True)) == {Status.NEW}


def test_an_order_cancelled_for_want_of_payment_cancels_its_shipments(client):
    order, *_ = two_producer_order(client)
    assert payment_services.attempts_expire(now=timezone.now() + timedelta(hours=25)) == 1
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert set(order.shipments.values_list("status", flat=True)) == {Status.CANCELLED}
    assert set(order.lines.values_list("status", flat=True)) == {"Cancelled"}


def test_shipments_move_one_step_at_a_time_and_never_touch_the_others(client):
    order, honey_maker, tea_maker = two_producer_order(client)
    honey = order.shipments.get(partner=honey_maker)
    user = factories.producer_user(honey_maker)

    with pytest.raises(services.ShipmentRefused):  # unpaid
        services.shipment_advance(shipment=honey, to=Status.CONFIRMED, actor=user, on_behalf=False)
    pay(client, order)

    def advance(to, **kwargs):
        return services.shipment_advance(
            shipment=honey, to=to, actor=user, on_behalf=False, **kwargs
        )

    for refused in (Status.PACKED, Status.SHIPPED, Status.DELIVERED, Status.CANCELLED):
        with pytest.raises(services.ShipmentRefused):
            advance(refused)
    advance(Status.CONFIRMED)
    with pytest.raises(services.ShipmentRefused):  # backwards
        advance(Status.NEW)
    advance(Status.PACKED)
    with pytest.raises(services.ShipmentRefused):
        advance(Status.SHIPPED, carrier="GHTK", tracking_number=" ")
    shipped = advance(Status.SHIPPED, carrier="GHTK", tracking_number="S123456")
    assert shipped.shipped_at is not None and shipped.tracking_number == "S123456"
    delivered = advance(Status.DELIVERED)
    assert delivered.delivered_at is not None
    with pytest.raises(services.ShipmentRefused):
        advance(Status.CANCELLED)

    assert list(honey.events.values_list("status", flat=True)) == [
        Status.PENDING, Status.NEW, Status.CONFIRMED, Status.PACKED, Status.SHIPPED,
        Status.DELIVERED,
    ]  # fmt: skip
    assert set(order.lines.filter(partner=honey_maker).values_list("status", flat=True)) == {
        "Delivered"
    }
    assert set(order.lines.filter(partner=tea_maker).values_list("status", flat=True)) == {
        "To confirm"
    }
    assert order.shipments.get(partner=tea_maker).status == Status.NEW
    order.refresh_from_db()
    assert order.status == statuses.PAID  # the order's status pipeline ends at Paid
    assert ShipmentEvent.objects.filter(actor=user).count() == 4


def test_line_status_pipeline_matches_the_shipment_steps(settings):
    pipeline = settings.OSCAR_LINE_STATUS_PIPELINE
    line_of = services.LINE_STATUS
    for status, step in services.NEXT_STEP.items():
        assert line_of[step] in pipeline[line_of[status]]
    assert line_of[Status.NEW] in pipeline[line_of[Status.PENDING]]
    for status in services.CANCELLABLE:
        assert line_of[Status.CANCELLED] in pipeline[line_of[status]]


@pytest.mark.parametrize(
    ("charges", "total", "expected"),
    [
        (["20000", "30000"], "50000", ["20000", "30000"]),  # no shipping discount
        (["20000", "30000"], "25000", ["10000", "15000"]),  # half off, shared in proportion
        (["10000", "10000", "10000"], "10000", ["3334", "3333", "3333"]),  # the rest on the largest
        (["0", "0"], "0", ["0", "0"]),
    ],
)
def test_a_shipping_discount_is_shared_so_that_charges_sum_to_the_orders_shipping(
    charges, total, expected
):
    fitted = services._fit([Decimal(c) for c in charges], Decimal(total))
    assert fitted == [Decimal(e) for e in expected]
    assert sum(fitted) == Decimal(total)

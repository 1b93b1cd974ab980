"""The order EventHandler (shop/order/processing.py): the one door for an order's status and
its shipments. Orders are placed through the real checkout, then moved by the handler alone."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_class, get_model

from shop.fulfilment.models import Shipment, ShipmentEvent
from shop.order import processing, statuses
from tests.fulfilment.helpers import two_producer_order

pytestmark = pytest.mark.django_db

EventHandler = get_class("order.processing", "EventHandler")
InvalidOrderStatus = get_class("order.exceptions", "InvalidOrderStatus")
StockRecord = get_model("partner", "StockRecord")
Status = Shipment.Status


def pay(order, reference="CPTEST1"):
    EventHandler().order_paid(
        order,
        amount=order.total_incl_tax,
        currency=order.currency,
        reference=reference,
        method="test",
        method_name="Test",
    )


def opened(order) -> int:
    return ShipmentEvent.objects.filter(shipment__order=order, status=Status.NEW).count()


def test_forks_win_everywhere_and_the_pipeline_has_one_home():
    assert EventHandler is processing.EventHandler
    assert get_class("order.mixins", "EventHandlerMixin").handler_class is processing.EventHandler
    assert settings.OSCAR_ORDER_STATUS_PIPELINE is statuses.PIPELINE
    assert settings.OSCAR_INITIAL_ORDER_STATUS == statuses.PENDING_PAYMENT


def test_placing_creates_one_pending_shipment_per_producer(client):
    order, honey_maker, tea_maker = two_producer_order(client)
    assert set(order.shipments.values_list("partner_id", flat=True)) == {
        honey_maker.pk,
        tea_maker.pk,
    }
    assert set(order.shipments.values_list("status", flat=True)) == {Status.PENDING}


def test_paid_moves_the_status_opens_shipments_and_records_the_payment(client):
    order, *_ = two_producer_order(client)
    pay(order)
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert set(order.shipments.values_list("status", flat=True)) == {Status.NEW}
    assert opened(order) == 2
    source = order.sources.get()
    assert (source.amount_debited, source.reference) == (order.total_incl_tax, "CPTEST1")
    assert (source.source_type.code, source.source_type.name) == ("test", "Test")
    event = order.payment_events.get()
    assert (event.event_type.name, event.amount) == ("Paid", order.total_incl_tax)
    change = order.status_changes.get()
    assert (change.old_status, change.new_status) == (statuses.PENDING_PAYMENT, statuses.PAID)


def test_paid_twice_is_refused_and_opens_shipments_once(client):
    order, *_ = two_producer_order(client)
    pay(order)
    with pytest.raises(InvalidOrderStatus):
        pay(order, reference="CPTEST2")
    order.refresh_from_db()
    assert opened(order) == 2
    assert order.sources.count() == 1 and order.payment_events.count() == 1
    assert order.status_changes.count() == 1


def test_cash_on_delivery_opens_shipments_and_payment_later_opens_none_again(client):
    order, *_ = two_producer_order(client)
    EventHandler().order_cash_on_delivery(order)
    assert order.status == statuses.CASH_ON_DELIVERY
    assert opened(order) == 2
    pay(order)
    assert order.status == statuses.PAID
    assert opened(order) == 2
    with pytest.raises(InvalidOrderStatus):
        EventHandler().order_cash_on_delivery(order)


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("cancel", "pay"),
        ("cancel", "cancel"),
        ("pay", "cancel"),
        ("pay", "cod"),
    ],
)
def test_the_pipeline_refuses_what_it_does_not_allow(client, first, then):
    order, *_ = two_producer_order(client)
    moves = {
        "pay": pay,
        "cancel": lambda o: EventHandler().order_cancelled(o, note="test"),
        "cod": lambda o: EventHandler().order_cash_on_delivery(o),
    }
    moves[first](order)
    reached = order.status
    shipments = list(order.shipments.values_list("status", flat=True))
    with pytest.raises(InvalidOrderStatus):
        moves[then](order)
    order.refresh_from_db()
    assert order.status == reached
    assert list(order.shipments.values_list("status", flat=True)) == shipments


def test_a_status_outside_the_pipeline_is_refused(client):
    order, *_ = two_producer_order(client)
    with pytest.raises(InvalidOrderStatus):
        EventHandler().order_status_move(order, "Shipped")
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT and not order.status_changes.exists()


def test_cancelled_records_the_change_cancels_shipments_and_releases_stock(client):
    order, *_ = two_producer_order(client)
    records = StockRecord.objects.filter(pk__in=order.lines.values("stockrecord_id"))
    assert sum(r.num_allocated or 0 for r in records) == 3
    EventHandler().order_cancelled(order, note="payment never came")
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    change = order.status_changes.get()
    assert (change.old_status, change.new_status) == (statuses.PENDING_PAYMENT, statuses.CANCELLED)
    assert set(order.shipments.values_list("status", flat=True)) == {Status.CANCELLED}
    notes = ShipmentEvent.objects.filter(shipment__order=order, status=Status.CANCELLED)
    assert set(notes.values_list("note", flat=True)) == {"payment never came"}
    assert sum(r.num_allocated or 0 for r in records.all()) == 0


def test_refunded_records_a_payment_event_and_keeps_the_status(client):
    order, *_ = two_producer_order(client)
    pay(order)
    event = EventHandler().order_refunded(order, amount=Decimal(100000), reference="CPTEST1")
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert (event.event_type.name, event.amount, event.reference) == (
        "Refunded",
        Decimal(100000),
        "CPTEST1",
    )
    assert list(order.payment_events.order_by("pk").values_list("event_type__name", flat=True)) == [
        "Paid",
        "Refunded",
    ]


# --------------------------------------------------------------------------- Oscar's dashboard
# An operator can pick an order's status by hand on Oscar's order page; that goes through the
# same handler, so cancelling there cancels shipments and releases stock, and "paid" is refused.


def dashboard_status(client, order, new_status):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from tests import factories

    staff = factories.operator()
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="order", codename__in=["view_order", "change_order"]
        )
    )
    operator = Client()
    operator.force_login(staff)
    url = reverse("dashboard:order-detail", kwargs={"number": order.number})
    return operator.post(
        url, {"order_action": "change_order_status", "new_status": new_status}, follow=True
    )


def test_cancelling_on_the_dashboard_goes_through_the_handler(client):
    order, *_ = two_producer_order(client)
    records = StockRecord.objects.filter(pk__in=order.lines.values("stockrecord_id"))
    response = dashboard_status(client, order, statuses.CANCELLED)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert set(order.shipments.values_list("status", flat=True)) == {Status.CANCELLED}
    assert sum(r.num_allocated or 0 for r in records.all()) == 0
    assert order.notes.filter(message__contains=statuses.CANCELLED).exists()


@pytest.mark.parametrize("status", [statuses.PAID, statuses.CASH_ON_DELIVERY])
def test_paid_or_cash_on_delivery_by_hand_on_the_dashboard_is_refused(client, status):
    order, *_ = two_producer_order(client)
    response = dashboard_status(client, order, status)
    assert response.status_code == 200
    assert "trang thanh toán" in response.content.decode()
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT and not order.status_changes.exists()
    assert set(order.shipments.values_list("status", flat=True)) == {Status.PENDING}
    assert not order.sources.exists()

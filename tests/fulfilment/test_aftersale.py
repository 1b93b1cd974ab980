"""The buyer's side after the sale: cancel one producer's part before it is packed (stock
released, cash due dropped, the order cancelled when nothing is left), say a parcel arrived,
deliveries confirmed automatically after N days, and a returned parcel's stock given back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import PaymentAttempt, Refund
from shop.fulfilment import aftersale, cod, tasks
from shop.fulfilment.models import Shipment
from shop.fulfilment.services import ShipmentRefused
from shop.order import statuses
from tests.fulfilment.cod_helpers import advance, buyer, cod_order, owned_by
from tests.fulfilment.helpers import two_producer_order
from tests.fulfilment.test_shipments_lifecycle import pay

pytestmark = pytest.mark.django_db
Status = Shipment.Status
Cod = Shipment.Cod
StockRecord = get_model("partner", "StockRecord")


def allocated(shipment) -> list[int]:
    lines = shipment.order.lines.filter(partner=shipment.partner)
    return [StockRecord.objects.get(pk=line.stockrecord_id).num_allocated for line in lines]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cancel_url(shipment):
    return reverse("shipping:buyer-cancel", kwargs={"pk": shipment.pk})


def received_url(shipment):
    return reverse("shipping:buyer-received", kwargs={"pk": shipment.pk})


@pytest.fixture
def mine(client):
    """A cash order of honey and tea, placed by Mai (signed in)."""
    order, honey, tea = cod_order(client)
    mai = buyer()
    owned_by(order, mai)
    return order, honey, tea, signed_in(mai)


# --------------------------------------------------------------------------- cancel


def test_the_order_page_offers_to_cancel_each_part_not_yet_packed(mine):
    order, honey, tea, mai = mine
    advance(tea, Status.PACKED)
    html = mai.get(reverse("customer:order", kwargs={"order_number": order.number})).content
    html = html.decode()
    assert cancel_url(honey) in html
    assert cancel_url(tea) not in html


def test_the_buyer_cancels_a_part_after_confirming(mine):
    order, honey, tea, mai = mine
    advance(honey, Status.CONFIRMED)
    assert allocated(honey) == [1]
    page = mai.get(cancel_url(honey))
    assert page.status_code == 200 and b'method="post"' in page.content
    honey.refresh_from_db()
    assert honey.status == Status.CONFIRMED  # the page only asks
    response = mai.post(cancel_url(honey))
    assert response.status_code == 302
    assert response["Location"] == reverse("customer:order", kwargs={"order_number": order.number})
    honey.refresh_from_db()
    assert honey.status == Status.CANCELLED
    assert (honey.cod, honey.cod_due) == (Cod.NONE, 0)
    assert allocated(honey) == [0]
    assert set(order.lines.filter(partner=honey.partner).values_list("status", flat=True)) == {
        "Cancelled"
    }
    assert honey.events.last().actor.username == "mai"
    tea.refresh_from_db()
    assert tea.status == Status.NEW and tea.cod == Cod.DUE and allocated(tea) == [2]
    order.refresh_from_db()
    assert order.status == statuses.CASH_ON_DELIVERY
    # The tea's cash alone now pays the order, and is all the order records as paid.
    cod.cod_reported(shipment=tea, amount=tea.cod_due, source="webhook:ghtk")
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert [source.amount_debited for source in order.sources.all()] == [tea.cod_due]


def test_a_packed_part_can_no_longer_be_cancelled(mine):
    order, honey, _, mai = mine
    advance(honey, Status.PACKED)
    response = mai.post(cancel_url(honey), follow=True)
    assert "không thể huỷ nữa" in response.content.decode()  # the refusal, in Vietnamese
    honey.refresh_from_db()
    assert honey.status == Status.PACKED and allocated(honey) == [1]
    assert b"shipment-not-cancellable" in mai.get(cancel_url(honey)).content


def test_nobody_else_reaches_the_buttons(mine, client):
    order, honey, _, _ = mine
    other = signed_in(buyer("lan"))
    for who in (other, Client()):
        assert who.get(cancel_url(honey)).status_code == 404
        assert who.post(cancel_url(honey)).status_code == 404
        assert who.post(received_url(honey)).status_code == 404
    with pytest.raises(ShipmentRefused):
        aftersale.shipment_cancel_by_buyer(shipment=honey, user=buyer("hoa"))
    honey.refresh_from_db()
    assert honey.status == Status.NEW and allocated(honey) == [1]


def test_cancelling_the_last_part_cancels_the_order_and_releases_stock_once(mine):
    order, honey, tea, mai = mine
    mai.post(cancel_url(honey))
    mai.post(cancel_url(tea))
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert allocated(honey) == [0] and allocated(tea) == [0]
    stock = StockRecord.objects.get(pk=order.lines.get(partner=tea.partner).stockrecord_id)
    assert stock.num_in_stock == 10  # nothing consumed; the allocation is simply gone


def test_an_unpaid_order_is_cancelled_whole_or_not_at_all(client):
    order, honey_maker, tea_maker = two_producer_order(client, method="vietqr")
    mai = buyer()
    owned_by(order, mai)
    honey = order.shipments.get(partner=honey_maker)
    with pytest.raises(ShipmentRefused):
        aftersale.shipment_cancel_by_buyer(shipment=honey, user=mai)
    honey.refresh_from_db()
    assert honey.status == Status.PENDING


def test_a_prepaid_part_cancelled_is_refunded_for_its_producer(
    client, django_capture_on_commit_callbacks
):
    """VietQR cannot refund through the bank: the refund is recorded for an operator to pay
    back by hand, for that producer (settlements claw it back from them)."""
    order, honey_maker, tea_maker = two_producer_order(client, method="vietqr")
    pay(client, order)
    mai = buyer()
    owned_by(order, mai)
    tea = order.shipments.get(partner=tea_maker)
    with django_capture_on_commit_callbacks(execute=True):
        aftersale.shipment_cancel_by_buyer(shipment=tea, user=mai)
    refund = Refund.objects.get()
    assert refund.partner == tea_maker and refund.amount == Decimal(2 * 200000 + 30000)
    assert refund.status == Refund.Status.RECORDED and refund.created_by == mai
    order.refresh_from_db()
    assert order.status == statuses.PAID  # the honey still ships
    # Started once: the outbox message is keyed by the shipment.
    with django_capture_on_commit_callbacks(execute=True):
        aftersale.shipment_goods_back(shipment=tea, reason="again")
    assert Refund.objects.count() == 1


# --------------------------------------------------------------------------- receipt


def test_the_buyer_confirms_receipt_once_the_parcel_is_on_its_way(mine):
    order, honey, _, mai = mine
    assert mai.post(received_url(honey)).status_code == 302
    honey.refresh_from_db()
    assert honey.receipt == ""  # not shipped yet: refused
    advance(honey, Status.SHIPPED)
    page = mai.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert received_url(honey) in page.content.decode()
    mai.post(received_url(honey))
    honey.refresh_from_db()
    assert honey.receipt == Shipment.Receipt.BUYER and honey.received_at is not None
    page = mai.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert received_url(honey) not in page.content.decode()
    assert b"shipment-received" in page.content


@override_settings(DELIVERY_CONFIRM_AFTER_DAYS=7)
def test_deliveries_are_confirmed_automatically_after_n_days(mine):
    order, honey, tea, _ = mine
    now = timezone.now()
    advance(honey, Status.DELIVERED, at=now - timedelta(days=7, minutes=1))
    advance(tea, Status.DELIVERED, at=now - timedelta(days=6))
    assert aftersale.deliveries_confirm(now=now) == 1
    honey.refresh_from_db()
    tea.refresh_from_db()
    assert (honey.receipt, honey.received_at) == (Shipment.Receipt.AUTO, now)
    assert tea.receipt == ""
    assert aftersale.deliveries_confirm(now=now) == 0
    assert aftersale.deliveries_confirm(now=now + timedelta(days=1)) == 1
    tea.refresh_from_db()
    assert tea.receipt == Shipment.Receipt.AUTO


def test_a_buyer_s_confirmation_is_not_overwritten(mine):
    _, honey, _, mai = mine
    advance(honey, Status.DELIVERED, at=timezone.now() - timedelta(days=30))
    aftersale.shipment_confirm_receipt(
        shipment=honey, user=Shipment.objects.get(pk=honey.pk).order.user
    )
    assert aftersale.deliveries_confirm() == 0
    honey.refresh_from_db()
    assert honey.receipt == Shipment.Receipt.BUYER


# --------------------------------------------------------------------------- goods back


def test_a_returned_parcel_gives_its_stock_back_once(mine):
    order, honey, tea, _ = mine
    advance(honey, Status.SHIPPED)
    assert aftersale.shipment_goods_back(shipment=honey, reason="Người nhận từ chối") is True
    honey.refresh_from_db()
    assert honey.status == Status.RETURNED and honey.returned_at is not None
    assert (honey.cod, honey.cod_due) == (Cod.NONE, 0)
    assert allocated(honey) == [0]
    assert aftersale.shipment_goods_back(shipment=honey, reason="again") is False
    assert honey.events.filter(status=Status.RETURNED).count() == 1
    order.refresh_from_db()
    assert order.status == statuses.CASH_ON_DELIVERY  # the tea is still on its way


def test_goods_back_after_the_carrier_already_said_returned(mine):
    """Tracking may move the shipment to *returned* first; the goods still come back once."""
    order, honey, _, _ = mine
    advance(honey, Status.SHIPPED)
    Shipment.objects.filter(pk=honey.pk).update(status=Status.RETURNED)
    assert aftersale.shipment_goods_back(shipment=honey, reason="returned") is True
    assert allocated(honey) == [0]


def test_a_returned_prepaid_parcel_of_a_guest_is_flagged_for_an_operator(
    client, django_capture_on_commit_callbacks
):
    order, honey_maker, _ = two_producer_order(client, method="vietqr")
    pay(client, order)
    honey = order.shipments.get(partner=honey_maker)
    advance(honey, Status.SHIPPED)
    with django_capture_on_commit_callbacks(execute=True):
        aftersale.shipment_goods_back(shipment=honey, reason="returned")
    assert not Refund.objects.exists()
    attempt = PaymentAttempt.objects.get(order=order)
    assert "370000" in attempt.needs_review


# --------------------------------------------------------------------------- guests


def test_a_guest_acts_through_the_order_s_signed_link(client):
    order, honey, _ = cod_order(client)
    guest = Client()
    signed_link = {"order_hash": order.verification_hash()}
    assert guest.post(cancel_url(honey), signed_link).status_code == 404  # no e-mail given
    session = guest.session
    session["anon_order_email"] = order.email  # what Oscar's guest order form keeps
    session.save()
    page = guest.get(
        reverse(
            "customer:anon-order",
            kwargs={"order_number": order.number, "hash": order.verification_hash()},
        )
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert cancel_url(honey) in html and "order_hash=" in html
    assert guest.post(cancel_url(honey), {"order_hash": "forged:abc"}).status_code == 404
    response = guest.post(cancel_url(honey), signed_link)
    assert response.status_code == 302
    honey.refresh_from_db()
    assert honey.status == Status.CANCELLED


@override_settings(DELIVERY_CONFIRM_AFTER_DAYS=0)
def test_the_hourly_task_confirms_deliveries(mine):
    _, honey, _, _ = mine
    advance(honey, Status.DELIVERED, at=timezone.now() - timedelta(minutes=1))
    assert tasks.confirm_deliveries.delay().get() == 1
    honey.refresh_from_db()
    assert honey.receipt == Shipment.Receipt.AUTO


def test_the_producer_is_told_when_the_buyer_cancels_their_part(
    mine, mailoutbox, django_capture_on_commit_callbacks
):
    _, honey, _, mai = mine
    honey.partner.email = "mat-ong@example.com"
    honey.partner.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mai.post(cancel_url(honey))
    assert [m.to for m in mailoutbox] == [["mat-ong@example.com"]]
    assert "Mật ong bạc hà 500ml" in mailoutbox[0].body

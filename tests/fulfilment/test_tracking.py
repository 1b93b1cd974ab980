"""Carriers' statuses move a shipment forward, once, never backwards (tracking_apply)."""

from decimal import Decimal

import pytest
from django.core import mail

from shop.carriers.ports import TrackingStatus as T
from shop.fulfilment import tracking
from shop.fulfilment.models import CarrierCallback, CarrierEvent, Shipment
from tests.fulfilment.tracking_helpers import T0, packed_shipment, update

pytestmark = pytest.mark.django_db
Status = Shipment.Status
Outcome = CarrierCallback.Outcome
WEBHOOK = CarrierEvent.Source.WEBHOOK


def apply(shipment, *updates):
    outcomes = [
        tracking.tracking_apply(shipment=shipment, update=u, source=WEBHOOK) for u in updates
    ]
    shipment.refresh_from_db()
    return outcomes


def test_a_parcel_moves_the_shipment_to_shipped_then_delivered_at_the_carriers_times(client):
    shipment = packed_shipment(client)
    outcomes = apply(
        shipment,
        update(T.PICKED, 1),
        update(T.IN_TRANSIT, 5),
        update(T.DELIVERING, 24),
        update(T.DELIVERED, 27),
    )
    assert outcomes == [Outcome.APPLIED] * 4
    assert shipment.status == Status.DELIVERED
    assert shipment.tracking_status == T.DELIVERED
    assert shipment.shipped_at == T0.replace(hour=9)
    assert shipment.delivered_at == update(T.DELIVERED, 27).at
    assert list(shipment.events.values_list("status", flat=True))[-2:] == [
        Status.SHIPPED,
        Status.DELIVERED,
    ]
    lines = shipment.order.lines.filter(partner=shipment.partner)
    assert set(lines.values_list("status", flat=True)) == {"Delivered"}
    assert shipment.carrier_events.filter(applied=True).count() == 4


def test_the_same_status_twice_is_a_duplicate_and_changes_nothing(client):
    shipment = packed_shipment(client)
    assert apply(shipment, update(T.PICKED, 1)) == [Outcome.APPLIED]

    def state():
        s = shipment
        return (s.status, s.tracking_status, s.tracking_at, s.shipped_at)

    before = state()
    assert apply(shipment, update(T.PICKED, 1)) == [Outcome.DUPLICATE]
    assert state() == before
    assert shipment.carrier_events.count() == 1
    assert shipment.events.filter(status=Status.SHIPPED).count() == 1


def test_an_older_status_after_delivery_is_stale_kept_and_not_applied(client):
    shipment = packed_shipment(client)
    apply(shipment, update(T.DELIVERED, 30))
    assert shipment.status == Status.DELIVERED
    delivered_at = shipment.delivered_at
    assert apply(shipment, update(T.PICKED, 1), update(T.IN_TRANSIT, 2)) == [Outcome.STALE] * 2
    assert shipment.status == Status.DELIVERED and shipment.tracking_status == T.DELIVERED
    assert shipment.delivered_at == delivered_at
    stale = shipment.carrier_events.get(status=T.PICKED)
    assert stale.applied is False


def test_delivered_straight_from_packed_goes_through_shipped(client):
    shipment = packed_shipment(client)
    apply(shipment, update(T.DELIVERED, 30))
    assert [e.status for e in shipment.events.all()][-3:] == [
        Status.PACKED,
        Status.SHIPPED,
        Status.DELIVERED,
    ]
    assert shipment.shipped_at == shipment.delivered_at


def test_out_for_delivery_and_failed_attempts_alternate_by_the_carriers_clock(client):
    shipment = packed_shipment(client)
    outcomes = apply(
        shipment,
        update(T.PICKED, 1),
        update(T.DELIVERING, 24),
        update(T.FAILED_ATTEMPT, 26),
        update(T.DELIVERING, 48),
    )
    assert outcomes == [Outcome.APPLIED] * 4
    assert shipment.tracking_status == T.DELIVERING
    # A failed attempt reported late, older than the parcel's last news: kept, not applied.
    assert apply(shipment, update(T.FAILED_ATTEMPT, 25, carrier_status="x")) == [Outcome.STALE]
    assert shipment.tracking_status == T.DELIVERING
    assert apply(shipment, update(T.FAILED_ATTEMPT, 50)) == [Outcome.APPLIED]
    assert shipment.tracking_status == T.FAILED_ATTEMPT and shipment.status == Status.SHIPPED


def test_a_returned_parcel_returns_the_shipment_and_gives_the_goods_back(client):
    shipment = packed_shipment(client)
    apply(
        shipment,
        update(T.PICKED, 1),
        update(T.FAILED_ATTEMPT, 24),
        update(T.RETURNING, 72),
        update(T.RETURNED, 120),
    )
    assert shipment.status == Status.RETURNED
    assert shipment.tracking_status == T.RETURNED
    assert shipment.returned_at is not None
    assert shipment.events.filter(status=Status.RETURNED).count() == 1
    # Once: the same report again is a duplicate and gives nothing back twice.
    assert apply(shipment, update(T.RETURNED, 120)) == [Outcome.DUPLICATE]
    assert shipment.events.filter(status=Status.RETURNED).count() == 1


def test_the_cash_the_carrier_collected_is_reported_for_the_shipment(client):
    shipment = packed_shipment(client)
    apply(shipment, update(T.DELIVERED, 30, cod_collected=Decimal(370000)))
    assert shipment.cod_collected == Decimal(370000)
    assert shipment.carrier_events.get().cod_collected == Decimal(370000)


def test_a_cancelled_shipment_is_not_moved_by_its_parcel(
    client, django_capture_on_commit_callbacks
):
    shipment = packed_shipment(client)
    Shipment.objects.filter(pk=shipment.pk).update(status=Status.CANCELLED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply(shipment, update(T.PICKED, 1), update(T.DELIVERED, 30))
    assert shipment.status == Status.CANCELLED
    assert shipment.tracking_status == T.DELIVERED  # where the carrier says the parcel is
    assert not [m for m in mail.outbox if shipment.order.email in m.to]


def test_updates_find_their_shipment_by_code_or_by_our_echoed_reference(client):
    shipment = packed_shipment(client)
    by_code = update(T.PICKED, 1)
    by_reference = update(T.PICKED, 1, code="", reference=shipment.waybill_reference)
    other_carrier = update(T.PICKED, 1)
    assert tracking.shipment_for_update(carrier="ghn", update=by_code) == shipment
    assert tracking.shipment_for_update(carrier="ghn", update=by_reference) == shipment
    assert tracking.shipment_for_update(carrier="ghtk", update=other_carrier) is None
    nobody = update(T.PICKED, 1, code="", reference="")
    assert tracking.shipment_for_update(carrier="ghn", update=nobody) is None


def test_a_callback_about_an_unknown_parcel_is_logged_as_unknown_and_changes_nothing(client):
    shipment = packed_shipment(client)
    outcome = tracking.tracking_receive(
        carrier="ghn", updates=[update(T.DELIVERED, 3, code="NOSUCH")], body=b'{"x": 1}'
    )
    assert outcome == Outcome.UNKNOWN
    logged = CarrierCallback.objects.get()
    assert (logged.carrier, logged.outcome, logged.code) == ("ghn", Outcome.UNKNOWN, "NOSUCH")
    assert logged.body == '{"x": 1}'
    shipment.refresh_from_db()
    assert shipment.status == Status.PACKED and not CarrierEvent.objects.exists()


def test_a_callback_log_keeps_a_short_body_without_nul_bytes(client):
    tracking.callback_log(
        carrier="ghtk", outcome=Outcome.REJECTED, reason="x\x00y" * 200, body=b"\x00\xff" * 5000
    )
    logged = CarrierCallback.objects.get()
    assert len(logged.body) == tracking.BODY_LOGGED and "\x00" not in logged.body
    assert len(logged.reason) == 255

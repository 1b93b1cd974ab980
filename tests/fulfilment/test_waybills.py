"""Packing a shipment: lots per line (the recall list), the parcel, and the carrier's waybill,
created once by an outbox task outside any transaction, retried while the carrier is down,
shown to the producer and operators when the carrier refuses it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.carriers import registry
from shop.carriers.ports import TrackingStatus
from shop.fulfilment import services, waybills
from shop.fulfilment.models import Shipment
from shop.outbox.models import OutboxMessage
from shop.outbox.services import outbox_drain
from tests import factories
from tests.fulfilment.waybill_world import (
    MemoryCarrier,
    confirm,
    lot_of,
    pack,
    producer_client,
    ready_order,
)
from traceability import selectors as trace_selectors
from traceability.models import LotShipment

pytestmark = pytest.mark.django_db
Status, Waybill = Shipment.Status, Shipment.Waybill


@pytest.fixture
def carrier(monkeypatch):
    memory = MemoryCarrier()
    monkeypatch.setattr(registry, "carrier_for", lambda name: memory)
    return memory


@pytest.fixture
def world(client):
    order, honey_maker, tea_maker = ready_order(client)
    honey = order.shipments.get(partner=honey_maker)
    honey_line = order.lines.get(partner=honey_maker)
    user = producer_client(client, honey_maker)
    lot = lot_of(honey_line.product, actor=user)
    confirm(client, honey)
    return {
        "order": order,
        "honey_maker": honey_maker,
        "tea_maker": tea_maker,
        "shipment": honey,
        "line": honey_line,
        "lot": lot,
        "user": user,
    }


def retry_due(now=None):
    """Run the outbox's retries as if their backoff had passed."""
    OutboxMessage.objects.filter(done_at=None).update(next_attempt_at=timezone.now())
    return outbox_drain(inline=True)


def lot_field(world, lot=None):
    return f"lot_{world['line'].pk}_{(lot or world['lot']).pk}"


def test_packing_records_the_lots_and_the_carrier_creates_one_waybill(
    client, world, carrier, django_capture_on_commit_callbacks
):
    shipment = world["shipment"]
    Shipment.objects.filter(pk=shipment.pk).update(cod=Shipment.Cod.DUE, cod_due=370000)
    page = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    html = page.content.decode()
    assert 'name="weight_grams"' in html and 'value="500"' in html  # estimated
    assert f'name="{lot_field(world)}"' in html and 'value="ghn" selected' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = pack(client, shipment, **{lot_field(world): "1", "length_cm": "30",
                                             "width_cm": "20", "height_cm": "10"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]

    shipment.refresh_from_db()
    assert shipment.status == Status.PACKED
    assert shipment.waybill == Waybill.CREATED
    assert shipment.tracking_number == "LB000001VN"
    assert shipment.tracking_status == TrackingStatus.READY_TO_PICK
    assert shipment.sort_code == "TQ-08-A1" and shipment.carrier_fee == Decimal(32000)
    assert shipment.waybill_reference == f"CP{world['order'].number}-{shipment.partner_id}-1"
    assert shipment.waybill_attempts == 1 and shipment.waybill_error == ""
    assert (shipment.weight_grams, shipment.length_cm, shipment.height_cm) == (600, 30, 10)
    assert list(LotShipment.objects.values_list("order_line", "lot", "quantity")) == [
        (world["line"].pk, world["lot"].pk, 1)
    ]
    recall = trace_selectors.lot_recall(lot=world["lot"])  # the recall list reads them
    assert [r.order_line.order.number for r in recall] == [world["order"].number]
    assert carrier.calls == 1 and len(carrier.orders) == 1
    request = carrier.orders[shipment.waybill_reference][1]
    assert request.parcel.cod_amount == Decimal(370000)
    assert request.parcel.weight_grams == 600 and request.parcel.goods_value == Decimal(350000)
    assert request.sender.phone == "+84987654321" and request.receiver.ward_code

    # With a carrier's waybill, the pick-up ships it: no typed tracking number any more.
    detail = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    html = detail.content.decode()
    assert "LB000001VN" in html and 'name="tracking_number"' not in html
    shipped = client.post(
        reverse("producer-orders:advance", kwargs={"pk": shipment.pk}),
        {"to": "shipped", "carrier": "GHTK", "tracking_number": "S1"},
    )
    assert shipped.status_code == 400
    shipment.refresh_from_db()
    assert shipment.status == Status.PACKED and shipment.tracking_number == "LB000001VN"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"LOT": "0"}, "tổng số lượng theo lô"),
        ({"LOT": "2"}, None),  # more than the line's quantity: a field error
        ({}, "tổng số lượng theo lô"),  # the producer has lots of this product: say which
        ({"LOT": "1", "carrier": "dhl"}, None),
        ({"LOT": "1", "weight_grams": "abc"}, None),
        ({"LOT": "1", "weight_grams": "-5"}, None),
        ({"LOT": "1", "weight_grams": ""}, None),
        ({"LOT": "1", "weight_grams": "9999999"}, None),
        ({"LOT": "1", "length_cm": "30"}, "ba kích thước"),
        ({"LOT": "x"}, None),
    ],
)
def test_a_packing_form_with_bad_input_changes_nothing(
    client, world, carrier, django_capture_on_commit_callbacks, data, message
):
    shipment = world["shipment"]
    if "LOT" in data:
        data[lot_field(world)] = data.pop("LOT")
    with django_capture_on_commit_callbacks(execute=True):
        response = pack(client, shipment, **data)
    assert response.status_code == 400
    if message:
        assert message in response.content.decode()  # shown to the producer
    assert response.context["pack_form"].errors
    shipment.refresh_from_db()
    assert shipment.status == Status.CONFIRMED and shipment.waybill == Waybill.NONE
    assert not LotShipment.objects.exists() and carrier.calls == 0


def test_a_lot_of_another_producer_is_refused(client, world, carrier):
    tea_line = world["order"].lines.get(partner=world["tea_maker"])
    tea_lot = lot_of(tea_line.product, actor=factories.producer_user(world["tea_maker"]))
    shipment = world["shipment"]
    response = pack(client, shipment, **{lot_field(world): "1", lot_field(world, tea_lot): "1"})
    assert response.status_code == 400
    assert "không phải của bạn" in str(response.context["pack_form"].errors)
    # Straight to the service too: the check does not rely on the form.
    with pytest.raises(services.ShipmentRefused):
        from shop.fulfilment.packing import shipment_pack

        shipment_pack(
            shipment=shipment,
            actor=world["user"],
            on_behalf=False,
            carrier="ghn",
            weight_grams=500,
            size_cm=None,
            allocations={world["line"].pk: [(tea_lot, 1)]},
        )
    shipment.refresh_from_db()
    assert shipment.status == Status.CONFIRMED and not LotShipment.objects.exists()


def test_a_flagged_lot_is_not_offered(client, world, carrier):
    lot = world["lot"]
    lot.flagged_at = timezone.now()
    lot.save()
    response = pack(client, world["shipment"], **{lot_field(world): "1"})
    assert response.status_code == 400  # the field no longer exists: refused as not theirs
    world["shipment"].refresh_from_db()
    assert world["shipment"].status == Status.CONFIRMED


def test_a_carrier_down_is_retried_with_backoff_and_creates_the_waybill_once(
    client, world, carrier, django_capture_on_commit_callbacks
):
    carrier.down = 2
    shipment = world["shipment"]
    with django_capture_on_commit_callbacks(execute=True):
        assert pack(client, shipment, **{lot_field(world): "1"}).status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == Status.PACKED and shipment.waybill == Waybill.PENDING
    assert shipment.waybill_attempts == 1 and "Hết thời gian chờ" in shipment.waybill_error
    message = OutboxMessage.objects.get(task="fulfilment.create_waybill")
    assert message.done_at is None and "CarrierUnavailable" in message.last_error
    first_delay = message.next_attempt_at - timezone.now()
    assert first_delay > timedelta(seconds=10)
    page = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    assert "Hết thời gian chờ" in page.content.decode()

    retry_due()
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at - timezone.now() > first_delay
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.PENDING and shipment.waybill_attempts == 2

    retry_due()
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CREATED and shipment.waybill_error == ""
    assert shipment.waybill_attempts == 3 and carrier.calls == 3 and len(carrier.orders) == 1
    assert OutboxMessage.objects.get(pk=message.pk).done_at is not None
    assert retry_due() == 0 and carrier.calls == 3


def test_a_time_out_after_the_carrier_made_the_order_finds_it(
    client, world, carrier, django_capture_on_commit_callbacks
):
    carrier.lost_answers = 1
    shipment = world["shipment"]
    with django_capture_on_commit_callbacks(execute=True):
        pack(client, shipment, **{lot_field(world): "1"})
    assert len(carrier.orders) == 1
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.PENDING
    retry_due()
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CREATED and shipment.tracking_number == "LB000001VN"
    assert carrier.calls == 2 and len(carrier.orders) == 1
    # A second copy of the task (two workers, a replayed message) changes nothing.
    assert waybills.waybill_create(shipment_id=shipment.pk) == "skipped"
    assert carrier.calls == 2


def test_an_operator_queues_a_stuck_waybill_again_with_the_same_reference(
    client, world, carrier, django_capture_on_commit_callbacks
):
    carrier.down = 1
    shipment = world["shipment"]
    with django_capture_on_commit_callbacks(execute=True):
        pack(client, shipment, **{lot_field(world): "1"})
    shipment.refresh_from_db()
    reference = shipment.waybill_reference
    operator = Client()
    operator.force_login(factories.operator())
    queue = operator.get(reverse("waybills-dashboard:list"))
    assert queue.status_code == 200 and world["order"].number in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(reverse("waybills-dashboard:retry", kwargs={"pk": shipment.pk}))
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CREATED and shipment.waybill_reference == reference
    assert list(carrier.orders) == [reference]


def test_a_refusal_is_shown_to_producer_and_operators_and_a_fixed_request_works(
    client, world, carrier, django_capture_on_commit_callbacks
):
    carrier.refusal = "Khối lượng vượt quá giới hạn <b>20kg</b>"
    shipment = world["shipment"]
    with django_capture_on_commit_callbacks(execute=True):
        pack(client, shipment, **{lot_field(world): "1"})
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.FAILED and shipment.status == Status.PACKED
    assert shipment.waybill_error.startswith("Khối lượng vượt quá")
    assert not OutboxMessage.objects.filter(  # not retried: refused
        task="fulfilment.create_waybill", done_at=None
    ).exists()

    page = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    html = page.content.decode()
    assert "Khối lượng vượt quá giới hạn &lt;b&gt;20kg&lt;/b&gt;" in html  # escaped
    listing = client.get(reverse("producer-orders:list")).content.decode()
    assert "Vận đơn bị từ chối" in listing
    assert reverse("producer-orders:waybill", kwargs={"pk": shipment.pk}) in html
    operator = Client()
    operator.force_login(factories.operator())
    queue = operator.get(reverse("waybills-dashboard:list")).content.decode()
    assert "Khối lượng vượt quá giới hạn &lt;b&gt;20kg&lt;/b&gt;" in queue

    bad = client.post(
        reverse("producer-orders:waybill", kwargs={"pk": shipment.pk}),
        {"carrier": "", "weight_grams": "400"},
    )
    assert bad.status_code == 400  # a waybill asked again needs a carrier
    carrier.refusal = ""
    with django_capture_on_commit_callbacks(execute=True):
        fixed = client.post(
            reverse("producer-orders:waybill", kwargs={"pk": shipment.pk}),
            {"carrier": "ghtk", "weight_grams": "400"},
        )
    assert fixed.status_code == 302
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CREATED and shipment.carrier == "ghtk"
    assert shipment.weight_grams == 400 and shipment.waybill_reference.endswith("-2")
    assert len(carrier.orders) == 1
    assert (
        world["order"].number
        not in operator.get(reverse("waybills-dashboard:list")).content.decode()
    )
    again = client.post(
        reverse("producer-orders:waybill", kwargs={"pk": shipment.pk}),
        {"carrier": "ghn", "weight_grams": "400"},
    )
    assert again.status_code == 400  # never a second waybill
    assert len(carrier.orders) == 1


def test_the_operators_queue_is_for_staff_with_csrf_and_post_only(client, world, carrier):
    carrier.refusal = "Không phục vụ"
    shipment = world["shipment"]
    pack(client, shipment, **{lot_field(world): "1"})
    Shipment.objects.filter(pk=shipment.pk).update(waybill=Waybill.FAILED)
    retry = reverse("waybills-dashboard:retry", kwargs={"pk": shipment.pk})
    assert client.get(reverse("waybills-dashboard:list")).status_code == 403  # a producer
    assert client.post(retry).status_code == 403
    assert Client().get(reverse("waybills-dashboard:list")).status_code == 302  # to log in
    operator = Client(enforce_csrf_checks=True)
    operator.force_login(factories.operator())
    assert operator.get(retry).status_code == 405
    assert operator.post(retry).status_code == 403  # no CSRF token
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.FAILED


def test_an_operator_cancels_a_created_waybill_and_a_refusal_is_shown(
    client, world, carrier, django_capture_on_commit_callbacks
):
    shipment = world["shipment"]
    with django_capture_on_commit_callbacks(execute=True):
        pack(client, shipment, **{lot_field(world): "1"})
    operator = Client()
    operator.force_login(factories.operator())
    cancel = reverse("waybills-dashboard:cancel", kwargs={"pk": shipment.pk})
    listed = operator.get(reverse("waybills-dashboard:list"), {"state": "created"})
    assert "LB000001VN" in listed.content.decode()

    carrier.refusal = "Đơn hàng đã lấy, không thể hủy"
    refused = operator.post(cancel, follow=True)
    assert "Đơn hàng đã lấy, không thể hủy" in refused.content.decode()
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CREATED and "không thể hủy" in shipment.waybill_error

    carrier.refusal = ""
    operator.post(cancel)
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CANCELLED and carrier.cancelled == ["LB000001VN"]
    assert shipment.tracking_status == TrackingStatus.CANCELLED
    # The producer may then ship it another way, by hand.
    shipped = services.shipment_advance(
        shipment=shipment,
        to=Status.SHIPPED,
        actor=world["user"],
        on_behalf=False,
        carrier="VNPost",
        tracking_number="EB1VN",
    )
    assert shipped.status == Status.SHIPPED


def test_packing_without_a_carrier_is_shipped_by_hand(client, world, carrier):
    shipment = world["shipment"]
    response = pack(client, shipment, carrier="", weight_grams="", **{lot_field(world): "1"})
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == Status.PACKED and shipment.waybill == Waybill.NONE
    assert carrier.calls == 0 and LotShipment.objects.count() == 1
    page = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    assert 'name="tracking_number"' in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_carrier_is_called_outside_any_transaction(carrier):
    client = Client()
    order, honey_maker, _tea = ready_order(client)
    shipment = order.shipments.get(partner=honey_maker)
    user = producer_client(client, honey_maker)
    confirm(client, shipment)
    assert pack(client, shipment).status_code == 302  # no lots: it ships without one
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CREATED
    assert carrier.in_transaction == [False]
    assert user.pk


@pytest.mark.django_db(transaction=True)
def test_two_task_runs_at_once_record_one_waybill(carrier):
    """Two workers run the same creation at once: the carrier (idempotent on the reference)
    makes one order, and the row lock lets one of them record it."""
    import threading

    from django.db import connection

    client = Client()
    order, honey_maker, _tea = ready_order(client)
    shipment = order.shipments.get(partner=honey_maker)
    producer_client(client, honey_maker)
    confirm(client, shipment)
    carrier.down = 1  # the packing's own run fails: the two runs below are the retries
    pack(client, shipment)
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=5)
            outcomes.append(waybills.waybill_create(shipment_id=shipment.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CREATED and len(carrier.orders) == 1
    assert sorted(outcomes) == ["created", "skipped"]
    assert shipment.events.filter(note__contains="LB000001VN").count() == 1

"""Waybills with GHN's adapter against GHN's simulator on a real socket: created once, however
often the carrier times out (even after it made the order), refused with GHN's own words."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.carriers.ports import TrackingStatus
from shop.carriers.simulators import ghn_core
from shop.carriers.simulators.ghn_core import GHNSimulatorCore
from shop.fulfilment import selectors
from shop.fulfilment.models import Shipment
from shop.outbox.models import OutboxMessage
from shop.outbox.services import outbox_drain
from tests.carriers.conftest import http_stub, json_app  # noqa: F401 (http_stub: a fixture)
from tests.fulfilment.waybill_world import confirm, pack, producer_client, ready_order
from traceability.models import LotShipment

pytestmark = pytest.mark.django_db
Waybill = Shipment.Waybill
PREFIX = "/shiip/public-api/"
TIMEOUT = 1.0


@pytest.fixture
def ghn(settings, http_stub):  # noqa: F811
    """GHN's simulator on a socket, the ``ghn`` carrier pointed at it. ``lost`` answers to
    create are delayed past the adapter's timeout after GHN made the order."""
    entry = settings.CARRIERS["ghn"]
    core = GHNSimulatorCore(token=entry["OPTIONS"]["token"], shop_id=entry["OPTIONS"]["shop_id"])
    handle = json_app(core.handle, PREFIX)
    lost = {"answers": 0}

    def app(method, target, headers, body):
        answer = handle(method, target, headers, body)
        if target.endswith("/shipping-order/create") and lost["answers"]:
            lost["answers"] -= 1
            time.sleep(TIMEOUT + 0.5)
        return answer

    served = http_stub(app)
    options = {**entry["OPTIONS"], "api_url": served.url + PREFIX.rstrip("/"), "timeout": TIMEOUT}
    settings.CARRIERS = {**settings.CARRIERS, "ghn": {**entry, "OPTIONS": options}}
    return core, served, lost


@pytest.fixture
def confirmed(client):
    order, honey_maker, _tea = ready_order(client)
    shipment = order.shipments.get(partner=honey_maker)
    producer_client(client, honey_maker)
    confirm(client, shipment)
    return shipment


def retry_due():
    OutboxMessage.objects.filter(done_at=None).update(next_attempt_at=timezone.now())
    return outbox_drain(inline=True)


def test_packing_creates_the_ghn_order(client, ghn, confirmed, django_capture_on_commit_callbacks):
    core, served, _ = ghn
    Shipment.objects.filter(pk=confirmed.pk).update(cod=Shipment.Cod.DUE, cod_due=370000)
    with django_capture_on_commit_callbacks(execute=True):
        assert pack(client, confirmed).status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.waybill == Waybill.CREATED and confirmed.carrier == "ghn"
    assert list(core.orders) == [confirmed.tracking_number]
    order = core.orders[confirmed.tracking_number]
    assert order["client_order_code"] == confirmed.waybill_reference
    assert order["cod_amount"] == 370000 and order["weight"] == 600
    assert order["to_phone"] == "0912345678"
    assert confirmed.tracking_status == TrackingStatus.READY_TO_PICK
    steps = selectors.shipment_timeline(shipment=confirmed).steps
    assert [step.status for step in steps] == [TrackingStatus.READY_TO_PICK]  # the buyer's
    assert confirmed.sort_code == order["sort_code"] and confirmed.carrier_fee > 0
    assert confirmed.label_url.startswith(served.url)
    page = client.get(reverse("producer-orders:detail", kwargs={"pk": confirmed.pk}))
    assert confirmed.label_url.replace("&", "&amp;") in page.content.decode()
    assert not LotShipment.objects.exists()  # no lots of this product: none asked


def test_ghn_down_then_up_creates_one_order(
    client, ghn, confirmed, django_capture_on_commit_callbacks
):
    core, served, _ = ghn
    served.mode = "error500"
    with django_capture_on_commit_callbacks(execute=True):
        pack(client, confirmed)
    retry_due()
    confirmed.refresh_from_db()
    assert confirmed.waybill == Waybill.PENDING and confirmed.waybill_attempts == 2
    assert confirmed.waybill_error and core.orders == {}

    served.mode = "normal"
    retry_due()
    confirmed.refresh_from_db()
    assert confirmed.waybill == Waybill.CREATED and len(core.orders) == 1
    retry_due()
    assert len(core.orders) == 1


def test_a_lost_answer_is_found_at_ghn_not_made_twice(
    client, ghn, confirmed, django_capture_on_commit_callbacks
):
    core, _served, lost = ghn
    lost["answers"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        pack(client, confirmed)
    confirmed.refresh_from_db()
    assert confirmed.waybill == Waybill.PENDING and len(core.orders) == 1
    retry_due()
    confirmed.refresh_from_db()
    assert confirmed.waybill == Waybill.CREATED and len(core.orders) == 1
    assert confirmed.tracking_number == next(iter(core.orders))


def test_ghn_refuses_then_the_producer_fixes_the_weight(
    client, ghn, confirmed, monkeypatch, django_capture_on_commit_callbacks
):
    core, _served, _lost = ghn
    monkeypatch.setattr(ghn_core, "MAX_WEIGHT", 1000)  # a stricter service's limit
    with django_capture_on_commit_callbacks(execute=True):
        pack(client, confirmed, weight_grams="1500")
    confirmed.refresh_from_db()
    assert confirmed.waybill == Waybill.FAILED and "Khối lượng không hợp lệ" in (
        confirmed.waybill_error
    )
    page = client.get(reverse("producer-orders:detail", kwargs={"pk": confirmed.pk}))
    assert "Khối lượng không hợp lệ" in page.content.decode() and core.orders == {}

    with django_capture_on_commit_callbacks(execute=True):
        fixed = client.post(
            reverse("producer-orders:waybill", kwargs={"pk": confirmed.pk}),
            {"carrier": "ghn", "weight_grams": "900"},
        )
    assert fixed.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.waybill == Waybill.CREATED and len(core.orders) == 1
    assert core.orders[confirmed.tracking_number]["weight"] == 900

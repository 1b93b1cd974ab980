"""Each carrier's simulator pushes its real callbacks to our callback URL over HTTP (a live
server): the shipment follows its parcel to delivered; repeated, late, forged and unknown
callbacks change nothing and are logged; the periodic tracking query catches a missed one."""

import uuid

import pytest
from oscar.core.loading import get_model

from shop.carriers.ports import TrackingStatus as T
from shop.fulfilment import reconcile, tasks
from shop.fulfilment.models import CarrierCallback, CarrierEvent, Shipment
from shop.settings.simulators import simulated_carriers
from tests.fulfilment.carrier_drivers import CARRIERS, Driver
from tests.fulfilment.tracking_helpers import packed_shipment, waybill_created

pytestmark = pytest.mark.django_db(transaction=True)
Status = Shipment.Status
Outcome = CarrierCallback.Outcome
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def site(live_server, settings):
    """The carriers' simulators on the live server; they call it back."""
    settings.SITE_URL = live_server.url
    settings.CARRIERS = simulated_carriers(live_server.url)
    return live_server


def shipped_with(client, name):
    """A packed shipment whose waybill the carrier's simulator created (a reference of its
    own: the simulators live as long as the test server, and creating is idempotent)."""
    reference = fresh_reference()
    driver = Driver(name)
    code = driver.create(reference)
    shipment = packed_shipment(client)
    waybill_created(shipment, carrier=name, code=code, reference=reference)
    return driver, shipment, code


def fresh_reference():
    return f"CP-{uuid.uuid4().hex[:10].upper()}"


def outcomes():
    return list(CarrierCallback.objects.order_by("pk").values_list("outcome", flat=True))


def state(shipment):
    shipment.refresh_from_db()
    return (shipment.status, shipment.tracking_status, shipment.tracking_at, shipment.delivered_at)


@pytest.mark.parametrize("name", CARRIERS)
def test_the_carriers_callbacks_take_the_shipment_to_delivered_once(site, client, name):
    driver, shipment, code = shipped_with(client, name)
    for status in (T.PICKED, T.DELIVERING, T.DELIVERED):
        assert driver.push(code, status) == 200, status
    shipment.refresh_from_db()
    assert shipment.status == Status.DELIVERED and shipment.tracking_status == T.DELIVERED
    assert shipment.delivered_at is not None and shipment.shipped_at <= shipment.delivered_at
    assert outcomes() == [Outcome.APPLIED] * 3
    assert list(shipment.carrier_events.values_list("source", flat=True)) == ["webhook"] * 3
    # The carrier sends the last callback again (it does when unsure we got it).
    before = state(shipment)
    status, _answer = driver.last.send()
    assert status == 200
    assert outcomes()[-1] == Outcome.DUPLICATE
    assert state(shipment) == before and shipment.carrier_events.count() == 3


@pytest.mark.parametrize("name", CARRIERS)
def test_a_callback_arriving_after_a_later_one_is_stale_and_changes_nothing(site, client, name):
    driver, shipment, code = shipped_with(client, name)
    driver.push(code, T.PICKED, send=False)  # delayed on the way
    late = driver.last
    assert driver.push(code, T.DELIVERED) == 200
    before = state(shipment)
    assert late.send()[0] == 200
    assert outcomes() == [Outcome.APPLIED, Outcome.STALE]
    assert state(shipment) == before and before[0] == Status.DELIVERED
    assert shipment.carrier_events.get(status=T.PICKED).applied is False


@pytest.mark.parametrize("name", CARRIERS)
def test_a_forged_callback_is_rejected_logged_and_changes_nothing(site, client, name):
    driver, shipment, code = shipped_with(client, name)
    driver.push(code, T.DELIVERED, send=False)
    genuine = driver.last
    before = state(shipment)
    forged_url = genuine.url.replace(f"/{name}/simulator-", f"/{name}/forged-")
    assert forged_url != genuine.url
    status, answer = genuine.send(url=forged_url)
    assert status == 400  # each carrier's refusal; it says nothing of why
    assert b"token" not in answer.lower() and b"simulator" not in answer
    logged = CarrierCallback.objects.get()
    assert logged.outcome == Outcome.REJECTED and logged.carrier == name
    assert state(shipment) == before and not CarrierEvent.objects.exists()
    assert genuine.send()[0] == 200  # the genuine one still goes through
    assert state(shipment)[0] == Status.DELIVERED


def test_an_unknown_carrier_is_a_404(site, client):
    assert client.post("/shipping/callback/dhl/x/", b"{}", "application/json").status_code == 404
    assert not CarrierCallback.objects.exists()


@pytest.mark.parametrize("name", CARRIERS)
def test_a_callback_about_a_parcel_we_do_not_know_is_logged_and_acknowledged(site, client, name):
    driver = Driver(name)
    code = driver.create(fresh_reference())
    shipment = packed_shipment(client)
    assert driver.push(code, T.PICKED) == 200
    logged = CarrierCallback.objects.get()
    assert logged.outcome == Outcome.UNKNOWN and code in logged.code
    shipment.refresh_from_db()
    assert shipment.status == Status.PACKED and not CarrierEvent.objects.exists()


@pytest.mark.parametrize("name", CARRIERS)
def test_a_returned_parcel_returns_the_shipment_and_releases_its_stock(site, client, name):
    driver, shipment, code = shipped_with(client, name)
    lines = list(shipment.order.lines.filter(partner=shipment.partner))
    allocated = {line.pk: line.stockrecord.num_allocated for line in lines}
    for status in (T.PICKED, T.FAILED_ATTEMPT, T.RETURNING, T.RETURNED):
        assert driver.push(code, status) == 200, status
    shipment.refresh_from_db()
    assert shipment.status == Status.RETURNED and shipment.returned_at is not None
    for line in lines:
        line.stockrecord.refresh_from_db()
        assert line.stockrecord.num_allocated == allocated[line.pk] - line.quantity


@pytest.mark.parametrize("name", CARRIERS)
def test_the_tracking_query_catches_a_callback_that_never_came(site, client, name):
    driver, shipment, code = shipped_with(client, name)
    driver.push(code, T.PICKED, send=False)
    driver.push(code, T.DELIVERING, send=False)
    counts = tasks.track_parcels.delay().get()  # the scheduled task (run inline in tests)
    assert counts.get(Outcome.APPLIED, 0) >= 1, counts
    shipment.refresh_from_db()
    assert shipment.status == Status.SHIPPED and shipment.tracking_status == T.DELIVERING
    assert set(shipment.carrier_events.values_list("source", flat=True)) == {"track"}
    again = reconcile.parcels_track()  # nothing new: nothing applied twice
    assert again.get(Outcome.APPLIED, 0) == 0, again


def test_a_carrier_that_is_down_is_skipped_and_the_others_are_tracked(site, client, settings):
    _ghn, down, ghn_code = shipped_with(client, "ghn")
    ghtk, reference = Driver("ghtk"), fresh_reference()
    code = ghtk.create(reference)
    order_two = packed_shipment(client, code="unused")
    up = waybill_created(order_two, carrier="ghtk", code=code, reference=reference)
    ghtk.push(code, T.PICKED, send=False)
    settings.CARRIERS = {
        **settings.CARRIERS,
        "ghn": {
            **settings.CARRIERS["ghn"],
            "OPTIONS": {
                **settings.CARRIERS["ghn"]["OPTIONS"],
                "api_url": "http://127.0.0.1:9/shiip/public-api",
                "timeout": 0.5,
            },
        },
    }
    counts = reconcile.parcels_track()
    assert counts["skipped"] == 1
    up.refresh_from_db()
    down.refresh_from_db()
    assert up.status == Status.SHIPPED
    assert down.status == Status.PACKED and down.tracking_number == ghn_code

"""Returns and replacements travel as parcels made with the carrier port, here GHN's simulator
on a real socket: created once however often the carrier times out, tracked until delivered;
a return back with the producer moves on to the refund, a delivered replacement closes the
case; a refusal is shown to operators, who queue it again."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from shop.carriers.ports import TrackingStatus
from shop.carriers.simulators import ghn_core
from shop.carriers.simulators.ghn_core import GHNSimulatorCore
from shop.complaints import parcels, remedies
from shop.complaints.models import ComplaintParcel, ComplaintStep, Remedy, State
from shop.fulfilment import cod
from shop.outbox.models import OutboxMessage
from tests import factories
from tests.carriers.conftest import http_stub, json_app  # noqa: F401 (http_stub: a fixture)
from tests.complaints.remedy_helpers import complaint_on, decide, kinds, retry_due
from tests.fulfilment.cod_helpers import advance, buyer, owned_by
from tests.fulfilment.waybill_world import ready_order

pytestmark = pytest.mark.django_db
Kind = ComplaintStep.Kind
Parcel = ComplaintParcel
PREFIX = "/shiip/public-api/"
HONEY_DUE = Decimal(350000 + 20000)
TEA_DUE = Decimal(2 * 200000 + 30000)


@pytest.fixture
def ghn(settings, http_stub):  # noqa: F811
    entry = settings.CARRIERS["ghn"]
    core = GHNSimulatorCore(token=entry["OPTIONS"]["token"], shop_id=entry["OPTIONS"]["shop_id"])
    served = http_stub(json_app(core.handle, PREFIX))
    options = {**entry["OPTIONS"], "api_url": served.url + PREFIX.rstrip("/"), "timeout": 1.0}
    settings.CARRIERS = {**settings.CARRIERS, "ghn": {**entry, "OPTIONS": options}}
    return core, served


@pytest.fixture
def delivered(client):
    """The honey of a cash order, delivered by GHN and its cash in; the buyer is Mai."""
    order, honey_maker, tea_maker = ready_order(client)
    mai = buyer()
    owned_by(order, mai)
    honey = advance(order.shipments.get(partner=honey_maker), "delivered")
    cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="webhook:ghn")
    cod.cod_reported(shipment=order.shipments.get(partner=tea_maker), amount=TEA_DUE, source="x")
    honey.refresh_from_db()
    return honey, mai


def settle(run, complaint, remedy):
    producer = complaint.partner.users.first() or factories.producer_user(complaint.partner)
    run(decide, complaint, remedy=remedy, amount=HONEY_DUE - 20000, actor=producer)
    complaint.refresh_from_db()  # as the remedy, run once the decision committed, left it
    return complaint


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def test_a_return_travels_back_then_the_money_follows(ghn, delivered, run):
    core, _served = ghn
    honey, mai = delivered
    complaint = settle(run, complaint_on(honey, wish=Remedy.RETURN, user=mai), Remedy.RETURN)
    assert complaint.state == State.EXECUTING and complaint.execution_error == ""
    parcel = complaint.parcels.get()
    assert parcel.direction == Parcel.Direction.RETURN and parcel.status == Parcel.Status.CREATED
    assert parcel.carrier == "ghn" and parcel.reference == f"{complaint.reference}-TH1"
    at_ghn = core.orders[parcel.tracking_number]
    assert at_ghn["client_order_code"] == parcel.reference
    assert at_ghn["cod_amount"] == 0  # nothing to collect on a return
    assert at_ghn["from_phone"] == "0912345678"  # from the buyer ...
    assert at_ghn["to_phone"] == "0987654321"  # ... to the producer's pick-up phone
    assert kinds(complaint)[-1] == Kind.PARCEL
    page = Client()
    page.force_login(factories.operator())
    assert complaint.reference not in page.get(reverse("complaint-payouts:list")).content.decode()

    # The task again: no second parcel, no second GHN order.
    assert remedies.remedy_execute(complaint_id=complaint.pk) == "parcel"
    assert complaint.parcels.count() == 1 and len(core.orders) == 1

    assert run(parcels.parcels_track)["delivered"] == 0  # not picked up yet
    core.advance(parcel.tracking_number, TrackingStatus.PICKED)
    run(parcels.parcels_track)
    parcel.refresh_from_db()
    assert parcel.tracking_status == TrackingStatus.PICKED
    core.advance(parcel.tracking_number, TrackingStatus.DELIVERED)
    assert run(parcels.parcels_track)["delivered"] == 1
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.DELIVERED and parcel.delivered_at is not None
    complaint.refresh_from_db()
    # Back with the producer: the refund is due (cash order: the buyer's account is asked).
    assert kinds(complaint)[-2:] == [Kind.PARCEL_ARRIVED, Kind.PAYOUT_ASKED]
    listing = page.get(reverse("complaint-payouts:list")).content.decode()
    assert complaint.reference in listing
    assert run(parcels.parcels_track)["tracked"] == 0  # delivered parcels are not asked again


def test_a_replacement_delivered_closes_the_case(ghn, delivered, run):
    core, _served = ghn
    honey, mai = delivered
    complaint = settle(run, complaint_on(honey, wish=Remedy.REPLACE, user=mai), Remedy.REPLACE)
    parcel = complaint.parcels.get()
    assert parcel.direction == Parcel.Direction.REPLACEMENT
    at_ghn = core.orders[parcel.tracking_number]
    assert at_ghn["to_phone"] == "0912345678" and at_ghn["cod_amount"] == 0  # to the buyer, free
    core.advance(parcel.tracking_number, TrackingStatus.DELIVERED)
    run(parcels.parcels_track)
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED and complaint.refund is None
    assert kinds(complaint)[-2:] == [Kind.PARCEL_ARRIVED, Kind.RESOLVED]
    shown = render_to_string("complaints/partials/parcels.html", {"complaint": complaint})
    assert parcel.tracking_number in shown and "Giao Hàng Nhanh" in shown


def test_ghn_down_then_up_makes_one_parcel(ghn, delivered, run):
    core, served = ghn
    honey, mai = delivered
    served.mode = "error500"
    complaint = settle(run, complaint_on(honey, wish=Remedy.REPLACE, user=mai), Remedy.REPLACE)
    parcel = complaint.parcels.get()
    assert parcel.status == Parcel.Status.PENDING and parcel.attempts == 1 and parcel.error
    assert complaint.execution_error and kinds(complaint)[-1] == Kind.EXECUTION_FAILED
    message = OutboxMessage.objects.get(task="complaints.remedy_execute")
    assert message.done_at is None and "RemedyRetry" in message.last_error
    assert core.orders == {}

    served.mode = "normal"
    retry_due()
    parcel.refresh_from_db()
    complaint.refresh_from_db()
    assert parcel.status == Parcel.Status.CREATED and parcel.attempts == 2
    assert complaint.execution_error == "" and len(core.orders) == 1
    retry_due()
    assert len(core.orders) == 1 and complaint.parcels.count() == 1


def test_a_refused_parcel_waits_for_an_operator_who_queues_it_again(
    ghn, delivered, run, monkeypatch
):
    core, _served = ghn
    honey, mai = delivered
    monkeypatch.setattr(ghn_core, "MAX_WEIGHT", 100)
    complaint = settle(run, complaint_on(honey, wish=Remedy.RETURN, user=mai), Remedy.RETURN)
    parcel = complaint.parcels.get()
    assert parcel.status == Parcel.Status.FAILED and "Khối lượng" in parcel.error
    assert "Khối lượng" in complaint.execution_error
    assert OutboxMessage.objects.get(task="complaints.remedy_execute").done_at is not None
    page = Client()
    page.force_login(factories.operator())
    assert "Khối lượng" in page.get(reverse("complaint-payouts:list")).content.decode()

    monkeypatch.setattr(ghn_core, "MAX_WEIGHT", 30000)
    retry = reverse("complaint-payouts:retry", kwargs={"pk": complaint.pk})
    assert run(page.post, retry).status_code == 302
    second = complaint.parcels.order_by("pk").last()
    assert second.reference == f"{complaint.reference}-TH2"
    assert second.status == Parcel.Status.CREATED and len(core.orders) == 1
    complaint.refresh_from_db()
    assert complaint.execution_error == ""


def test_a_lost_parcel_is_shown_to_operators(ghn, delivered, run):
    core, _served = ghn
    honey, mai = delivered
    complaint = settle(run, complaint_on(honey, wish=Remedy.REPLACE, user=mai), Remedy.REPLACE)
    parcel = complaint.parcels.get()
    core.advance(parcel.tracking_number, TrackingStatus.LOST)
    assert run(parcels.parcels_track)["failed"] == 1
    parcel.refresh_from_db()
    complaint.refresh_from_db()
    assert parcel.status == Parcel.Status.CANCELLED
    assert (
        complaint.state == State.EXECUTING and parcel.tracking_number in complaint.execution_error
    )

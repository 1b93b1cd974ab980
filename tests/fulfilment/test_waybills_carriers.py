"""Each carrier's waybill end to end on the site: the producer packs with GHN, GHTK or Viettel
Post, the registry's adapter asks that carrier's simulator (served by the live server), the
label carries its order code, and an operator can cancel it there."""

import pypdfium2
import pytest
import zxingcpp
from django.test import Client, override_settings
from django.urls import reverse

from shop.carriers import registry
from shop.carriers.ports import TrackingStatus
from shop.fulfilment.models import Shipment
from shop.settings.simulators import simulated_carriers
from tests import factories
from tests.fulfilment.waybill_world import confirm, pack, producer_client, ready_order

pytestmark = pytest.mark.django_db(transaction=True)
Waybill = Shipment.Waybill


@pytest.fixture
def site(live_server):
    with override_settings(CARRIERS=simulated_carriers(live_server.url), SITE_URL=live_server.url):
        yield live_server


@pytest.mark.parametrize("name", ["ghn", "ghtk", "viettelpost"])
def test_a_waybill_from_each_carrier_prints_and_cancels(site, name):
    client = Client()
    order, honey_maker, _tea = ready_order(client)
    shipment = order.shipments.get(partner=honey_maker)
    producer_client(client, honey_maker)
    confirm(client, shipment)
    assert pack(client, shipment, carrier=name).status_code == 302
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CREATED, shipment.waybill_error
    assert shipment.carrier == name and shipment.tracking_number
    assert shipment.tracking_status == TrackingStatus.READY_TO_PICK
    code = shipment.tracking_number
    assert registry.carrier_for(name).track(code)  # the carrier knows the parcel

    label = client.get(reverse("producer-orders:label", kwargs={"pk": shipment.pk}))
    page = pypdfium2.PdfDocument(label.content)[0]
    assert code in page.get_textpage().get_text_range()
    read = zxingcpp.read_barcodes(page.render(scale=4).to_pil())
    assert code in [r.text for r in read if r.format == zxingcpp.BarcodeFormat.Code128]

    operator = Client()
    operator.force_login(factories.operator())
    cancel = reverse("waybills-dashboard:cancel", kwargs={"pk": shipment.pk})
    assert operator.post(cancel).status_code == 302
    shipment.refresh_from_db()
    assert shipment.waybill == Waybill.CANCELLED, shipment.waybill_error
    statuses = [u.status for u in registry.carrier_for(name).track(code)]
    assert statuses[-1] == TrackingStatus.CANCELLED

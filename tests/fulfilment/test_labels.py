"""The A6 shipping label and packing slip: the carrier's order code as text and as a Code128
barcode, the cash to collect, and each lot's origin QR code, which scans to the lot's page.
Only the shipment's producer (or an operator) gets it, as a download."""

import pypdfium2
import pytest
import zxingcpp
from django.test import Client
from django.urls import reverse

from shop.carriers import registry
from shop.fulfilment.models import Shipment
from tests import factories
from tests.fulfilment.waybill_world import (
    MemoryCarrier,
    confirm,
    lot_of,
    pack,
    producer_client,
    ready_order,
)
from traceability.selectors import lot_uri

pytestmark = pytest.mark.django_db


@pytest.fixture
def packed(client, monkeypatch, django_capture_on_commit_callbacks):
    carrier = MemoryCarrier()
    monkeypatch.setattr(registry, "carrier_for", lambda name: carrier)
    order, honey_maker, tea_maker = ready_order(client)
    shipment = order.shipments.get(partner=honey_maker)
    line = order.lines.get(partner=honey_maker)
    user = producer_client(client, honey_maker)
    lot = lot_of(line.product, actor=user, code="MO-BH-2611")
    Shipment.objects.filter(pk=shipment.pk).update(cod=Shipment.Cod.DUE, cod_due=370000)
    confirm(client, shipment)
    with django_capture_on_commit_callbacks(execute=True):
        assert pack(client, shipment, **{f"lot_{line.pk}_{lot.pk}": "1"}).status_code == 302
    shipment.refresh_from_db()
    return {"shipment": shipment, "lot": lot, "order": order, "tea_maker": tea_maker}


def pages(pdf: bytes):
    document = pypdfium2.PdfDocument(pdf)
    return [
        (page.get_textpage().get_text_range(), page.render(scale=4).to_pil()) for page in document
    ]


def test_the_producer_prints_a_label_whose_codes_scan(client, packed):
    shipment = packed["shipment"]
    detail = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    label_url = reverse("producer-orders:label", kwargs={"pk": shipment.pk})
    assert label_url in detail.content.decode()  # the print button

    response = client.get(label_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    rendered = pages(response.content)
    assert len(rendered) >= 2
    (label_text, label_image), (slip_text, slip_image) = rendered[0], rendered[1]
    assert pypdfium2.PdfDocument(response.content)[0].get_size() == pytest.approx(
        (297.6, 419.5), abs=1
    )  # A6, in points

    assert "LB000001VN" in label_text and "TQ-08-A1" in label_text
    assert "370.000 ₫" in label_text  # the cash to collect
    assert "Phạm Thị Mai" in label_text and "+84912345678" in label_text
    assert "HTX Mật ong Đồng Văn" in label_text and packed["order"].number in label_text
    barcodes = zxingcpp.read_barcodes(label_image)
    code128 = zxingcpp.BarcodeFormat.Code128
    assert [(b.format, b.text) for b in barcodes] == [(code128, "LB000001VN")]

    assert "MO-BH-2611" in slip_text and "Mật ong bạc hà 500ml" in slip_text
    codes = zxingcpp.read_barcodes(slip_image)
    assert [c.text for c in codes] == [lot_uri(packed["lot"])]
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode


def test_a_prepaid_parcel_says_nothing_to_collect(client, packed):
    shipment = packed["shipment"]
    Shipment.objects.filter(pk=shipment.pk).update(cod=Shipment.Cod.NONE, cod_due=0)
    response = client.get(reverse("producer-orders:label", kwargs={"pk": shipment.pk}))
    text = pages(response.content)[0][0]
    assert "370.000" not in text
    assert "không thu tiền" in text.lower()


def test_nobody_else_gets_the_label(client, packed):
    shipment = packed["shipment"]
    producer_url = reverse("producer-orders:label", kwargs={"pk": shipment.pk})
    operator_url = reverse("waybills-dashboard:label", kwargs={"pk": shipment.pk})

    other = Client()
    other.force_login(factories.producer_user(packed["tea_maker"]))
    assert other.get(producer_url).status_code == 404
    assert other.get(operator_url).status_code == 403

    buyer = Client()
    buyer.force_login(_buyer())
    assert buyer.get(producer_url).status_code == 403
    assert buyer.get(operator_url).status_code == 403
    anonymous = Client().get(producer_url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]

    operator = Client()
    operator.force_login(factories.operator())
    response = operator.get(operator_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "LB000001VN" in pages(response.content)[0][0]


def test_a_shipment_not_packed_yet_has_no_label(client, packed):
    tea = packed["order"].shipments.get(partner=packed["tea_maker"])
    producer_client(client, packed["tea_maker"])
    response = client.get(reverse("producer-orders:label", kwargs={"pk": tea.pk}))
    assert response.status_code == 302


def _buyer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("buyer", "buyer@example.com", "pw-123456789")


def test_a_line_split_between_two_lots_gets_both_origin_codes(
    client, packed, django_capture_on_commit_callbacks
):
    tea_maker = packed["tea_maker"]
    tea = packed["order"].shipments.get(partner=tea_maker)
    line = packed["order"].lines.get(partner=tea_maker)  # two packets of tea
    user = producer_client(client, tea_maker)
    first = lot_of(line.product, actor=user, code="CHE-2611-A")
    second = lot_of(line.product, actor=user, code="CHE-2611-B")
    confirm(client, tea)
    split = {f"lot_{line.pk}_{first.pk}": "1", f"lot_{line.pk}_{second.pk}": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        assert pack(client, tea, **split).status_code == 302
    assert sorted(line.lot_shipments.values_list("lot__code", "quantity")) == [
        ("CHE-2611-A", 1),
        ("CHE-2611-B", 1),
    ]
    response = client.get(reverse("producer-orders:label", kwargs={"pk": tea.pk}))
    slip_text, slip_image = pages(response.content)[1]
    assert "CHE-2611-A" in slip_text and "CHE-2611-B" in slip_text
    assert sorted(c.text for c in zxingcpp.read_barcodes(slip_image)) == sorted(
        [lot_uri(first), lot_uri(second)]
    )

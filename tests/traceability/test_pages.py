"""The traceability pages: lot page and proof bundle, labels, inspectors, scanner, recall."""

from __future__ import annotations

import hashlib
import io
import json
import re
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from tests import factories
from tests.traceability.conftest import PASSPHRASE
from traceability import selectors, services, tasks
from traceability.heads import lot_key
from traceability.models import Event, InspectorKey, Lot
from traceability.proofs import Domain, attestation_signer

pytestmark = pytest.mark.django_db

PHONE_BROWSER = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
)


def render_pdf(data: bytes, *, dpi: int = 200):
    document = pypdfium2.PdfDocument(data)
    try:
        pages = [page.render(scale=dpi / 72).to_pil() for page in document]
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return pages, text


def test_lot_page_in_vietnamese_and_english(client, make_lot, tester_chain):
    client.defaults["HTTP_USER_AGENT"] = PHONE_BROWSER
    lot = make_lot()
    path = f"/01/{lot.gtin14}/10/{lot.code}"
    assert lot.get_absolute_url() == path
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chờ ghi lên sổ cái" in html and lot.producer.name in html and "Xã Đồng Văn" in html
    tasks.anchor_pending.delay()
    english = client.get("/en" + path).content.decode()
    assert 'lang="en"' in english and "Origin verified" in english
    # One visitor (the same browser) reading the page twice is one scan.
    assert "Scanned by 1 person (each counted once a day)." in english
    lot.refresh_from_db()
    assert lot.scan_count == 1 and lot.first_scanned_at is not None
    assert response["Cache-Control"].startswith("max-age=0")


def test_unknown_lot_is_404_and_a_bad_gtin_400(client, make_lot):
    lot = make_lot()
    assert client.get(f"/01/{lot.gtin14}/10/NOPE").status_code == 404
    wrong = lot.gtin14[:-1] + str((int(lot.gtin14[-1]) + 1) % 10)
    assert client.get(f"/01/{wrong}/10/{lot.code}").status_code == 400  # GS1 resolver rules


def test_proof_bundle_round_trip(client, make_lot, tester_chain, inspector):
    lot = make_lot()
    services.inspection_record(
        lot=lot, inspector=inspector, result="pass", notes="Đạt", passphrase=PASSPHRASE
    )
    tasks.anchor_pending.delay()
    response = client.get(f"/01/{lot.gtin14}/10/{lot.code}?format=json")
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    bundle = json.loads(response.content)
    assert set(bundle) == {"version", "lot", "events", "head", "absences", "attestations"}
    assert bundle["version"] == 2
    assert bundle["lot"] == {
        "gtin": lot.gtin14,
        "lot": lot.code,
        "uri": f"http://127.0.0.1:8000/01/{lot.gtin14}/10/{lot.code}",
        "key": lot_key(lot.epc_class),
    }
    first, second = bundle["events"]
    assert set(first) == {"event", "digest", "disclosures", "signature", "anchor"}
    assert first["signature"] is None
    assert set(first["anchor"]) == {
        "root", "proof", "chainId", "contract", "txHash", "blockNumber", "anchoredAt"
    }  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first["anchor"]["anchoredAt"])
    assert second["signature"]["scheme"] == "EIP-712"
    stored = Event.objects.get(digest=second["digest"])
    assert json.loads(stored.canonical) == second["event"]
    domain = Domain(chain_id=first["anchor"]["chainId"], contract=first["anchor"]["contract"])
    signer = attestation_signer(
        digest=second["digest"], domain=domain, signature=second["signature"]["value"]
    )
    assert signer == second["signature"]["signer"] == InspectorKey.objects.get().address
    assert selectors.lot_check(lot=lot).verdict.ok


def test_epcis_export(client, make_lot):
    lot = make_lot()
    services.event_record(lot=lot, biz_step="shipping", actor=None, quantity=Decimal("12.5"))
    response = client.get(f"/01/{lot.gtin14}/10/{lot.code}?format=epcis")
    assert response["Content-Type"] == "application/ld+json"
    document = json.loads(response.content)
    assert document["type"] == "EPCISDocument" and document["schemaVersion"] == "2.0"
    assert "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld" in document["@context"]
    first, second = document["epcisBody"]["eventList"]
    assert first["type"] == "ObjectEvent" and first["action"] == "ADD"
    assert first["bizStep"] == "commissioning" and first["quantityList"][0]["quantity"] == 120.5
    assert second["bizStep"] == "shipping" and second["disposition"] == "in_transit"
    assert second["chophien:prevDigest"] == first["chophien:digest"]


def test_producer_records_a_lot_and_downloads_labels_with_a_scannable_qr(client, settings):
    maker = factories.producer()
    product = factories.product("Mật ong bạc hà Đồng Văn 500ml", maker=maker)
    user = factories.producer_user(maker, email="sinh@example.vn")
    client.force_login(user)
    # the notes become public and permanent: the form says so before anyone writes a name
    form_page = client.get(reverse("traceability:lot-create")).content.decode()
    assert "đừng ghi tên, số điện thoại hay địa chỉ của bất kỳ ai" in form_page
    response = client.post(
        reverse("traceability:lot-create"),
        {
            "product": product.pk,
            "code": "MO/2025.11",
            "production_date": "2025-11-20",
            "quantity": "80",
            "unit": "KGM",
            "details": "Thu hoạch vụ bạc hà",
            "attachment": SimpleUploadedFile("anh.pdf", b"%PDF-1.4 anh", "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    lot = Lot.objects.get(code="MO/2025.11")
    attachment = lot.events.get().attachments.get()
    assert attachment.sha256 == hashlib.sha256(b"%PDF-1.4 anh").hexdigest()
    assert lot.events.get().payload["chophien:attachments"][0]["sha256"] == attachment.sha256

    settings.SITE_URL = "https://chophien.example.vn"
    pdf = client.get(reverse("traceability:lot-labels", kwargs={"pk": lot.pk}) + "?count=25")
    assert pdf["Content-Type"] == "application/pdf"
    pages, text = render_pdf(pdf.content)
    assert len(pages) == 2  # 21 to a sheet
    assert "Quét để xác minh" in text and "nguồn gốc" in text and "Lô: MO/2025.11" in text
    assert "Mật ong bạc hà" in text
    codes = zxingcpp.read_barcodes(pages[0])
    uri = f"https://chophien.example.vn/01/{lot.gtin14}/10/MO%2F2025.11"
    assert len(codes) == 21 and {c.text for c in codes} == {uri}
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode
    # the URI from the label opens the lot
    assert client.get(uri.removeprefix("https://chophien.example.vn")).status_code == 200


def test_only_the_producer_or_staff_manage_a_lot(client, make_lot, django_user_model):
    lot = make_lot()
    stranger = django_user_model.objects.create_user("x", "x@example.vn", "pw-123456")
    client.force_login(stranger)
    for name in ("traceability:lot-manage", "traceability:lot-labels"):
        assert client.get(reverse(name, kwargs={"pk": lot.pk})).status_code in (403, 404)


def test_inspector_signs_an_inspection_through_the_form(client, make_lot, inspector):
    lot = make_lot()
    client.force_login(inspector)
    queue = client.get(reverse("traceability:inspections")).content.decode()
    assert lot.code in queue
    url = reverse("traceability:inspect", kwargs={"pk": lot.pk})
    wrong = client.post(url, {"result": "pass", "notes": "Đạt", "passphrase": "sai mật khẩu"})
    assert "Mật khẩu ký không đúng" in wrong.content.decode()
    report = io.BytesIO(b"%PDF-1.4 lab report")
    report.name = "phieu-kiem-nghiem.pdf"
    response = client.post(
        url, {"result": "pass", "notes": "Đạt", "passphrase": PASSPHRASE, "lab_report": report}
    )
    assert response.status_code == 302
    event = lot.events.order_by("seq").last()
    assert event.biz_step == "inspecting" and event.signer == inspector.inspector_keys.get().address
    assert event.payload["disposition"] == "conformant"
    assert event.attachments.get().name == "phieu-kiem-nghiem.pdf"
    assert lot.code not in client.get(reverse("traceability:inspections")).content.decode()
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Ghi kết quả kiểm tra" in page and event.digest in page  # the inspector's view
    assert "được công nhận trên sổ cái" in page


def test_keystore_is_v3_scrypt_and_the_key_is_never_stored_in_clear(inspector):
    key = InspectorKey.objects.get(user=inspector)
    assert key.keystore["version"] == 3 and key.keystore["crypto"]["kdf"] == "scrypt"
    assert "private" not in json.dumps(key.keystore).lower()


def test_a_flagged_lot_stops_its_product_being_sold_at_once(client, make_lot, inspector):
    product = factories.product(stock=10)
    other = factories.product("Chè Shan Tuyết 200g", stock=10)
    lot = make_lot(product)
    Selector = get_class("partner.strategy", "Selector")
    assert Selector().strategy().fetch_for_product(product).availability.is_available_to_buy
    services.inspection_record(
        lot=lot,
        inspector=inspector,
        result="fail",
        notes="Dư lượng kháng sinh",
        passphrase=PASSPHRASE,
    )
    info = Selector().strategy().fetch_for_product(product)
    assert not info.availability.is_available_to_buy
    assert Selector().strategy().fetch_for_product(other).availability.is_available_to_buy
    response = client.post(
        reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1}, follow=True
    )
    Basket = get_model("basket", "Basket")
    assert not Basket.objects.filter(lines__product=product).exists(), response.status_code
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "không đạt kiểm tra" in page and "Dư lượng kháng sinh" in page
    # a later passing inspection puts it back on sale
    services.inspection_record(
        lot=lot, inspector=inspector, result="pass", notes="Tái kiểm đạt", passphrase=PASSPHRASE
    )
    assert Selector().strategy().fetch_for_product(product).availability.is_available_to_buy


def test_scanner_page_serves_the_qr_library_and_finds_lots_by_code(client, make_lot, inspector):
    lot = make_lot(code="CHE-001")
    client.force_login(inspector)
    html = client.get(reverse("traceability:scanner")).content.decode()
    assert "/static/vendor/jsqr/jsQR.js" in html and "/static/traceability/scanner.js" in html
    assert finders.find("vendor/jsqr/jsQR.js") and finders.find("traceability/scanner.js")
    found = client.get(reverse("traceability:scanner"), {"code": "che-001"})
    assert found.status_code == 302 and found["Location"] == lot.get_absolute_url()
    assert client.get(reverse("traceability:scanner"), {"code": "KHONG"}).status_code == 200


def test_scanner_is_for_inspectors(client, django_user_model):
    assert client.get(reverse("traceability:scanner")).status_code == 302
    buyer = django_user_model.objects.create_user("b", "b@example.vn", "pw-123456")
    client.force_login(buyer)
    assert client.get(reverse("traceability:scanner")).status_code == 403


def place_order(product, *, quantity: int, email: str):
    Basket = get_model("basket", "Basket")
    Country = get_model("address", "Country")
    ShippingAddress = get_model("order", "ShippingAddress")
    OrderCreator = get_class("order.utils", "OrderCreator")
    OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
    Free = get_class("shipping.methods", "Free")
    Selector = get_class("partner.strategy", "Selector")
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="VN", defaults={"name": "Việt Nam", "printable_name": "Việt Nam"}
    )
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    basket.add_product(product, quantity)
    address = ShippingAddress.objects.create(
        first_name="Mai", last_name="Phạm", line1="12 Phố Cổ", line4="Hà Nội", country=country
    )
    method = Free()
    charge = method.calculate(basket)
    order = OrderCreator().place_order(
        basket=basket,
        total=OrderTotalCalculator().calculate(basket, charge),
        shipping_method=method,
        shipping_charge=charge,
        shipping_address=address,
        guest_email=email,
    )
    order.refresh_from_db()
    return order


def test_recall_lists_every_order_that_received_a_lot(client, make_lot, django_user_model):
    product = factories.product(stock=50)
    lot, other_lot = make_lot(product), make_lot(product)
    first = place_order(product, quantity=3, email="mai@example.vn")
    second = place_order(product, quantity=2, email="lan@example.vn")
    third = place_order(product, quantity=1, email="khac@example.vn")
    services.lot_shipment_record(order_line=first.lines.get(), lot=lot, quantity=3)
    manager = factories.producer_user(product.producer, email="nsx@example.vn")
    client.force_login(manager)
    manage_url = reverse("traceability:lot-manage", kwargs={"pk": lot.pk})
    form = {"shipment-order_number": second.number, "shipment-quantity": "1"}
    assert client.post(manage_url, form).status_code == 302  # the producer records it
    wrong = client.post(manage_url, {**form, "shipment-order_number": "KHONG-CO"})
    assert "Đơn hàng này không có dòng nào" in wrong.content.decode()
    services.lot_shipment_record(order_line=second.lines.get(), lot=other_lot, quantity=1)
    services.lot_shipment_record(order_line=third.lines.get(), lot=other_lot, quantity=1)
    with pytest.raises(ValidationError, match="Vượt quá số lượng"):
        services.lot_shipment_record(order_line=first.lines.get(), lot=other_lot, quantity=1)

    operator = django_user_model.objects.create_user("op", "op@example.vn", "pw-123456")
    operator.is_staff = True
    operator.save()
    client.force_login(operator)
    url = reverse("traceability:lot-recall", kwargs={"pk": lot.pk})
    html = client.get(url).content.decode()
    assert first.number in html and second.number in html and third.number not in html
    assert "mai@example.vn" in html and "12 Phố Cổ" in html
    data = client.get(url, {"format": "json"}).json()
    assert [(o["order"], o["quantity"]) for o in data["orders"]] == [
        (first.number, 3),
        (second.number, 1),
    ]
    buyer = django_user_model.objects.create_user("b", "b@example.vn", "pw-123456")
    client.force_login(buyer)
    assert client.get(url).status_code == 403


def test_healthz_reports_the_chain(client, tester_chain, settings):
    settings.CHAIN_RPC_URL = ""
    body = client.get("/healthz").json()
    assert body["checks"]["chain"]["ok"] is True
    settings.CHAIN_RPC_URL = "http://127.0.0.1:9"
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["chain"]["ok"] is False


def test_operator_accredits_an_inspector_from_the_page(
    client, tester_chain, django_user_model, django_capture_on_commit_callbacks
):
    from traceability import ledger

    _web3, registry = tester_chain
    user = django_user_model.objects.create_user("kd", "kd@example.vn", "pw-123456")
    key = services.inspector_key_create(user=user, passphrase=PASSPHRASE)
    operator = django_user_model.objects.create_user("op", "op@example.vn", "pw-123456")
    operator.is_staff = True
    operator.save()
    client.force_login(operator)
    url = reverse("traceability:operator")
    assert key.address in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"key": key.pk, "allowed": "1"})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.accredited_at is not None
    assert ledger.reader(registry=registry).is_inspector(key.address)


def test_a_scan_costs_no_rpc_once_the_chain_answers_are_cached(
    client, make_lot, inspector, monkeypatch
):
    from traceability import ledger

    lot = make_lot()
    services.inspection_record(
        lot=lot, inspector=inspector, result="pass", notes="Đạt", passphrase=PASSPHRASE
    )
    tasks.anchor_pending.delay()
    reader, calls = ledger._reader, []

    def counted(domain):
        calls.append(domain)
        return reader(domain)

    monkeypatch.setattr(ledger, "_reader", counted)
    path = f"/en/01/{lot.gtin14}/10/{lot.code}"
    client.defaults["HTTP_USER_AGENT"] = PHONE_BROWSER
    first = client.get(path).content.decode()
    assert "Origin verified" in first and "accredited on the ledger" in first
    assert calls  # the first scan asks the chain (root anchored? signer accredited?)
    calls.clear()
    again = client.get(path).content.decode()
    assert "Origin verified" in again and "accredited on the ledger" in again
    assert calls == []  # later scans are answered from the cache
    lot.refresh_from_db()
    assert lot.scan_count == 1

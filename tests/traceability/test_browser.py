"""In headless Chromium on a phone: an inspector signs an inspection, the batch is anchored, and
a buyer opens the lot's URI decoded (zxing-cpp) from the printed label's QR code: verified."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.traceability.test_pages import render_pdf
from traceability import tasks
from traceability.models import AnchorBatch, InspectorKey

pytestmark = [pytest.mark.e2e, pytest.mark.chain, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "mật khẩu ký rất dài"


def logged_in(chromium, live_server, user):
    """A phone-sized browser context carrying ``user``'s session."""
    client = Client()
    client.force_login(user)
    context = chromium.new_context(
        viewport={"width": 360, "height": 780}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_inspector_signs_batch_anchors_buyer_scans_label_and_sees_verified(
    django_db_setup,
    live_server,
    request,
    make_lot,
    anvil_chain,
    settings,
    django_user_model,
    tmp_path,
):
    # the database first, then the browser (Playwright's event loop must not see its setup)
    chromium = request.getfixturevalue("browser")
    buyer = request.getfixturevalue("phone")
    shoot = request.getfixturevalue("screenshot")
    settings.SITE_URL = live_server.url
    maker = factories.producer()
    product = factories.product("Mật ong bạc hà Đồng Văn 500ml", maker=maker)
    producer = factories.producer_user(maker, email="sinh@example.vn")
    lot = make_lot(product, code="MO-2511-07", actor=producer)
    inspector = django_user_model.objects.create_user("hung", "hung@example.vn", "pw-123456")
    inspector.groups.add(Group.objects.get_or_create(name="Inspectors")[0])

    # The inspector creates a signing key; an operator accredits it on chain.
    context, page = logged_in(chromium, live_server, inspector)
    page.goto(live_server.url + reverse("traceability:inspections"))
    page.get_by_role("link", name="Tạo khoá ký").click()
    page.get_by_label("Mật khẩu ký").fill(PASSPHRASE)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSPHRASE)
    page.get_by_role("button", name="Tạo khoá ký của tôi").click()
    expect(page.get_by_text("Khoá ký của bạn đã sẵn sàng.")).to_be_visible()
    call_command("trace_accredit", "hung@example.vn")
    assert InspectorKey.objects.get(user=inspector).accredited_at is not None

    # ... and signs an inspection of the lot, with the lab report attached.
    page.goto(live_server.url + reverse("traceability:inspections"))
    page.get_by_role("link", name=re.compile("MO-2511-07")).click()
    page.get_by_label("Đạt", exact=True).check()
    page.get_by_label("Ghi chú").fill("Mẫu đạt chỉ tiêu an toàn thực phẩm.")
    lab_report = tmp_path / "phieu-kiem-nghiem.pdf"
    lab_report.write_bytes(b"%PDF-1.4 ket qua kiem nghiem")
    page.get_by_label("Phiếu kết quả kiểm nghiệm").set_input_files(str(lab_report))
    page.get_by_label("Mật khẩu ký").fill(PASSPHRASE)
    page.get_by_role("button", name="Ký và ghi nhận").click()
    expect(page.locator(".lot-status-title")).to_have_text("Chờ ghi lên sổ cái")
    expect(page.locator(".signoff")).to_contain_text("được công nhận trên sổ cái")
    shoot(page, "trace-inspector-signed-360")
    context.close()

    # The beat task anchors the batch.
    tasks.anchor_pending.delay()
    assert AnchorBatch.objects.get().state == AnchorBatch.State.CONFIRMED

    # The producer prints the label sheet; its QR code holds the lot's URI.
    producer_client = Client()
    producer_client.force_login(producer)
    pdf = producer_client.get(reverse("traceability:lot-labels", kwargs={"pk": lot.pk}))
    pages, _text = render_pdf(pdf.content)
    decoded = {code.text for code in zxingcpp.read_barcodes(pages[0])}
    assert len(decoded) == 1
    uri = decoded.pop()
    assert uri == f"{live_server.url}/01/{lot.gtin14}/10/MO-2511-07"

    # A buyer scans it with a phone: the lot is verified on the ledger.
    buyer.goto(uri)
    expect(buyer.locator("html")).to_have_attribute("lang", "vi")
    expect(buyer.get_by_role("heading", level=1)).to_have_text(product.title)
    expect(buyer.locator(".lot-status-title")).to_have_text("Nguồn gốc đã được kiểm chứng")
    expect(buyer.locator(".lot-proof")).to_contain_text("31337")
    expect(buyer.locator(".timeline-item")).to_have_count(2)
    expect(buyer.locator(".timeline-item").nth(1)).to_contain_text("Kiểm tra")
    expect(buyer.locator(".lot-scans")).to_contain_text("1 người đã quét")
    width = buyer.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    shoot(buyer, "trace-buyer-verified-360")


def test_the_scanner_page_decodes_a_label_with_the_served_qr_library(
    django_db_setup, live_server, request, make_lot, django_user_model, settings
):
    import base64
    import io

    chromium = request.getfixturevalue("browser")
    settings.SITE_URL = "https://chophien.example.vn"  # a label printed for the public site
    lot = make_lot(code="CHE-2504-01")
    inspector = django_user_model.objects.create_user("hung", "hung@example.vn", "pw-123456")
    inspector.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    producer = Client()
    producer.force_login(django_user_model.objects.create_superuser("op", "op@example.vn", "x"))
    pdf = producer.get(reverse("traceability:lot-labels", kwargs={"pk": lot.pk}) + "?count=1")
    image = render_pdf(pdf.content)[0][0].crop((0, 0, 700, 400))
    png = io.BytesIO()
    image.save(png, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()

    context, page = logged_in(chromium, live_server, inspector)
    page.goto(live_server.url + reverse("traceability:scanner"))
    expect(page.get_by_role("button", name="Bật máy ảnh")).to_be_visible()
    path = page.evaluate(
        """async (src) => {
            const img = new Image();
            img.src = src;
            await img.decode();
            const canvas = document.createElement("canvas");
            canvas.width = img.width;
            canvas.height = img.height;
            const context = canvas.getContext("2d");
            context.drawImage(img, 0, 0);
            const pixels = context.getImageData(0, 0, img.width, img.height);
            const code = window.jsQR(pixels.data, pixels.width, pixels.height);
            return code && window.choPhienLotPath(code.data);
        }""",
        data_url,
    )
    assert path == f"/01/{lot.gtin14}/10/CHE-2504-01"
    page.goto(live_server.url + path)  # what the scanner does next, on this site
    expect(page.locator(".inspector-panel")).to_be_visible()
    context.close()

"""A shopper scans a lot's label on a 360 px phone: the plain words come first (origin
verified, who grew it, where, when, who inspected it), a household's name and location erased
at its request read "withheld", the technical proof opens on a tap, nothing reaches past the
screen, axe finds no serious problem (AA contrast), and reloading or a HEAD request is not
another scan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser import assert_fits, assert_tap_target
from tests.e2e.test_accessibility import AXE, axe_problems
from tests.traceability.conftest import PASSPHRASE
from traceability import services, tasks
from traceability.models import EventDisclosure

pytestmark = [pytest.mark.e2e, pytest.mark.chain, pytest.mark.django_db(transaction=True)]


def test_a_shopper_reads_the_lot_page_on_a_phone(
    django_db_setup, live_server, request, settings, inspector, screenshot
):
    # the database first, then the browser (Playwright's event loop must not see its setup)
    settings.TRACE_EVENT_SCHEMA = 2
    household = factories.producer(name="Hộ bà Giàng Thị Dợ")
    household.kind = "household"
    household.save()
    grower = factories.producer_user(household, email="do@example.vn")
    grower.first_name, grower.last_name = "Dợ", "Giàng Thị"
    grower.save()
    product = factories.product(title="Chè Shan tuyết cổ thụ 200g", maker=household, image=True)
    lot = services.lot_create(
        product=product,
        code="SHAN-2511",
        production_date=date(2025, 11, 2),
        quantity=Decimal("40"),
        unit="KGM",
        actor=grower,
        latitude=Decimal("22.83"),
        longitude=Decimal("104.98"),
    )
    services.inspection_record(
        lot=lot, inspector=inspector, result="pass", notes="Đạt", passphrase=PASSPHRASE
    )
    tasks.anchor_pending.delay()
    EventDisclosure.objects.filter(event__lot=lot).update(  # erased at the household's request
        salt="", value=None, erased_at=timezone.now()
    )
    url = live_server.url + lot.get_absolute_url()

    phone = request.getfixturevalue("phone")
    phone.goto(url)
    status = phone.locator(".lot-status-title")
    expect(status).to_have_text("Nguồn gốc đã được kiểm chứng")
    assert status.bounding_box()["y"] < 780  # the answer is on the first screen
    plain = phone.locator(".lot-plain")
    expect(plain).to_contain_text("đã ẩn theo yêu cầu của người này")
    expect(plain).to_contain_text("Xã Đồng Văn")
    expect(plain).to_contain_text("02/11/2025")
    expect(plain.locator(".lot-inspections")).to_contain_text("Đạt")
    expect(phone.locator("article")).not_to_contain_text("Giàng Thị Dợ")
    expect(phone.locator(".lot-photos img")).to_have_count(1)
    expect(phone.locator(".lot-scans")).to_contain_text("1 người đã quét")

    # The technical proof is folded: a tap opens it.
    digest = phone.locator(".lot-proof .digest").first
    expect(digest).to_be_hidden()
    assert_tap_target(phone.locator(".lot-proof summary"))
    phone.locator(".lot-proof summary").click()
    expect(digest).to_be_visible()
    expect(phone.locator(".lot-proof")).to_contain_text("/chophien:actor/name")
    assert_fits(phone)
    if AXE.exists():
        assert axe_problems(phone, "lot page") == []
    screenshot(phone, "trace-lot-page-plain-360")

    # Reloading, and a HEAD request, are not another person scanning.
    phone.reload()
    assert phone.request.head(url).ok
    expect(phone.locator(".lot-scans")).to_contain_text("1 người đã quét")
    lot.refresh_from_db()
    assert lot.scan_count == 1

    # The way to buy it is a real tap target that leads to the product.
    buy = phone.locator(".lot-buy a")
    assert_tap_target(buy)
    buy.click()
    expect(phone).to_have_url(live_server.url + product.get_absolute_url())

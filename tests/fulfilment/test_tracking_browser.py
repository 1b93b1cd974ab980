"""The public tracking page on a 360 px phone, under the site's Content-Security-Policy: the
timeline fits without scrolling sideways, even with a carrier's long words and code."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from shop.carriers.ports import TrackingStatus as T
from shop.fulfilment import tracking
from shop.fulfilment.models import CarrierEvent
from tests.fulfilment.tracking_helpers import packed_shipment, update, waybill_created

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_tracking_page_fits_a_phone(live_server, client, phone, screenshot):
    shipment = packed_shipment(client)
    waybill_created(shipment, carrier="ghn", code="GHNTEST01" + "X" * 40)
    long_words = "Bưu cục Đồng Văn, Hà Giang → Trung tâm khai thác Hà Nội " * 4
    for step in (
        update(T.PICKED, 1, code=shipment.tracking_number, description=long_words),
        update(T.IN_TRANSIT, 5, code=shipment.tracking_number),
        update(T.DELIVERING, 24, code=shipment.tracking_number, description="x" * 120),
    ):
        tracking.tracking_apply(shipment=shipment, update=step, source=CarrierEvent.Source.WEBHOOK)
    page = phone
    page.goto(live_server.url + reverse("shipping:track", args=[shipment.tracking_token]))
    steps = page.get_by_role("list").filter(has_text="Đang giao hàng")
    expect(steps.get_by_role("listitem")).to_have_count(3)
    expect(page.get_by_role("region", name="Hành trình đơn hàng: Đang giao hàng")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "tracking-360")

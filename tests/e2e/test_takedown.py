"""An operator takes a listing down in headless Chromium on the live server: from the takedown
page, with a reason; the buyer's storefront (search, the producer's page, the product page)
stops showing it at once, even pages cached before; the producer is told why."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from shop.producers.models import ListingTakedown
from tests import factories
from tests.e2e.test_producers_journey import fresh, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Mật ong bạc hà Mèo Vạc 500ml"
REASON = "Mô tả quảng cáo mật ong chữa bệnh, trái quy định về quảng cáo thực phẩm."


def test_an_operator_takes_a_listing_down_and_buyers_no_longer_see_it(
    live_server, browser, screenshot, settings
):
    base = live_server.url
    settings.SITE_URL = base
    settings.PAGE_CACHE_SECONDS = 300
    honey = factories.producer("HTX Mật ong Mèo Vạc", code="mat-ong-meo-vac")
    honey.email = "mat-ong@example.com"
    honey.save()
    product = factories.product(TITLE, maker=honey)
    factories.product("Chè Shan Tuyết 200g", maker=honey)
    operator = factories.operator()

    # A buyer finds it (and the pages are now in the page cache).
    buyer = fresh(browser)
    buyer.goto(f"{base}{product.get_absolute_url()}")
    expect(buyer.get_by_role("heading", level=1)).to_contain_text(TITLE)
    buyer.goto(f"{base}{honey.get_absolute_url()}")
    expect(buyer.locator("main")).to_contain_text(TITLE)

    # The operator searches the live listings and takes it down with a reason.
    desk = signed_in(browser, live_server, operator)
    desk.goto(f"{base}/dashboard/listings/")
    desk.get_by_role("link", name="Gỡ một sản phẩm đang bán").click()
    desk.get_by_label("Tìm sản phẩm đang bán").fill("bac ha")
    desk.get_by_role("button", name="Tìm kiếm").click()
    desk.get_by_role("link", name=TITLE).click()
    # No reason: the browser asks for one; nothing changes.
    desk.get_by_role("button", name="Gỡ", exact=True).click()
    assert not ListingTakedown.objects.exists()
    desk.get_by_label("Lý do (nhà sản xuất sẽ đọc được)").fill(REASON)
    desk.get_by_role("button", name="Gỡ", exact=True).click()
    expect(desk.get_by_role("alert").first).to_contain_text("Đã gỡ")
    expect(desk.locator("table")).to_contain_text(REASON)
    screenshot(desk, "takedown-operator")

    # Gone from the storefront at once: its page, the producer's page, search.
    response = buyer.goto(f"{base}{product.get_absolute_url()}")
    assert response.status == 404
    buyer.goto(f"{base}{honey.get_absolute_url()}")
    expect(buyer.locator("main")).to_contain_text("Chè Shan Tuyết 200g")
    expect(buyer.locator("main")).not_to_contain_text(TITLE)
    buyer.goto(f"{base}/shop/search/?q=bac+ha")
    expect(buyer.locator("main")).not_to_contain_text(TITLE)
    screenshot(buyer, "takedown-storefront")

    takedown = ListingTakedown.objects.get()
    assert takedown.reason == REASON and takedown.taken_down_by == operator
    assert any("mat-ong@example.com" in m.to and REASON in m.body for m in mail.outbox), (
        "the producer is told why"
    )

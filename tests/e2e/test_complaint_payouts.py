"""An operator on a phone pays a cash order's complaint refund from its VietQR code and records
it: the page fits 360 px, the code is shown with its text alternative, the case closes."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from payments.models import Refund
from shop.complaints import services
from shop.complaints.models import Remedy, State
from shop.fulfilment import cod
from tests import factories
from tests.browser import assert_fits, phone_context
from tests.complaints.remedy_helpers import complaint_on, decide
from tests.fulfilment.cod_helpers import advance, buyer, cod_order, owned_by

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_operator_pays_a_complaint_refund_on_a_phone(live_server, browser, client, screenshot):
    order, honey, tea = cod_order(client)
    mai = buyer()
    owned_by(order, mai)
    honey = advance(honey, "delivered")
    cod.cod_reported(shipment=honey, amount=Decimal(370000), source="webhook:ghn")
    cod.cod_reported(shipment=tea, amount=Decimal(430000), source="webhook:ghtk")
    complaint = complaint_on(honey, wish=Remedy.REFUND, user=mai)
    services.complaint_payout_account_give(
        complaint=complaint,
        user=mai,
        bank_bin="970436",
        account_number="0123456789",
        holder="Nguyễn Thị Mai",
    )
    decide(complaint, remedy=Remedy.REFUND, amount=350000)

    context = phone_context(browser, live_server.url, user=factories.operator())
    page = context.new_page()
    page.goto(live_server.url + "/dashboard/complaint-payouts/")
    card = page.locator(f"#payout-{complaint.pk}")
    expect(card).to_contain_text(complaint.reference)
    expect(card.locator("img.qr-image")).to_be_visible()
    alt = card.locator("img.qr-image").get_attribute("alt")
    assert "350.000" in alt and "NGUYỄN THỊ MAI" in alt
    assert_fits(page)
    screenshot(page, "complaint-payouts-vi-360")
    card.get_by_role("button", name="Ghi nhận đã chuyển").click()
    expect(page.locator("#no-payouts")).to_be_visible()
    context.close()

    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED
    assert complaint.refund.status == Refund.Status.RECORDED
    assert complaint.refund.amount == Decimal(350000)

"""One order, two producers, two carriers, all the way to the money, on a 360 px phone.

A guest buyer gives a Vietnamese address (the ward found through the picker, typed without
accents) and a phone, sees each producer's live quote, and pays cash on delivery. Each producer
packs their parcel (the lot it ships from, a waybill from their carrier's simulator: GHN for
one, Viettel Post for the other) and prints the label, whose origin QR code scans to the lot's
page. The simulators push their own callbacks to our callback URL until delivered, cash
included; the buyer follows the timeline from the e-mailed tracking link and confirms receipt;
the cash lands per shipment in each producer's statement.
"""

import importlib
import re
from datetime import timedelta
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings as django_settings
from django.utils import timezone
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.carriers.ports import TrackingStatus
from shop.fulfilment.models import Shipment
from shop.money import whole_dong
from shop.settings.simulators import simulated_carriers
from shop.settlements import services as settlements
from shop.settlements.models import Statement
from tests import factories
from tests.e2e.steps import fill_shipping_address
from tests.e2e.test_producers_journey import fresh, link_in_mail, signed_in
from tests.fulfilment.waybill_world import lot_of
from tests.payments import flow
from traceability.selectors import lot_uri

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")

HONEY = "Mật ong bạc hà Đồng Văn 500ml"
TEA = "Chè Shan Tuyết cổ thụ Mèo Vạc 200g"
BUYER = "mai.pham@example.com"
ROUTE = (
    TrackingStatus.PICKED,
    TrackingStatus.IN_TRANSIT,
    TrackingStatus.DELIVERING,
    TrackingStatus.DELIVERED,
)


def simulator(carrier: str):
    """The simulator core of `carrier`, as mounted on the live server."""
    module = django_settings.CARRIERS[carrier]["SIMULATOR"]
    return importlib.import_module(module).simulator_core()


def producer(name, code, *, ward, carrier, phone):
    partner = factories.producer(name, code=code, ward=ward)
    partner.street, partner.phone, partner.default_carrier = "Số 5 đường Chợ", phone, carrier
    partner.save()
    return partner, factories.producer_user(partner)


def pack_and_print(page, base: str, shipment: Shipment, lot, line) -> tuple[str, bytes]:
    """The producer confirms, packs from `lot` with their default carrier, and downloads the
    label; returns the waybill's code and the PDF."""
    page.goto(base + f"/dashboard/producer/orders/{shipment.pk}/")
    page.locator("form[action$='/advance/'] input[name=to][value=confirmed] ~ button").click()
    page.locator(f"#id_lot_{line.pk}_{lot.pk}").fill(str(line.quantity))
    expect(page.locator("#id_weight_grams")).not_to_have_value("")
    page.locator(".pack-form button[type=submit]").click()
    page.wait_for_load_state()
    shipment.refresh_from_db()
    assert shipment.waybill == Shipment.Waybill.CREATED, shipment.waybill_error
    expect(page.locator("body")).to_contain_text(shipment.tracking_number)
    label = page.locator(f"a[href$='/dashboard/producer/orders/{shipment.pk}/label/']").first
    response = page.request.get(base + label.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return shipment.tracking_number, response.body()


def scanned(pdf: bytes) -> list[str]:
    texts = []
    for page in pypdfium2.PdfDocument(pdf):
        texts += [code.text for code in zxingcpp.read_barcodes(page.render(scale=4).to_pil())]
    return texts


def test_two_parcels_of_one_order_travel_with_two_carriers(
    live_server, browser, screenshot, settings
):
    base = live_server.url
    settings.SITE_URL = base  # the simulators' API and their callbacks go to the live server
    settings.CARRIERS = simulated_carriers(base)
    settings.PAYMENT_COD_MAX_TOTAL = Decimal(10_000_000)
    flow.vietnam()
    honey_maker, honey_user = producer(
        "HTX Mật ong bạc hà Đồng Văn",
        "mat-ong-dong-van",
        ward=factories.DONG_VAN,
        carrier="ghn",
        phone="+84987654321",
    )
    tea_maker, tea_user = producer(
        "HTX Chè Shan Tuyết Mèo Vạc",
        "che-meo-vac",
        ward=factories.MEO_VAC,
        carrier="viettelpost",
        phone="+84911222333",
    )
    honey = factories.product(HONEY, price="180000", maker=honey_maker)
    tea = factories.product(TEA, price="240000", maker=tea_maker)
    honey_lot = lot_of(honey, actor=honey_user, code="MO-DV-2611")
    tea_lot = lot_of(tea, actor=tea_user, code="CHE-MV-2611")

    # 1. A guest buyer on a phone: a Vietnamese address, a live quote per producer, COD.
    buyer = fresh(browser)
    for item in (honey, tea):
        buyer.goto(base + item.get_absolute_url())
        buyer.locator("#add_to_basket_form button[type=submit]").click()
    buyer.goto(base + "/shop/checkout/")
    buyer.locator("#id_username").fill(BUYER)
    buyer.locator("input[name=options][value=anonymous]").check()
    buyer.locator("form button[type=submit]").first.click()
    fill_shipping_address(buyer, province="Tuyên Quang", ward="Xã Đồng Văn", search="dong van")
    screenshot(buyer, "parcels-address-360")
    buyer.locator(
        "#new_shipping_address button[type=submit], form button[type=submit]"
    ).last.click()
    buyer.get_by_role("radio", name=re.compile("Thanh toán khi nhận hàng")).check()
    buyer.get_by_role("button", name="Tiếp tục").click()
    expect(buyer).to_have_url(re.compile(r"/shop/checkout/preview/"))
    totals = buyer.locator("#basket_totals")
    for text in (honey_maker.name, tea_maker.name, "GHN", "Viettel Post", "dự kiến giao"):
        expect(totals).to_contain_text(text)
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(buyer, "parcels-preview-360")
    buyer.locator("#place-order").click()
    expect(buyer).to_have_url(re.compile(r"/shop/checkout/thank-you/"))

    order = Order.objects.get()
    address = order.shipping_address
    assert str(address.phone_number) == "+84912345678"
    assert (address.province_code, address.ward_code) == (8, factories.DONG_VAN)
    shipments = {s.partner_id: s for s in order.shipments.all()}
    for partner, carrier in ((honey_maker, "ghn"), (tea_maker, "viettelpost")):
        shipment = shipments[partner.pk]
        assert (shipment.charge_source, shipment.quoted_carrier) == ("quote", carrier)
        assert shipment.expected_delivery is not None
        assert shipment.cod == Shipment.Cod.DUE
    assert sum(s.cod_due for s in shipments.values()) == whole_dong(order.total_incl_tax)

    # 2. Each producer packs from a lot, gets a waybill from their carrier and prints it.
    parcels = {}
    for partner, user, lot, carrier in (
        (honey_maker, honey_user, honey_lot, "ghn"),
        (tea_maker, tea_user, tea_lot, "viettelpost"),
    ):
        page = signed_in(browser, live_server, user, width=360)
        shipment = shipments[partner.pk]
        line = order.lines.get(partner=partner)
        code, pdf = pack_and_print(page, base, shipment, lot, line)
        assert lot_uri(lot) in scanned(pdf)  # the packing slip's origin QR code
        assert line.lot_shipments.get().lot == lot  # what a recall of the lot will find
        parcels[carrier] = (shipment, code, page)
    screenshot(parcels["ghn"][2], "parcels-producer-packed-360")
    assert {s.carrier for s, _code, _page in parcels.values()} == {"ghn", "viettelpost"}

    # 3. The carriers pick up and deliver; their own callbacks reach us, cash included.
    for carrier, (shipment, code, _page) in parcels.items():
        core = simulator(carrier)
        for status in ROUTE:
            core.advance(code, status)
        shipment.refresh_from_db()
        assert shipment.status == Shipment.Status.DELIVERED
        assert shipment.tracking_status == TrackingStatus.DELIVERED
        assert shipment.cod == Shipment.Cod.COLLECTED
        assert shipment.cod_collected == shipment.cod_due
    order.refresh_from_db()
    assert order.status == "Paid"

    # 4. The buyer follows the timeline from the e-mail and confirms receipt.
    buyer.goto(link_in_mail(BUYER, r"/shipping/track/"))
    timeline = buyer.locator("body")
    expect(timeline).to_contain_text("Chờ lấy hàng")  # from the moment the waybill was made
    expect(timeline).to_contain_text("Đã giao hàng")
    expect(timeline).to_contain_text("Đang giao hàng")
    expect(timeline).not_to_contain_text("12 Phố Cổ")  # no street on the public page
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(buyer, "parcels-tracking-360")
    buyer.goto(link_in_mail(BUYER, r"/order-status-form/"))  # from the order's e-mail
    buyer.locator("#id_email").fill(BUYER)
    buyer.locator("form button[type=submit]").last.click()
    expect(buyer).to_have_url(re.compile(r"/order-status/"))
    received = buyer.get_by_role("button", name="Đã nhận hàng")
    expect(received).to_have_count(2)
    received.first.click()
    buyer.wait_for_load_state()
    receipts = sorted(s.receipt for s in order.shipments.all())
    assert receipts == ["", Shipment.Receipt.BUYER]
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(buyer, "parcels-order-360")
    expect(buyer.locator("main, body").first).to_contain_text("Viettel Post")
    expect(buyer.locator("body")).not_to_contain_text("viettelpost")  # a name, not a key

    # 5. The cash lands per shipment in each producer's statement.
    now = timezone.now()
    settlements.entries_record(now=now)
    settlements.statements_close(now=now + timedelta(days=40))
    rate = django_settings.MARKETPLACE_COMMISSION_RATE
    for partner, price in ((honey_maker, 180000), (tea_maker, 240000)):
        statement = Statement.objects.get(partner=partner)
        charge = shipments[partner.pk].charge
        # Households: the floor withholds 1 % VAT and 0.5 % PIT on goods (Decree 117/2025).
        vat, pit = whole_dong(Decimal(price) / 100), whole_dong(Decimal(price) / 200)
        assert (statement.vat_withheld, statement.pit_withheld) == (vat, pit)
        assert statement.net == price - whole_dong(Decimal(price) * rate) - vat - pit + charge

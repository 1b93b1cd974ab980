"""Two producers sell side by side, in headless Chromium on the live server.

A cooperative applies to sell; an operator approves it; the new producer sets a password from
the e-mailed link, signs in and lists a product; the operator approves the listing; a buyer buys
it together with another producer's product in one checkout; each producer sees only their own
line and ships it; cash is collected; the settlement statements show each producer's net.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop import demo
from shop.fulfilment.models import Shipment
from shop.money import whole_dong
from shop.settlements import services as settlements
from shop.settlements.models import Statement
from tests import factories
from tests.e2e.steps import fill_shipping_address
from tests.onboarding.conftest import PDF_BYTES
from tests.payments import flow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")

APPLICANT = "htx.hoaban@example.com"
PASSWORD = "Hoa-ban-2026!"
NEW_PRODUCT = "Mật ong hoa ban Đồng Văn 250ml"
OTHER_PRODUCT = "Chè Shan Tuyết cổ thụ 200g"
WAIT = 30_000


def vnd(amount: Decimal) -> str:
    return f"{int(amount):,}".replace(",", ".") + "\xa0₫"


def signed_in(browser, live_server, user, *, width=1280):
    """A browser context carrying `user`'s session (for the people who are not the subject)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
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
    page.set_default_timeout(WAIT)
    return page


def fresh(browser, *, width=360):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    page.set_default_timeout(WAIT)
    return page


def link_in_mail(to: str, pattern: str) -> str:
    for message in mail.outbox:
        if to in message.to:
            for url in re.findall(r"https?://\S+", message.body):
                if re.search(pattern, url):
                    return url
    raise AssertionError(f"no e-mail to {to} with a link matching {pattern}")


def ship(page, base: str, own_title: str, other_title: str, screenshot=None, name="") -> None:
    """A producer opens their order, sees only their own line, and moves it to delivered."""
    page.goto(base + "/dashboard/producer/orders/")
    page.locator("table a[href*='/dashboard/producer/orders/']").first.click()
    body = page.locator("body")
    expect(body).to_contain_text(own_title)
    expect(body).not_to_contain_text(other_title)
    if screenshot:
        screenshot(page, name)
    advance = page.locator("form[action$='/advance/'] button[type=submit]")
    for step in ("confirmed", "packed", "shipped", "delivered"):
        expect(page.locator("form[action$='/advance/'] input[name=to]")).to_have_value(step)
        if step == "packed":  # no carrier of ours: shipped by hand, with a typed tracking number
            page.locator("#id_carrier").select_option("")
        if step == "shipped":
            page.locator("#id_carrier").fill("VNPost")
            page.locator("#id_tracking_number").fill(f"EB{abs(hash(own_title)) % 10**9:09d}VN")
        advance.click()
        page.wait_for_load_state()
    expect(page.locator("form[action$='/advance/']")).to_have_count(0)


def test_two_producers_sell_side_by_side_through_one_checkout(
    live_server, browser, screenshot, settings
):
    base = live_server.url
    settings.SITE_URL = base
    settings.PAYMENT_COD_MAX_TOTAL = Decimal(10_000_000)
    flow.vietnam()
    category = factories.category("Mật ong")
    operator = factories.operator()
    tea = factories.producer("HTX Chè Shan Tuyết Lũng Cú", code="che-lung-cu")
    tea.shipping_same_province, tea.shipping_elsewhere = Decimal(22000), Decimal(35000)
    tea.payout_bank_bin, tea.payout_account_number = "970436", "0071000123456"
    tea.payout_account_holder = "HTX CHE SHAN TUYET"
    tea.save()
    tea_user = factories.producer_user(tea)
    tea_product = factories.product(OTHER_PRODUCT, price="240000", maker=tea)

    # 1. A cooperative applies to sell, on a phone.
    applicant = fresh(browser)
    applicant.goto(base + "/shop/sell/")
    applicant.locator("input[name=kind][value=cooperative]").check()
    applicant.locator("#id_name").fill("HTX Mật ong hoa ban Đồng Văn")
    applicant.locator("#id_representative").fill("Lò Thị Mỷ")
    applicant.locator("#id_phone").fill("0912 345 678")
    applicant.locator("#id_email").fill(APPLICANT)
    applicant.locator("#id_province_code").select_option("8")
    applicant.locator("#id_ward_code").select_option(str(factories.DONG_VAN))
    applicant.get_by_label("Mã số thuế hoặc số định danh cá nhân").fill("0100109106")
    applicant.locator("#id_payout_bank_bin").select_option("970405")
    applicant.locator("#id_payout_account_number").fill("1234567890123")
    applicant.locator("#id_payout_account_holder").fill("Lò Thị Mỷ")
    applicant.locator("#id_products").fill("Mật ong hoa ban, mật ong bạc hà")
    applicant.locator("#id_documents").set_input_files(
        [{"name": "giay-phep-htx.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    screenshot(applicant, "producer-apply-360")
    applicant.locator("#application-form button[type=submit]").click()
    expect(applicant).to_have_url(re.compile(r"/shop/sell/thanks/"))

    # 2. The operator approves the application.
    desk = signed_in(browser, live_server, operator)
    desk.goto(base + "/dashboard/applications/")
    desk.get_by_role("link", name="HTX Mật ong hoa ban Đồng Văn").click()
    expect(desk.locator("body")).to_contain_text("giay-phep-htx.pdf")
    desk.locator("form[action$='/approve/'] button[type=submit]").click()
    honey = Partner.objects.get(name="HTX Mật ong hoa ban Đồng Văn")
    assert honey.payout_account_number == "1234567890123"

    # 3. The new producer sets a password from the e-mail, signs in and lists a product.
    producer = fresh(browser, width=412)
    producer.goto(link_in_mail(APPLICANT, r"/password-reset/confirm/"))
    producer.locator("#id_new_password1").fill(PASSWORD)
    producer.locator("#id_new_password2").fill(PASSWORD)
    producer.locator("form button[type=submit]").last.click()
    producer.goto(base + "/dashboard/login/")
    producer.locator("#id_username").fill(APPLICANT)
    producer.locator("#id_password").fill(PASSWORD)
    producer.locator("form [type=submit]").last.click()
    expect(producer).to_have_url(re.compile(r"/dashboard/producer/$"))
    producer.goto(base + "/dashboard/producer/products/new/")
    producer.locator("#id_title").fill(NEW_PRODUCT)
    producer.locator(".rich-editor-area").first.fill("Mật ong thu vào mùa hoa ban tháng Ba.")
    producer.locator(f"input[name=categories][value='{category.pk}']").check()
    producer.locator("#id_price").fill("180000")
    producer.locator("#id_num_in_stock").fill("20")
    producer.locator("#id_images").set_input_files(
        [
            {
                "name": "mat-ong.jpg",
                "mimeType": "image/jpeg",
                "buffer": demo.product_image(NEW_PRODUCT, "#c98a1b", seed=7),
            }
        ]
    )
    producer.locator("form[enctype] button[type=submit]").click()
    expect(producer.locator("body")).to_contain_text(NEW_PRODUCT)
    product = Product.objects.get(title=NEW_PRODUCT)
    assert not product.is_public and product.producer == honey

    # 4. The operator approves the listing; buyers can see it.
    desk.goto(base + "/dashboard/listings/")
    desk.get_by_role("link", name=NEW_PRODUCT).click()
    desk.locator("input[name=decision][value=approve] + button").click()
    product.refresh_from_db()
    assert product.is_public

    # 5. A buyer buys it together with the other producer's product, cash on delivery.
    buyer = fresh(browser)
    for item in (product, tea_product):
        buyer.goto(base + item.get_absolute_url())
        buyer.locator("#add_to_basket_form button[type=submit]").click()
    buyer.goto(base + "/shop/checkout/")
    buyer.locator("#id_username").fill("khach@example.com")
    buyer.locator("input[name=options][value=anonymous]").check()
    buyer.locator("form button[type=submit]").first.click()
    fill_shipping_address(buyer)
    buyer.locator(
        "#new_shipping_address button[type=submit], form button[type=submit]"
    ).last.click()
    buyer.get_by_role("radio", name=re.compile("Thanh toán khi nhận hàng")).check()
    buyer.get_by_role("button", name="Tiếp tục").click()
    expect(buyer).to_have_url(re.compile(r"/shop/checkout/preview/"))
    for name in (honey.name, tea.name):  # one shipping line per producer
        expect(buyer.locator("#basket_totals")).to_contain_text(name)
    screenshot(buyer, "producers-checkout-preview-360")
    buyer.locator("#place-order").click()
    expect(buyer).to_have_url(re.compile(r"/shop/checkout/thank-you/"))
    order = Order.objects.get()
    shipments = {s.partner_id: s for s in Shipment.objects.filter(order=order)}
    assert set(shipments) == {honey.pk, tea.pk}
    assert sum(s.charge for s in shipments.values()) == order.shipping_incl_tax

    # 6. Each producer sees only their own line and ships it.
    ship(producer, base, NEW_PRODUCT, OTHER_PRODUCT, screenshot, "producer-shipment-412")
    tea_page = signed_in(browser, live_server, tea_user, width=360)
    ship(tea_page, base, OTHER_PRODUCT, NEW_PRODUCT)
    assert {s.status for s in Shipment.objects.filter(order=order)} == {"delivered"}

    # 7. The cash is collected; the order is paid.
    desk.goto(base + f"/dashboard/payments/orders/{order.number}/cash-collected/")
    desk.locator("form[method=post] button[type=submit]").last.click()
    order.refresh_from_db()
    assert order.status == "Paid"

    # 8. The period closes (the beat task's service); each statement shows its producer's net.
    now = timezone.now()
    settlements.entries_record(now=now)
    settlements.statements_close(now=now + timedelta(days=40))
    rate = django_settings.MARKETPLACE_COMMISSION_RATE
    for partner, page, price in ((honey, producer, 180000), (tea, tea_page, 240000)):
        statement = Statement.objects.get(partner=partner)
        expected = price - whole_dong(Decimal(price) * rate) + shipments[partner.pk].charge
        if partner.kind == "household":  # 1 % VAT and 0.5 % PIT withheld (Decree 117/2025)
            expected -= whole_dong(Decimal(price) / 100) + whole_dong(Decimal(price) / 200)
        assert statement.net == expected
        page.goto(base + "/dashboard/producer/statements/")
        page.locator("table a[href*='/dashboard/producer/statements/']").first.click()
        expect(page.locator("body")).to_contain_text(vnd(expected))
        expect(page.locator("body")).not_to_contain_text(
            OTHER_PRODUCT if partner == honey else NEW_PRODUCT
        )
    screenshot(producer, "producer-statement-412")

    # The operator pays the tea cooperative by scanning the statement's VietQR code.
    statement = Statement.objects.get(partner=tea)
    desk.goto(base + f"/dashboard/settlements/{statement.pk}/")
    expect(desk.locator("img[alt*='VietQR']")).to_be_visible()
    desk.locator("input[name=bank_reference]").fill("FT26327000123")
    desk.locator("form[action$='/pay/'] button[type=submit]").click()
    statement.refresh_from_db()
    assert statement.status == "paid" and statement.bank_reference == "FT26327000123"

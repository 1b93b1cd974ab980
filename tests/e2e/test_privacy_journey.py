"""A buyer's personal data on a 360 px phone: they download all of it (JSON and PDF) from their
account, mistype their password once, then ask for erasure; it is carried out (nothing is on its
way) and they are signed out, their account closed."""

import json

import pypdfium2
import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.privacy import services
from shop.privacy.models import PrivacyRequest
from tests.browser import assert_fits, phone_context
from tests.payments import flow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UserAddress = get_model("address", "UserAddress")
PASSWORD = "pw-123456789"


@pytest.fixture
def buyer(live_server):
    from cms.services import home_page_ensure

    home_page_ensure()  # where a signed-out visitor lands
    lan = get_user_model().objects.create_user("lan", "lan@example.com", PASSWORD)
    lan.first_name = "Nguyễn Thị Lan"
    lan.save()
    services.consent_record(purpose="account", method="registration", user=lan)
    services.consent_record(purpose="news", method="registration", user=lan)
    UserAddress.objects.create(
        user=lan,
        country=flow.vietnam(),
        first_name="Nguyễn Thị Lan",
        line1="8 Đường Hoa Ban",
        phone_number="+84912345678",
    )
    return lan


def test_a_buyer_downloads_their_data_and_asks_for_erasure(browser, live_server, buyer, screenshot):
    base = live_server.url
    page = phone_context(browser, base, language="vi", user=buyer).new_page()
    page.goto(base + "/shop/accounts/privacy/")
    expect(page.locator("h2#privacy-download")).to_have_text("Tải dữ liệu của bạn")
    assert_fits(page)
    screenshot(page, "privacy-account-vi-360")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về dạng JSON (cho phần mềm)").click()
    data = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert data["profile"]["email"] == "lan@example.com"
    assert data["addresses"][0]["line1"] == "8 Đường Hoa Ban"
    assert {c["purpose"] for c in data["consents"]} == {"account", "news"}

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về dạng PDF (để đọc)").click()
    document = pypdfium2.PdfDocument(download_info.value.path())
    text = "".join(p.get_textpage().get_text_range() for p in document)
    assert "Nguyễn Thị Lan" in text and "8 Đường Hoa Ban" in text

    password = page.get_by_label("Mật khẩu của bạn, để xác nhận")
    password.fill("sai-mat-khau")
    page.get_by_role("button", name="Xoá dữ liệu của tôi").click()
    expect(page.get_by_role("alert")).to_contain_text("Mật khẩu không đúng.")
    assert_fits(page)
    assert not PrivacyRequest.objects.filter(kind="erasure").exists()

    page.get_by_label("Mật khẩu của bạn, để xác nhận").fill(PASSWORD)
    page.get_by_role("button", name="Xoá dữ liệu của tôi").click()
    expect(page.get_by_text("Dữ liệu cá nhân của bạn đã được xoá")).to_be_visible()
    screenshot(page, "privacy-erased-vi-360")

    request = PrivacyRequest.objects.get(kind="erasure")
    assert request.state == "done"
    buyer.refresh_from_db()
    assert not buyer.is_active and buyer.get_full_name() == ""
    assert not UserAddress.objects.filter(user=buyer).exists()
    page.goto(base + "/shop/accounts/privacy/")
    assert "login" in page.url  # signed out, and the account no longer signs in

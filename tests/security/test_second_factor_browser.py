"""An operator enrols an authenticator and signs in with it, in headless Chromium: the QR page
works without scripts, the recovery codes show once, the dashboard opens after the code."""

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.steps import sign_in_with_second_factor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mat-khau-van-hanh-2025"


def test_an_operator_enrols_then_signs_in_with_the_app(live_server, browser, screenshot):
    operator = get_user_model().objects.create_user("vh", "vh@example.vn", PASSWORD)
    operator.is_staff = True
    operator.save()
    base = live_server.url
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(base + "/dashboard/login/")
    page.locator("#id_username").fill(operator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form [type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/second-factor/enrol/"))
    expect(page.locator(".second-factor-qr svg")).to_be_visible()
    screenshot(page, "second-factor-enrol")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.locator("#id_code").fill(f"{totp(base64.b32decode(secret)):06d}")
    page.locator("#second-factor-form [type=submit]").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name=re.compile("Tôi đã cất giữ")).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    context.close()

    # A new browser: password, then the app's code (the device enrolled above, its key).
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=operator).update(name="tests")
    sign_in_with_second_factor(page, base, operator, PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    context.close()

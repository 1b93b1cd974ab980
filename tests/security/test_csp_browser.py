"""The pages the journeys in tests/e2e do not reach, opened in Chromium under the policy: the
shared browser plugin (tests/browser.py) fails a test on any Content-Security-Policy violation."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from oscar.core.loading import get_model
from playwright.sync_api import expect

from payments.models import Method
from shop import demo
from shop.settings.simulators import simulated_gateways
from tests.e2e.test_payments import checkout
from tests.e2e.test_producers_journey import signed_in
from tests.payments import flow
from traceability.models import Lot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Product = get_model("catalogue", "Product")


def test_checkout_goes_on_to_a_gateway_on_another_origin(live_server, phone):
    """form-action names the gateway the settings configure, so the redirect is not blocked."""
    flow.vietnam()
    product = flow.honey(price="185000", stock=10)
    gateway_site = live_server.url.replace("localhost", "127.0.0.1")
    assert gateway_site != live_server.url
    with override_settings(
        PAYMENT_GATEWAYS=simulated_gateways(gateway_site), SITE_URL=live_server.url
    ):
        checkout(phone, live_server.url + product.get_absolute_url(), method=Method.VNPAY)
        expect(phone).to_have_url(re.compile(re.escape(gateway_site) + r"/payments/simulator/"))
        expect(phone.locator("#sim-amount")).to_be_visible()


def test_dashboards_admins_lot_page_and_scanner_run_under_the_policy(
    live_server, browser, settings
):
    demo.demo_load()
    base = live_server.url
    users = get_user_model().objects
    product = Product.objects.filter(is_public=True).first()

    visitor = browser.new_context(locale="vi-VN").new_page()
    visitor.set_default_timeout(20_000)
    visitor.goto(base + Lot.objects.first().get_absolute_url())
    expect(visitor.locator("main")).to_be_visible()
    visitor.goto(base + "/shop/catalogue/")
    visitor.locator("select[name=sort]").select_option(index=1)  # submits by itself
    expect(visitor).to_have_url(re.compile(r"sort="))
    visitor.goto(base + "/django-admin/login/")
    expect(visitor.locator("#id_username")).to_be_visible()

    operator = signed_in(browser, live_server, users.get(email="operator@chophien.test"))
    for url in (
        "/dashboard/",
        f"/dashboard/catalogue/products/{product.pk}/",
        "/dashboard/applications/",
        "/dashboard/settlements/",
        "/dashboard/payments/",
    ):
        operator.goto(base + url)
        expect(operator.locator("body")).to_be_visible()
        operator.wait_for_load_state("networkidle")

    inspector = signed_in(browser, live_server, users.get(email="inspector@chophien.test"))
    inspector.goto(base + "/trace/scan/")
    inspector.locator("#scanner-start").click()  # no camera here: the page says so, by itself
    no_camera = inspector.locator("#scanner").get_attribute("data-no-camera")
    expect(inspector.locator("#scanner-status")).to_have_text(no_camera)

    producer = signed_in(browser, live_server, users.get(email="mat-ong@chophien.test"))
    producer.goto(base + "/dashboard/producer/products/new/")
    expect(producer.locator("form[enctype] input[type=text].form-control").first).to_be_visible()

    root = users.create_superuser("root", "root@example.com", "not-used-here")
    admin = signed_in(browser, live_server, root)
    admin.goto(base + "/django-admin/auth/user/")
    expect(admin.locator("#result_list")).to_be_visible()
    from cms.models import ArticlePage

    article = ArticlePage.objects.filter(locale__language_code="vi").first()
    admin.goto(f"{base}/cms-admin/pages/{article.pk}/edit/")
    admin.locator("[data-side-panel-toggle=preview]").first.click()
    preview = admin.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1").first).to_have_text(article.title)

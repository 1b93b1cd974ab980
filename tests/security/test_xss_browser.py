"""In headless Chromium: a description's `<img src=x onerror=…>` no longer runs on the public
product page, and the producers' editor writes only the allow-list's HTML."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.producers import services
from shop.richtext import clean_html
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Product = get_model("catalogue", "Product")
ATTACK = (
    "<p>Mật ong <b>bạc hà</b> thơm.</p>"
    '<img src=x onerror="window.__xss=(window.__xss||0)+1;alert(1)">'
    '<svg onload="window.__xss=(window.__xss||0)+1"></svg>'
    "<script>window.__xss=(window.__xss||0)+1</script>"
    '<a href="javascript:window.__xss=1" id="bad-link">xem thêm</a>'
)


def _watch(page, *, link: str = "") -> list[str]:
    """Alerts opened by the page (dismissed), for the assertion; the editor's prompt for a
    link's address is answered with `link`."""
    dialogs: list[str] = []

    def dismiss(dialog):
        if dialog.type == "prompt" and link:
            dialog.accept(link)
            return
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def _page_as(browser, live_server, user=None):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_an_onerror_description_does_not_run_on_the_product_page(
    django_db_setup, live_server, request, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    product = factories.product("Mật ong bạc hà 500ml")
    Product.objects.filter(pk=product.pk).update(description=ATTACK)  # as a direct SQL edit
    browser = request.getfixturevalue("browser")
    context, page = _page_as(browser, live_server)
    dialogs = _watch(page)
    page.goto(live_server.url + product.get_absolute_url())
    description = page.locator(".product-description")
    expect(description.locator("b")).to_have_text("bạc hà")
    page.wait_for_load_state("networkidle")
    page.locator("#bad-link, .product-description a").first.click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert description.locator("img, svg, script").count() == 0
    assert description.locator("a").first.get_attribute("rel") == "nofollow noopener"
    request.getfixturevalue("screenshot")(page, "security-description-cleaned-1280")
    context.close()


@pytest.mark.csp_blocks(r"inline .*rich_editor\.js")
def test_the_producers_editor_writes_only_the_allow_list(
    django_db_setup, live_server, request, settings
):
    maker = factories.producer()
    user = factories.producer_user(maker)
    change = services.product_create(
        producer=maker,
        actor=user,
        on_behalf=False,
        values={
            "title": "Chè Shan Tuyết 200g",
            "description": ATTACK,
            "origin_province_code": 8,
            "origin_ward_code": factories.DONG_VAN,
            "categories": [factories.category("Chè")],
        },
        price=120000,
        num_in_stock=5,
    )
    product = change.product
    # Whatever path stored it: the form's editor loads the raw text inert.
    Product.objects.filter(pk=product.pk).update(description=ATTACK)
    browser = request.getfixturevalue("browser")
    context, page = _page_as(browser, live_server, user)
    dialogs = _watch(page, link="https://chophien.vn/che")
    page.goto(live_server.url + reverse("producer-dashboard:product-edit", args=[product.pk]))
    toolbar = page.locator(".rich-editor").first  # the Vietnamese description's (English next)
    editor = toolbar.locator(".rich-editor-area")
    expect(editor).to_be_visible()
    expect(page.locator("textarea[name=description]")).to_be_hidden()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None and dialogs == []
    assert editor.locator("img, svg, script").count() == 0

    # The producer rewrites it with the toolbar.
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("Chè cổ thụ ")
    toolbar.get_by_role("button", name="Đậm").click()
    page.keyboard.type("Hà Giang")
    toolbar.get_by_role("button", name="Đậm").click()
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Danh sách gạch đầu dòng").click()
    page.keyboard.type("Hái tay")
    page.keyboard.press("Enter")
    page.keyboard.type("Sao chảo gang")
    page.keyboard.press("Shift+Home")
    toolbar.get_by_role("button", name="Liên kết").click()
    written = page.locator("textarea[name=description]").input_value()
    assert "<strong>Hà Giang</strong>" in written
    assert "<ul><li>Hái tay</li>" in written
    assert '<a href="https://chophien.vn/che" rel="nofollow noopener">' in written
    assert clean_html(written) == written  # already inside the allow-list
    request.getfixturevalue("screenshot")(page, "security-editor-1280")
    page.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(live_server.url + reverse("producer-dashboard:product-list"))
    product.refresh_from_db()
    assert product.description == written
    context.close()

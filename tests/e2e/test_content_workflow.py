"""Content in a real browser: an editor writes a region story featuring a product and submits it,
a moderator approves it and translates it into English, and a visitor on a phone switches to
English on it and follows the product to the shop. Screenshots of the home page at 360 and
1280 px go to screenshots/."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect
from wagtail.models import Locale

from cms import models
from shop import demo
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRODUCT = "Thịt trâu gác bếp Mèo Vạc 500g"
PRODUCT_EN = "Mèo Vạc smoked buffalo meat 500g"  # the demo's English name
WAIT = 30_000  # ms, for saving and publishing, which do real work on a busy machine


def serve_media(page) -> None:
    """The test server serves static files but not uploads; hand the browser the files."""
    root = Path(settings.MEDIA_ROOT)

    def fulfil(route):
        path = root / unquote(urlsplit(route.request.url).path).removeprefix(settings.MEDIA_URL)
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404)

    page.route("**/media/**", fulfil)


def open_page(browser, width: int, locale="vi-VN"):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale=locale, timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    serve_media(page)
    return page


def load_all_images(page) -> None:
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")


CONTRAST_FAILURES = """
() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage !== "none" && e !== el) return null;  // text over a picture
      const [r, g, b, a = 1] = rgb(style.backgroundColor);
      if (a > 0) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3);
    const text = own.map(n => n.textContent).join("").trim();
    if (!text || el.closest("svg, script, style, noscript")) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // not shown (or visually hidden)
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    const bg = background(el);
    if (!bg) continue;
    const [l1, l2] = [lum(rgb(style.color)), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) failures.push(`${text.slice(0, 40)}: ${ratio.toFixed(2)} < ${needed}`);
  }
  return failures;
}
"""


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/cms-admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cms-admin/$"))


def test_home_page_at_phone_and_desktop_widths(
    django_db_setup, live_server, browser, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    demo.demo_load()
    for width in (360, 1280):
        page = open_page(browser, width)
        page.goto(live_server.url + "/")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Đặc sản vùng cao, từ tay người làm ra"
        )
        expect(page.locator(".featured-products .product-card").first).to_be_visible()
        load_all_images(page)
        # Nothing wider than the screen, and every image says what it shows (or is decorative).
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate("Array.from(document.images).every(i => i.hasAttribute('alt'))")
        assert page.evaluate(CONTRAST_FAILURES) == []  # WCAG 2.1 AA, text on plain colour
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src)"
        )
        assert broken == []
        screenshot(page, f"content-home-{width}")
        page.context.close()


def test_editor_submits_moderator_approves_visitor_reads_in_english_and_buys(
    django_db_setup, live_server, browser, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    demo.demo_load()
    base = live_server.url
    regions = models.RegionIndexPage.objects.get(locale__language_code="vi")

    # An editor writes the story of Mèo Vạc, featuring a product chosen in the admin.
    editor = open_page(browser, 1280)
    log_in(editor, base, "editor")
    editor.goto(f"{base}/cms-admin/pages/{regions.pk}/add_subpage/")
    expect(editor).to_have_url(re.compile(r"/cms-admin/pages/add/cms/regionpage/"))
    editor.locator("#id_title").fill("Chợ phiên Mèo Vạc")
    editor.locator("#id_province_code").select_option("8")
    editor.locator("#id_ward_code").select_option(str(factories.MEO_VAC))
    editor.locator("#id_intro").fill("Mỗi Chủ nhật, người Mông xuống chợ phiên Mèo Vạc.")
    editor.locator("button.c-sf-add-button").first.click()
    editor.get_by_role("option", name="Sản phẩm nổi bật").click()
    editor.locator("#body-0-value-heading").fill("Đặc sản chợ phiên")
    editor.get_by_role("button", name="Chọn một sản phẩm").click()
    modal = editor.locator(".modal")
    # The chooser loads its form by a request of its own: slow on a busy machine.
    expect(modal.locator("input[name=q]")).to_be_visible(timeout=WAIT)
    modal.locator("input[name=q]").fill("thit trau gac bep")  # typed without diacritics
    modal.get_by_role("link", name=PRODUCT).click()
    expect(modal).to_be_hidden()
    expect(editor.locator("#body-0-value-products-0-value-title")).to_have_text(PRODUCT)
    editor.locator("footer [data-w-dropdown-target=toggle]").last.click()
    editor.locator("button[name=action-submit]").click()
    expect(editor).to_have_url(re.compile(rf"/cms-admin/pages/{regions.pk}/$"), timeout=WAIT)
    expect(editor.locator(".messages")).to_contain_text("Chợ phiên Mèo Vạc")
    story = models.RegionPage.objects.get(title="Chợ phiên Mèo Vạc", locale__language_code="vi")
    assert not story.live
    assert story.workflow_states.get().status == "in_progress"
    assert re.fullmatch(r"/vung-dac-san/[a-z0-9-]+/", story.url)  # an ASCII address
    visitor_check = open_page(browser, 360)
    assert visitor_check.goto(base + story.url).status == 404  # not before it is approved
    visitor_check.context.close()
    editor.context.close()

    # A moderator approves it from the dashboard.
    moderator = open_page(browser, 1280)
    log_in(moderator, base, "moderator")
    row = moderator.locator("tr", has=moderator.get_by_role("link", name="Chợ phiên Mèo Vạc"))
    row.locator("[data-w-dropdown-target=toggle]").click()
    row.get_by_role("button", name="Phê chuẩn", exact=True).click()
    expect(moderator.get_by_role("link", name="Chợ phiên Mèo Vạc")).to_have_count(0, timeout=WAIT)
    story.refresh_from_db()
    assert story.live

    # Until it is translated, the English tree shows the story as an alias; the moderator
    # translates its title in wagtail-localize's editor and publishes the English page.
    english = story.get_translation(Locale.objects.get(language_code="en"))
    assert english.alias_of_id == story.pk and english.live
    moderator.goto(f"{base}/cms-admin/pages/{english.pk}/edit/")
    moderator.get_by_role("link", name="Translate this page").click()
    moderator.get_by_role("button", name=re.compile("^(Gửi|Submit)$")).click()
    expect(moderator).to_have_url(re.compile(rf"/cms-admin/pages/{english.pk}/edit/"), timeout=WAIT)
    moderator.get_by_role("button", name="Dịch").first.click()
    moderator.locator("textarea").first.fill("Mèo Vạc market day")
    moderator.get_by_role("button", name=re.compile("^(Lưu|Save)$")).first.click()
    expect(moderator.get_by_text("Mèo Vạc market day", exact=True)).to_be_visible()
    moderator.get_by_role("button", name="Publish in English").click()
    expect(moderator.locator(".messages")).to_contain_text("Mèo Vạc market day", timeout=WAIT)
    english.refresh_from_db()
    assert english.alias_of_id is None and english.title == "Mèo Vạc market day"
    moderator.context.close()

    # A visitor on a phone reads it, switches to English and follows the product to the shop.
    phone = open_page(browser, 360)
    phone.goto(base + story.url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Chợ phiên Mèo Vạc")
    card = phone.locator(".featured-products .product-card")
    expect(card.locator(".product-card-title")).to_have_text(PRODUCT)
    expect(card.locator(".price")).to_contain_text("480.000")
    phone.get_by_role("button", name="Menu").click()  # the language is behind it on a phone
    phone.locator(".lang-switch a[hreflang=en]").click()
    expect(phone).to_have_url(re.compile(r"/en/regions/[a-z0-9-]+/$"))
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mèo Vạc market day")
    expect(phone.locator(".lang-switch a[hreflang=vi]")).to_have_attribute("href", story.url)
    load_all_images(phone)
    assert phone.evaluate(CONTRAST_FAILURES) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "region-story-en-360")
    phone.locator(".featured-products a.product-card-link").first.click()
    expect(phone).to_have_url(re.compile(r"/en/shop/catalogue/"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(PRODUCT_EN)
    expect(phone.locator("#add_to_basket_form button[type=submit]")).to_have_text(
        re.compile(r"Add to (basket|cart)")  # Oscar's English says "cart"
    )
    screenshot(phone, "region-story-product-en-360")
    phone.context.close()

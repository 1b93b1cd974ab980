"""The satisfaction pages in headless Chromium on a 360 px phone, under the site's
Content-Security-Policy (tests/browser.py fails a test on any violation): the charts are drawn
from the static script, nothing reaches past the screen's sides, in both languages."""

import pytest

from tests import factories
from tests.browser import assert_fits, phone_context
from tests.satisfaction.test_pages import published, row  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHARTS_DRAWN = """
() => Array.from(document.querySelectorAll("canvas[data-chart]")).map(
  (canvas) => Boolean(window.Chart && window.Chart.getChart(canvas)) && canvas.width > 0
)
"""


@pytest.mark.parametrize(
    ("language", "path"), [("vi", "/satisfaction/"), ("en", "/en/satisfaction/")]
)
def test_public_page_on_a_phone(live_server, browser, published, screenshot, language, path):  # noqa: F811
    context = phone_context(browser, live_server.url, language=language)
    page = context.new_page()
    page.goto(live_server.url + path)
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    page.wait_for_timeout(300)
    assert page.evaluate(CHARTS_DRAWN) == [True, True, True]
    assert_fits(page)
    heading = "Chỉ số hài lòng" if language == "vi" else "Satisfaction index"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    # The producers' table stacks into labelled rows: the index is readable beside its label.
    assert page.locator(".satisfaction-table td[data-label]").first.is_visible()
    screenshot(page, f"satisfaction-{language}-360")
    page.goto(live_server.url + path + f"producers/{published['a'].pk}/")
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    assert page.evaluate(CHARTS_DRAWN) == [True, True, True]
    assert_fits(page)
    context.close()


def test_producer_dashboard_on_a_phone(live_server, browser, published, screenshot):  # noqa: F811
    user = factories.producer_user(published["a"])
    context = phone_context(browser, live_server.url, user=user)
    page = context.new_page()
    page.goto(live_server.url + "/dashboard/producer/satisfaction/")
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    assert page.evaluate(CHARTS_DRAWN) == [True, True, True]
    assert page.get_by_role("heading", name="Cách cải thiện").is_visible()
    assert_fits(page)
    screenshot(page, "satisfaction-dashboard-360")
    context.close()


def test_the_charts_keep_still_and_speak_the_page_s_language(live_server, browser, published):  # noqa: F811
    context = phone_context(browser, live_server.url, language="vi")
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server.url + "/satisfaction/")
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    shares = "window.Chart.getChart(document.querySelector('canvas[data-chart=shares]'))"
    assert page.evaluate(f"() => {shares}.options.animation") is False
    ticks = page.evaluate(f"() => {shares}.scales.y.ticks.map((t) => t.label)")
    assert ticks[-1] == "100 %"
    rating = "window.Chart.getChart(document.querySelector('canvas[data-chart=rating]'))"
    assert page.evaluate(f"() => [{rating}.scales.y.min, {rating}.scales.y.max]") == [1, 5]
    context.close()

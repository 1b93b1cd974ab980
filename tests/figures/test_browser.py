"""The public figures page in headless Chromium on a 360 px phone, under the site's
Content-Security-Policy (tests/browser.py fails a test on any violation): the chart is drawn
from the static script and nothing reaches past the screen's sides, in both languages."""

import pytest

from tests.browser import assert_fits, phone_context
from tests.figures.test_public_page import communes  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHART_DRAWN = """
() => Array.from(document.querySelectorAll("canvas[data-chart]")).map(
  (canvas) => Boolean(window.Chart && window.Chart.getChart(canvas)) && canvas.width > 0
)
"""


@pytest.mark.parametrize(("language", "path"), [("vi", "/so-lieu/"), ("en", "/en/figures/")])
def test_the_figures_on_a_phone(live_server, browser, communes, screenshot, language, path):  # noqa: F811
    context = phone_context(browser, live_server.url, language=language)
    page = context.new_page()
    page.goto(live_server.url + path)
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    page.wait_for_timeout(300)
    assert page.evaluate(CHART_DRAWN) == [True]
    assert_fits(page)
    heading = "Sàn qua những con số" if language == "vi" else "The floor in figures"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.locator(".figures-table td[data-label]").first.is_visible()
    screenshot(page, f"figures-{language}-360")
    context.close()

"""An operator watches the province's floor on a phone, in headless Chromium under the site's
Content-Security-Policy: opens the dashboard, changes the period, reads the charts and tables,
and downloads a table as CSV and every table as an Excel workbook."""

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shop.province.tables import TITLES
from tests.browser import assert_fits, phone_context
from tests.province.conftest import floor  # noqa: F401 (fixture: the known-answer floor)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHARTS_DRAWN = """
() => Array.from(document.querySelectorAll("canvas[data-chart]")).map(
  (canvas) => Boolean(window.Chart && window.Chart.getChart(canvas)) && canvas.width > 0
)
"""


def test_an_operator_changes_the_period_and_downloads_the_figures(
    live_server,
    browser,
    floor,  # noqa: F811
    screenshot,
):
    context = phone_context(browser, live_server.url, user=floor["operator"])
    page = context.new_page()
    page.goto(live_server.url + "/dashboard/")
    page.goto(live_server.url + "/dashboard/province/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bảng điều hành của tỉnh"

    # November 2026, day by day: the figures and the month before them.
    page.get_by_label("Từ ngày").fill("2026-11-01")
    page.get_by_label("Đến hết ngày").fill("2026-11-30")
    page.locator("form", has=page.get_by_label("Từ ngày")).get_by_role("button").click()
    page.wait_for_url("**start=2026-11-01**")
    summary = page.locator("#summary-table")
    assert "01/11/2026–30/11/2026" in page.locator(".province-period-shown").inner_text()
    first = summary.locator("tbody tr").first
    assert first.locator("th").inner_text() == "Doanh số (GMV, ₫)"
    assert [td.inner_text() for td in first.locator("td").all()] == [
        "1.000.000",
        "200.000",
        "+400,0 %",
    ]
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    page.wait_for_timeout(300)
    drawn = page.evaluate(CHARTS_DRAWN)
    assert len(drawn) >= 8 and all(drawn)
    # Money in Vietnamese grouping, on the chart as in the table.
    ticks = page.evaluate(
        "() => window.Chart.getChart(document.querySelector('canvas[data-chart=trend]'))"
        ".scales.y.ticks.map((t) => t.label)"
    )
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+ ₫", tick) for tick in ticks), ticks
    assert_fits(page)
    screenshot(page, "province-dashboard-360")

    # A table as CSV: what the page shows, for the same period.
    with page.expect_download() as waiting:
        page.locator("#commune-title ~ p a", has_text="CSV").click()
    download = waiting.value
    assert download.suggested_filename == "province-commune-20261101-20261130.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[3][:2] == ["Xã/phường", "Doanh số (₫)"]
    assert rows[4][0].startswith("Xã Đồng Văn") and rows[4][1] == "600000"

    # Every table in one workbook.
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Tải tất cả các bảng (Excel)").click()
    assert waiting.value.suggested_filename == "province-all-20261101-20261130.xlsx"
    book = load_workbook(io.BytesIO(Path(waiting.value.path()).read_bytes()))
    assert len(book.sheetnames) == len(TITLES)
    summary_sheet = book[book.sheetnames[0]]
    assert ("Doanh số (GMV, ₫)", 1000000, 200000, 4) in list(
        summary_sheet.iter_rows(values_only=True)
    )

    # A period that ends before it starts: said in words, no figures.
    page.get_by_label("Từ ngày").fill("2026-11-30")
    page.get_by_label("Đến hết ngày").fill("2026-11-01")
    page.locator("form", has=page.get_by_label("Từ ngày")).get_by_role("button").click()
    page.wait_for_url("**start=2026-11-30**")
    assert "Kỳ kết thúc trước khi bắt đầu." in page.get_by_role("alert").inner_text()
    assert page.locator("#summary-table").count() == 0
    context.close()

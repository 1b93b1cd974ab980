"""The province dashboard's page and downloads: who may open them, bad periods, query budgets,
and the files' contents."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from shop.province.tables import TITLES
from tests import factories
from tests.province.builders import buyer

pytestmark = pytest.mark.django_db

PAGE = reverse("province-dashboard:index")
EXPORT = reverse("province-dashboard:export")
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}


def signed_in(user):
    """Operators' pages speak Vietnamese (the dashboard has no /en/ prefix)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def operator_client(floor):
    return signed_in(floor["operator"])


def test_the_page_shows_every_table_under_its_chart_within_a_query_budget(
    operator_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(22):
        response = operator_client.get(PAGE, NOVEMBER)
    assert response.status_code == 200
    body = response.content.decode()
    assert "01/11/2026–30/11/2026" in body and "01/10/2026–31/10/2026" in body
    for key in TITLES:
        assert f'id="{key}-table"' in body
        assert f"table={key}&amp;format=xlsx" in body
    for key in ("trend", "province", "category", "kind", "stars", "payments", "deliveries"):
        assert f'data-chart="{key}" data-chart-source="province-chart-data"' in body
    assert 'id="province-chart-data"' in body
    assert "1.000.000 ₫" in body and "+400,0 %" in body
    assert '<th scope="col"' in body and "<caption>" in body
    assert "<script>" not in body.replace('<script id="province-chart-data"', "")
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in body or "chart.umd" in body
    assert 'src="/static/shop/charts.js"' in body


def test_the_page_reads_in_vietnamese(floor):
    body = signed_in(floor["operator"]).get(PAGE, NOVEMBER).content.decode()
    for text in (
        "Bảng điều hành của tỉnh",
        "Doanh số theo xã nơi sản xuất",
        "Kỳ trước",
        "Xã Đồng Văn",
    ):
        assert text in body


def test_a_preset_period_and_the_default_month(operator_client):
    assert operator_client.get(PAGE).status_code == 200
    assert operator_client.get(PAGE, {"preset": "12-months"}).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-11-30", "end": "2026-11-01"}, "Kỳ kết thúc trước khi bắt đầu."),
        ({"start": "2026-11-01"}, "Hãy nhập cả ngày đầu và ngày cuối."),
        ({"start": "2026-13-01", "end": "2026-11-01"}, "Vui lòng nhập ngày hợp lệ."),
        ({"preset": "forever"}, "forever"),
    ],
)
def test_a_bad_period_is_said_in_words_with_no_figures(operator_client, query, message):
    response = operator_client.get(PAGE, query)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and 'role="alert"' in body
    assert 'id="summary-table"' not in body
    export = operator_client.get(EXPORT, {**query, "table": "summary", "format": "csv"})
    assert export.status_code == 400 and message in export.content.decode()


def test_a_csv_download_is_the_table_on_the_page(operator_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = operator_client.get(EXPORT, {**NOVEMBER, "table": "commune", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="province-commune-20261101-20261130.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Kỳ: 01/11/2026–30/11/2026, so với kỳ 01/10/2026–31/10/2026"
    header = rows[3]
    assert header[:3] == ["Xã/phường", "Doanh số (₫)", "Kỳ trước (₫)"]
    assert rows[4][0].startswith("Xã Đồng Văn") and rows[4][1:3] == ["600000", "200000"]
    assert rows[5][0].startswith("Xã Mèo Vạc") and rows[5][1] == "400000"


def test_the_excel_workbook_holds_every_table(operator_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = operator_client.get(EXPORT, {**NOVEMBER, "table": "all", "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == len(TITLES)
    payments = book["Các phương thức thanh toán"]
    values = [row for row in payments.iter_rows(values_only=True) if row and row[0] == "VNPay"]
    assert values == [("VNPay", 1, pytest.approx(1 / 3), 400000, 1, 0)]


def test_an_empty_period_downloads_a_file_that_says_so(operator_client):
    query = {"start": "2024-02-01", "end": "2024-02-29", "table": "deliveries", "format": "xlsx"}
    response = operator_client.get(EXPORT, query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    nothing = "Không có số liệu nào trong kỳ này."
    assert [c for row in sheet.iter_rows(values_only=True) for c in row if c == nothing] == [
        nothing
    ]
    csv_text = operator_client.get(EXPORT, {**query, "format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.strip().endswith(nothing)


@pytest.mark.parametrize(
    "query",
    [
        {"table": "secrets", "format": "csv"},
        {"table": "summary", "format": "pdf"},
        {"table": "all", "format": "csv"},
        {},
    ],
)
def test_an_unknown_download_is_refused_in_words(operator_client, query):
    response = operator_client.get(EXPORT, {**NOVEMBER, **query})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_producers_and_buyers_are_refused_and_strangers_sent_to_sign_in(floor):
    producer = factories.producer_user(floor["a"])
    for user in (producer, buyer("nguoimua@example.com")):
        client = signed_in(user)
        for url in (PAGE, EXPORT + "?table=summary&format=csv"):
            response = client.get(url)
            assert response.status_code == 403, (user, url)
            assert b"1000000" not in response.content
    for url in (PAGE, EXPORT):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response.url


def test_operators_find_it_in_the_dashboard_menu(operator_client):
    body = operator_client.get(reverse("dashboard:index")).content.decode()
    assert f'href="{PAGE}"' in body

"""The public "Chỉ số hài lòng" page, a producer's public figures and the producer's dashboard
page, from figures rows (the computation has its own known-answer tests)."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop.satisfaction import selectors
from shop.satisfaction.models import MonthlyFigures, Scope
from tests import factories

pytestmark = pytest.mark.django_db

A_DIMENSIONS = {
    "access": 83.3,
    "ordering": 83.3,
    "conduct": 75.0,
    "goods": 60.0,
    "complaints": 50.0,
}


def row(scope, key, month, **values):
    defaults = {
        "orders": 6,
        "delivered": 5,
        "delivered_on_time": 3,
        "reviews": 3,
        "rating": Decimal("4.00"),
        "complaints": 2,
        "complaints_resolved": 2,
        "complaints_resolved_in_time": 1,
        "median_resolution_hours": Decimal("20.0"),
        "dimensions": A_DIMENSIONS,
        "index": Decimal("70.3"),
    }
    return MonthlyFigures.objects.create(
        month=month, scope=scope, key=key, computed_at=timezone.now(), **{**defaults, **values}
    )


@pytest.fixture
def published():
    months = selectors.months_last()
    this, last = months[-1], months[-2]
    a = factories.producer("HTX Mật ong Đồng Văn", code="a-honey")
    b = factories.producer("HTX Chè Mèo Vạc", code="b-tea", ward=factories.MEO_VAC)
    hidden = factories.producer("HTX Ẩn danh", code="hidden")
    hidden.is_public = False
    hidden.save()
    row(
        Scope.FLOOR,
        0,
        this,
        orders=8,
        delivered=7,
        delivered_on_time=5,
        index=Decimal("73.5"),
        dimensions={
            "access": 87.5,
            "ordering": 83.3,
            "conduct": 75.0,
            "goods": 71.4,
            "complaints": 50.0,
        },
    )
    row(Scope.FLOOR, 0, last, orders=4, index=Decimal("64.2"))
    row(Scope.PRODUCER, a.pk, this)
    row(Scope.PRODUCER, a.pk, last, index=Decimal("61.9"))
    row(
        Scope.PRODUCER,
        b.pk,
        this,
        orders=2,
        delivered=2,
        delivered_on_time=2,
        reviews=0,
        rating=None,
        complaints=0,
        complaints_resolved=0,
        complaints_resolved_in_time=0,
        median_resolution_hours=None,
        dimensions={},
        index=None,
    )
    row(Scope.PRODUCER, hidden.pk, this, index=Decimal("99.9"))
    row(Scope.PROVINCE, 8, this, index=Decimal("73.5"))
    row(Scope.COMMUNE, factories.DONG_VAN, this)
    return {"a": a, "b": b, "hidden": hidden, "this": this, "last": last}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_page_in_vietnamese(client, published):
    response = client.get("/satisfaction/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Chỉ số hài lòng</h1>" in page
    assert "73,5" in page and "70,3" in page  # Vietnamese decimals
    assert "HTX Mật ong Đồng Văn" in page and "HTX Chè Mèo Vạc" in page
    assert "Chưa đủ dữ liệu" in page  # B: too few orders
    assert "HTX Ẩn danh" not in page  # not public
    assert "Xã Đồng Văn, Tuyên Quang" in page or "Xã Đồng Văn" in page
    assert "Cách tính chỉ số" in page and "SIPAS" in page
    assert 'href="/satisfaction/"' in page  # the footer's link


def test_page_in_english(client, published):
    response = client.get("/en/satisfaction/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Satisfaction index</h1>" in page
    assert "73.5" in page and "How the index is computed" in page
    assert "Not enough data" in page
    assert 'href="/en/satisfaction/"' in page


def test_charts_read_json_from_the_page_and_no_inline_script(client, published):
    response = client.get("/satisfaction/")
    page = response.content.decode()
    # Every inline script carries the CSP nonce (the layout's) or is data, not code; ours is
    # data only.
    for attributes, _body in re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S):
        assert any(a in attributes for a in ("src=", "nonce=", 'type="application/json"'))
    ours = page[page.index('<div class="satisfaction">') : page.index("<footer")]
    for attributes, _body in re.findall(r"<script([^>]*)>(.*?)</script>", ours, flags=re.S):
        assert 'type="application/json"' in attributes
    assert "/static/shop/charts.js" in page
    assert "/static/vendor/chartjs/chart.umd.min.js" in page
    data = json.loads(
        re.search(
            r'id="satisfaction-chart-data" type="application/json">(.*?)</script>', page, re.S
        ).group(1)
    )
    assert len(data["index"]["labels"]) == 12
    assert data["index"]["series"][0]["values"][-2:] == [64.2, 73.5]
    assert data["shares"]["series"][0]["values"][-1] == pytest.approx(71.4)  # 5 of 7
    assert data["shares"]["unit"] == "percent" and data["rating"]["min"] == 1
    for key in ("index", "shares", "rating"):
        assert f'data-chart="{key}" data-chart-source="satisfaction-chart-data"' in page
    # The table under the chart has the same figures.
    assert re.search(r"<th scope=\"row\">\d\d/\d{4}</th><td class=\"text-right\">73,5</td>", page)
    assert "content-security-policy" in {k.lower() for k in response.headers}


def test_producers_sort_by_index_then_by_name(client, published):
    page = text(client.get("/satisfaction/"))
    assert page.index("HTX Mật ong Đồng Văn") < page.index("HTX Chè Mèo Vạc")  # 70.3, then none
    page = text(client.get("/satisfaction/?sort=name"))
    table = page[page.index('id="producers-title"') :]
    assert table.index("HTX Chè Mèo Vạc") < table.index("HTX Mật ong Đồng Văn")
    assert 'aria-sort="ascending">Nhà sản xuất' in table


@pytest.mark.parametrize("query", ["?month=2026-13", "?month=abc", "?sort=drop", "?month=1999-01"])
def test_bad_parameters_show_the_latest_month(client, published, query):
    response = client.get("/satisfaction/" + query)
    assert response.status_code == 200
    assert "73,5" in text(response)


def test_an_earlier_month(client, published):
    page = text(client.get(f"/en/satisfaction/?month={published['last']:%Y-%m}"))
    assert "64.2" in page and "61.9" in page
    assert "HTX Chè Mèo Vạc" not in page.split('id="producers-title"')[1].split("</table>")[0]


def test_no_figures_at_all(client):
    response = client.get("/satisfaction/")
    assert response.status_code == 200
    assert "Chưa đủ dữ liệu" in text(response)


def test_query_count_does_not_grow_with_producers(client, published):
    # Each URL renders once (the page cache keeps it); a first visit warms the footer's cache.
    client.get("/satisfaction/?sort=on_time")
    with CaptureQueriesContext(connection) as few:
        client.get("/satisfaction/?sort=name")
    for i in range(20):
        maker = factories.producer(f"HTX số {i}")
        row(Scope.PRODUCER, maker.pk, published["this"])
    client.get("/satisfaction/?sort=complaints")
    with CaptureQueriesContext(connection) as many:
        client.get("/satisfaction/?sort=rating")
    assert len(many) == len(few) <= 12


def test_producer_public_page(client, published):
    a = published["a"]
    page = text(client.get(f"/satisfaction/producers/{a.pk}/"))
    assert "HTX Mật ong Đồng Văn" in page and "70,3" in page and "61,9" in page
    assert "Toàn sàn: 73,5" in page  # compared with the floor
    assert client.get(f"/satisfaction/producers/{published['hidden'].pk}/").status_code == 404
    assert client.get("/en/satisfaction/producers/999999/").status_code == 404


def test_dashboard_shows_own_figures_and_advice(client, published):
    client.force_login(factories.producer_user(published["a"]))
    response = client.get("/dashboard/producer/satisfaction/")
    assert response.status_code == 200
    page = text(response)
    assert "70,3" in page and "73,5" in page
    # Weakest first: complaints 50, goods 60, conduct 75 (under 80), access 83.3 (under the
    # floor's 87.5); ordering 83.3 is the floor's own and over 80: no advice.
    advice = page[page.index('id="advice-title"') : page.index('id="current-title"')]
    order = ["Xử lý khiếu nại", "Hàng đúng mô tả, giao đúng hẹn", "Thái độ phục vụ", "Tiếp cận"]
    assert [advice.index(label) for label in order] == sorted(advice.index(x) for x in order)
    assert "48 giờ" in advice
    assert "Đặt hàng và thanh toán" not in advice
    assert "HTX Chè Mèo Vạc" not in page


def test_dashboard_for_a_producer_without_figures(client, published):
    client.force_login(factories.producer_user(published["b"]))
    page = text(client.get("/dashboard/producer/satisfaction/"))  # the dashboard is Vietnamese
    assert "Chưa đủ đơn hàng" in page
    assert "70,3" not in page  # A's index


def test_dashboard_refuses_others(client, published):
    assert client.get("/dashboard/producer/satisfaction/").status_code == 302
    buyer = factories.operator("x@example.com")
    buyer.is_staff = False
    buyer.save()
    client.force_login(buyer)
    assert client.get("/dashboard/producer/satisfaction/").status_code in (302, 403)

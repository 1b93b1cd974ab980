"""The Ministry of Industry and Trade's periodic statistics, against a floor built by hand.

Last quarter (the page's default period), with times set on the rows:
* producers: A approved in the quarter (new), B set up by the operator long before (no
  application), C approved after the quarter (not yet a seller then), D suspended (off the
  floor) → sellers on the floor 2 (A, B), new sellers 1 (A);
* listings: honey (A) created in the quarter by the operator → new; tea (B) created in
  January; jam (B) approved from a producer's listing in the quarter → new; a hidden one (B);
  C's created after the quarter → listings on sale 3, new listings 2;
* orders placed in the quarter: honey delivered (successful), tea ×2 cash on delivery confirmed
  (in progress), an unpaid QR order (in progress, not counted), an unpaid one cancelled
  (failed); one more delivered after the quarter (outside) → orders 4, counted 2, successful
  1, failed 1, in progress 2; GMV 200,000 + 2 × 300,000 = 800,000 đồng (shipping excluded);
  sellers with sales 2 (A, B).
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from oscar.core.loading import get_model

from shop.figures import statistics
from shop.onboarding.models import Application, Decision
from shop.producers.models import ListingChange
from shop.province import services
from shop.reporting import DateRange, local_zone, preset_range
from tests import factories
from tests.figures import floor

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
URL = "/dashboard/moit-statistics/"


def at(day, hour=12):
    return datetime.combine(day, time(hour), tzinfo=local_zone())


def approve(partner, when, operator):
    application = Application.objects.create(
        kind="household",
        name=partner.name,
        representative="Giàng A Páo",
        phone="0912345678",
        email=f"{partner.code}@example.com",
        province_code=8,
        ward_code=partner.ward_code,
        payout_bank_bin="970436",
        payout_account_number="0123456789",
        payout_account_holder="GIANG A PAO",
        products="Mật ong",
        partner=partner,
        status="approved",
    )
    decision = Decision.objects.create(application=application, actor=operator, action="approve")
    Decision.objects.filter(pk=decision.pk).update(created_at=when)


@pytest.fixture
def quarter():
    return preset_range("last-quarter")


@pytest.fixture
def built(quarter, settings):
    settings.PAYMENT_COD_MAX_TOTAL = Decimal(100_000_000)
    inside, after = quarter.start + timedelta(days=20), quarter.end + timedelta(days=3)
    operator = factories.operator()
    a = factories.producer("Hộ ông Páo (A)", code="a-honey")
    b = factories.producer("HTX Chè B", code="b-tea", ward=factories.MEO_VAC)
    c = factories.producer("HTX Cam C", code="c-orange")
    d = factories.producer("Hộ bà Dợ (D)", code="d-off")
    for partner in (a, b):
        factories.producer_user(partner)
    approve(a, at(inside), operator)
    approve(c, at(after), operator)
    type(d).objects.filter(pk=d.pk).update(suspended_at=timezone.now())

    honey = factories.product("Mật ong bạc hà", price="200000", maker=a, stock=50)
    tea = factories.product("Chè Shan Tuyết", price="300000", maker=b, stock=50)
    jam = factories.product("Mứt mận", price="90000", maker=b)
    factories.product("Chè ẩn", maker=b, public=False)
    orange = factories.product("Cam sành", maker=c)
    factories.product("Mật ong của D", maker=d)
    created = {honey: at(inside), tea: at(quarter.start.replace(month=1, day=1)), orange: at(after)}
    for product, when in created.items():
        Product.objects.filter(pk=product.pk).update(date_created=when)
    Product.objects.filter(pk=jam.pk).update(date_created=at(quarter.start - timedelta(days=2)))
    ListingChange.objects.create(
        product=jam,
        partner=b,
        kind="new",
        status="approved",
        submitted_by=b.users.get(),
        decided_by=operator,
        decided_at=at(inside + timedelta(days=1)),
    )

    delivered = floor.place([(honey, 1)])
    floor.deliver(delivered, a)
    confirmed = floor.place([(tea, 2)])
    floor.deliver(confirmed, b, upto="confirmed")
    unpaid = floor.place([(tea, 1)], method="vietqr")
    expired = floor.place([(honey, 1)], method="vietqr")
    floor.cancel(expired)
    outside = floor.place([(jam, 1)])
    floor.deliver(outside, b)
    for order in (delivered, confirmed, unpaid, expired):
        Order.objects.filter(pk=order.pk).update(date_placed=at(inside, hour=0))
    Order.objects.filter(pk=outside.pk).update(date_placed=at(after))
    # The orders' figures of past days are read from the province summaries.
    services.summaries_refresh(first=quarter.start, last=timezone.localdate())
    return {"operator": operator, "a": a, "b": b}


EXPECTED = {
    "sellers": 2,
    "new_sellers": 1,
    "selling_sellers": 2,
    "listings": 3,
    "new_listings": 2,
    "orders": 4,
    "counted_orders": 2,
    "successful_orders": 1,
    "failed_orders": 1,
    "in_progress_orders": 2,
    "gmv": Decimal(800000),
}


def _operator_client(built):
    client = Client()
    client.force_login(built["operator"])
    return client


def test_the_figures_of_the_quarter(built, quarter, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        figures = statistics.moit_statistics(period=quarter)
    assert {key: value for key, _label, value, _unit in statistics.rows(figures)} == EXPECTED
    assert not figures.empty


def test_the_page_and_both_files_say_the_same(built, quarter, django_assert_max_num_queries):
    client = _operator_client(built)
    with django_assert_max_num_queries(8):  # the session, the user, four aggregates
        page = client.get(URL)  # last quarter, by default
    assert page.status_code == 200
    assert {k: v for k, _l, v, _u in page.context["rows"]} == EXPECTED
    body = page.content.decode()
    assert "Thống kê gửi Bộ Công Thương" in body and "800.000" in body

    query = f"?start={quarter.start:%Y-%m-%d}&end={quarter.end:%Y-%m-%d}"
    with django_assert_max_num_queries(8):
        xlsx = client.get(URL + "xlsx/" + query)
    assert xlsx["Content-Disposition"].endswith(f'-{quarter.slug}.xlsx"')
    sheet = load_workbook(BytesIO(xlsx.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = cells.index(["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"])
    values = {row[1]: row[3] for row in cells[header + 1 :]}
    assert (
        values["Tổng giá trị hàng hoá bán ra (GMV, gồm thuế, không tính phí vận chuyển)"] == 800000
    )
    assert values["Đơn hàng thành công (đã giao)"] == 1
    assert values["Đơn hàng không thành công (bị huỷ hoặc hoàn về)"] == 1
    assert values["Tổng số đơn hàng"] == 4
    assert f"Kỳ báo cáo: từ {quarter.start:%d/%m/%Y} đến {quarter.end:%d/%m/%Y}" in cells[1][0]

    with django_assert_max_num_queries(8):
        csv = client.get(URL + "csv/" + query)
    text = csv.content.decode("utf-8-sig")
    assert "Tổng số đơn hàng,đơn hàng,4" in text.replace('"', "")
    assert "800000" in text


def test_an_empty_period_exports_a_file_that_says_so(built):
    client = _operator_client(built)
    for kind in ("csv", "xlsx"):
        response = client.get(f"{URL}{kind}/?start=2020-01-01&end=2020-03-31")
        assert response.status_code == 200
        if kind == "xlsx":
            sheet = load_workbook(BytesIO(response.content)).active
            text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
        else:
            text = response.content.decode("utf-8-sig")
        assert "Không có hoạt động nào trên sàn trong kỳ này" in text
        assert "Tổng số đơn hàng" in text  # the figures are there, zeros included
    page = client.get(URL + "?start=2020-01-01&end=2020-03-31")
    assert "Không có hoạt động nào trên sàn trong kỳ này" in page.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-09-30&end=2026-07-01", "Kỳ kết thúc trước khi bắt đầu."),
        ("start=2099-01-01&end=2099-03-31", "Kỳ này chưa bắt đầu."),
        ("start=2026-02-30&end=2026-03-31", "ngày hợp lệ"),
        ("preset=forever", ""),
        ("start=2026-07-01", "Hãy nhập cả ngày đầu và ngày cuối."),
    ],
)
def test_bad_periods_are_said_in_words_never_a_500(built, query, message):
    client = _operator_client(built)
    page = client.get(f"{URL}?{query}")
    assert page.status_code == 200
    assert page.context["figures"] is None
    assert message in page.content.decode()
    for kind in ("csv", "xlsx"):
        download = client.get(f"{URL}{kind}/?{query}")
        assert download.status_code == 400
        assert download["Content-Type"].startswith("text/html")
        assert message in download.content.decode()


def test_producers_buyers_and_visitors_are_refused(built):
    producer, buyer = Client(), Client()
    producer.force_login(built["a"].users.get())
    buyer.force_login(floor.buyer())
    for path in ("", "csv/", "xlsx/"):
        assert producer.get(URL + path).status_code == 403
        assert buyer.get(URL + path).status_code == 403
        anonymous = Client().get(URL + path)
        assert anonymous.status_code == 302 and "login" in anonymous.url


def test_the_half_years_and_last_quarter():
    from datetime import date

    today = date(2026, 12, 7)
    assert preset_range("last-quarter", today=today) == DateRange(
        date(2026, 7, 1), date(2026, 9, 30)
    )
    assert preset_range("last-quarter", today=date(2026, 2, 1)) == DateRange(
        date(2025, 10, 1), date(2025, 12, 31)
    )
    assert preset_range("half-year", today=today) == DateRange(date(2026, 7, 1), date(2026, 12, 31))
    assert preset_range("last-half-year", today=today) == DateRange(
        date(2026, 1, 1), date(2026, 6, 30)
    )
    assert preset_range("last-half-year", today=date(2026, 3, 1)) == DateRange(
        date(2025, 7, 1), date(2025, 12, 31)
    )

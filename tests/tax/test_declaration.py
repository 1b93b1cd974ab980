"""The operators' monthly declaration (XLSX, cell by cell), the producers' yearly certificate,
who may see what, and bad input."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from shop.settlements import services
from tests import factories
from tests.settlements import helpers

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _maker(name, kind, tax_id, street=""):
    partner = helpers.producer(name)
    partner.kind, partner.tax_id, partner.street = kind, tax_id, street
    partner.save()
    return partner


@pytest.fixture
def floor():
    """November 2026: household A sells 333 333 and 100 000 (refunded 100 000 on 20 Nov);
    household B sells 250 000 (its October sale is refunded in November); a cooperative sells
    500 000 (never withheld, not declared)."""
    operator = helpers.operator()
    a = _maker("Hộ Giàng A Pao", "household", "001085012345", "Thôn Lũng Cẩm")
    b = _maker("Hộ Lò Thị Mỷ", "household", "0100109106")
    coop = _maker("HTX Chè Shan", "cooperative", "0100109106-001")
    honey = helpers.product(a, price="333333", title="Mật ong")
    cake = helpers.product(a, price="100000", title="Bánh tam giác mạch")
    tea = helpers.product(b, price="250000", title="Chè")
    green = helpers.product(coop, price="500000", title="Chè xanh")

    october = helpers.pay(helpers.order([(tea, 1)]), operator)
    helpers.deliver(october, b, datetime(2026, 10, 20, 9, tzinfo=HCM))
    services.entries_record(now=datetime(2026, 10, 21, tzinfo=HCM))

    first = helpers.pay(helpers.order([(honey, 1), (cake, 1), (green, 1)]), operator)
    helpers.deliver(first, a, datetime(2026, 11, 5, 9, tzinfo=HCM))
    helpers.deliver(first, coop, datetime(2026, 11, 5, 9, tzinfo=HCM))
    second = helpers.pay(helpers.order([(tea, 1)]), operator)
    helpers.deliver(second, b, datetime(2026, 11, 30, 23, 59, tzinfo=HCM))  # still November
    services.entries_record(now=datetime(2026, 11, 10, tzinfo=HCM))
    helpers.refund(first, a, 100000, actor=operator, at=datetime(2026, 11, 20, tzinfo=HCM))
    helpers.refund(october, b, 250000, actor=operator, at=datetime(2026, 11, 25, tzinfo=HCM))
    services.entries_record(now=datetime(2026, 12, 1, 1, tzinfo=HCM))
    return {"operator": operator, "a": a, "b": b, "coop": coop}


def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_the_declaration_is_checked_cell_by_cell(client, floor):
    client.force_login(floor["operator"])
    with translation.override("vi"):
        url = reverse("settlements-dashboard:tax-xlsx") + "?month=2026-11"
        sheet = _sheet(client.get(url, HTTP_ACCEPT_LANGUAGE="vi"))
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "11/2026" in rows[0][0] and "01/CNKD-TMĐT" in rows[0][0]
    assert "Chợ Phiên" in rows[1][0]
    assert "117/2025" in rows[2][0]
    assert rows[3] == [None] * len(rows[3]) or rows[3][0] is None
    header, body = rows[4], rows[5:]
    assert len(header) == 9
    # A: sales 433 333, refund -100 000 -> revenue 333 333; VAT 3 333 + 1 000 - 1 000;
    # PIT 1 667 + 500 - 500.
    assert body[0] == [
        1,
        "Hộ Giàng A Pao",
        "001085012345",
        "Thôn Lũng Cẩm, Xã Đồng Văn, Tuyên Quang",
        433333,
        -100000,
        333333,
        3333,
        1667,
    ]
    # B: November's sale 250 000, October's sale refunded in November: it offsets here.
    assert body[1] == [
        2,
        "Hộ Lò Thị Mỷ",
        "0100109106",
        "Xã Đồng Văn, Tuyên Quang",
        250000,
        -250000,
        0,
        0,
        0,
    ]
    assert body[2] == [None, "Tổng cộng", None, None, 683333, -350000, 333333, 3333, 1667]
    assert len(body) == 3  # the cooperative is not withheld from, so not declared
    # money cells are numbers formatted as đồng
    assert sheet.cell(row=6, column=8).number_format == '#,##0 "₫"'


def test_the_page_lists_the_same_month(client, floor):
    client.force_login(floor["operator"])
    response = client.get(reverse("settlements-dashboard:tax") + "?month=2026-11")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.name, r.revenue, r.vat, r.pit) for r in rows] == [
        ("Hộ Giàng A Pao", Decimal(333333), Decimal(3333), Decimal(1667)),
        ("Hộ Lò Thị Mỷ", Decimal(0), Decimal(0), Decimal(0)),
    ]
    assert "<caption>" in response.content.decode()


def test_an_empty_month_is_a_file_that_says_so(client):
    client.force_login(helpers.operator())
    sheet = _sheet(client.get(reverse("settlements-dashboard:tax-xlsx") + "?month=2025-08"))
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    with translation.override("vi"):
        from django.utils.translation import gettext

        assert gettext("Nothing in this period.") in values


@pytest.mark.parametrize(
    ("month", "code"),
    [
        ("2026-13", "month_format"),
        ("11/2026", "month_format"),
        ("'; DROP", "month_format"),
        ("2099-01", "month_future"),
        ("2025-06", "month_before_start"),
        ("", "required"),
    ],
)
def test_bad_months_are_clear_errors(client, month, code):
    client.force_login(helpers.operator())
    for name in ("settlements-dashboard:tax", "settlements-dashboard:tax-xlsx"):
        response = client.get(reverse(name) + f"?month={month}")
        assert response.status_code == 400
        errors = response.context["form"].errors.as_data()["month"]
        assert errors[0].code == code
        shown = response.context["form"].errors["month"][0]
        assert escape(shown) in response.content.decode()


def _text(pdf_bytes) -> str:
    document = pypdfium2.PdfDocument(pdf_bytes)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_a_producer_downloads_its_own_yearly_certificate(client, floor):
    user = factories.producer_user(floor["a"])
    client.force_login(user)
    response = client.get(reverse("producer-statements:tax-certificate", kwargs={"year": 2026}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Hộ Giàng A Pao" in text and "001085012345" in text and "2026" in text
    assert "11/2026" in text and "333.333 ₫" in text and "3.333 ₫" in text and "1.667 ₫" in text
    assert "Hộ Lò Thị Mỷ" not in text
    page = client.get(reverse("producer-statements:tax"))
    assert "001085012345" in page.content.decode()
    # years outside withholding: not found
    for year in (2024, 2099):
        url = reverse("producer-statements:tax-certificate", kwargs={"year": year})
        assert client.get(url).status_code == 404


def test_a_cooperative_is_told_nothing_is_withheld(client, floor):
    client.force_login(factories.producer_user(floor["coop"]))
    response = client.get(reverse("producer-statements:tax-certificate", kwargs={"year": 2026}))
    assert response.status_code == 200
    assert 'id="nothing-withheld"' in response.content.decode()


def test_operators_get_any_producers_certificate_producers_are_refused(client, floor):
    url = reverse(
        "settlements-dashboard:tax-certificate", kwargs={"pk": floor["b"].pk, "year": 2026}
    )
    client.force_login(factories.producer_user(floor["a"]))
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("settlements-dashboard:tax-xlsx") + "?month=2026-11").status_code == 403
    )
    client.force_login(floor["operator"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Hộ Lò Thị Mỷ" in _text(response.content)


def test_operators_correct_a_tax_code_and_wrong_ones_are_refused(client, floor):
    client.force_login(floor["operator"])
    url = reverse("settlements-dashboard:tax-producer", kwargs={"pk": floor["coop"].pk})
    assert client.get(url).status_code == 200
    for wrong in ("0100109107", "001085012345", "12"):  # check digit; a personal ID; length
        response = client.post(url, {"tax_id": wrong})
        assert response.status_code == 400
        assert response.context["form"].errors["tax_id"]
        floor["coop"].refresh_from_db()
        assert floor["coop"].tax_id == "0100109106-001"
    assert client.post(url, {"tax_id": "0100 109 106"}).status_code == 302
    floor["coop"].refresh_from_db()
    assert floor["coop"].tax_id == "0100109106"

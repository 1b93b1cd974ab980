"""Operators upload a carrier's COD report and decide the discrepancies it raises, on pages
under /dashboard/settlements/cod/ that only operators reach."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from shop.fulfilment import cod
from shop.fulfilment.models import CodDiscrepancy, Shipment
from shop.settlements import cod_report
from tests import factories
from tests.fulfilment.cod_helpers import advance, cod_order

pytestmark = pytest.mark.django_db
Cod = Shipment.Cod
Status = Shipment.Status

HONEY_DUE, TEA_DUE = 370000, 430000
REPORT = reverse("settlements-dashboard:cod-report")
QUEUE = reverse("settlements-dashboard:cod-queue")


@pytest.fixture
def staff():
    user = get_user_model().objects.create_user("op", "op@example.com", "pw", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shipped(client):
    order, honey, tea = cod_order(client)
    advance(honey, Status.SHIPPED, code="GHNHONEY01")
    advance(tea, Status.SHIPPED, code="GHNTEA0002")
    return order, honey, tea


def upload(client, name, data: bytes, **extra):
    return client.post(REPORT, {"report": SimpleUploadedFile(name, data), **extra})


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        (370000, 370000),
        (370000.0, 370000),
        ("370000", 370000),
        ("370.000", 370000),
        ("370,000 ₫", 370000),
        ("370.000đ", 370000),
        ("370000.00", 370000),
        ("1.234.567", 1234567),
        ("abc", None),
        ("-5000", None),
        ("370.5", None),
        (370000.5, None),
        ("", None),
        (True, None),
    ],
)
def test_amounts_in_whole_dong(cell, amount):
    assert cod_report.amount_parse(cell) == (None if amount is None else Decimal(amount))


def test_a_vietnamese_header_names_the_columns_in_any_order():
    data = "STT;Tiền thu hộ;Mã đơn hàng\n1;370.000;GHNHONEY01\n2;x;GHNTEA0002\n3;5000;\n"
    rows = cod_report.report_read(name="ghn.csv", data=data.encode("utf-8-sig"))
    assert [(r.number, r.code, r.amount, bool(r.error)) for r in rows] == [
        (2, "GHNHONEY01", Decimal(370000), False),
        (3, "GHNTEA0002", None, True),
        (4, "", Decimal(5000), True),
    ]


def test_without_a_header_the_first_two_columns_are_code_and_amount():
    rows = cod_report.report_read(name="r.csv", data=b"GHNHONEY01,370000\n")
    assert [(r.number, r.code, r.amount) for r in rows] == [(1, "GHNHONEY01", Decimal(370000))]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("r.csv", b""),
        ("r.csv", b"\x89PNG\r\n\x1a\n\x00\x00"),  # an image named .csv
        ("r.xlsx", b"order_code,cod\nA,1\n"),  # text named .xlsx
        ("r.csv", xlsx([["order_code", "cod"]])),  # a workbook named .csv
        ("r.xlsx", b"PK\x03\x04 not really a zip"),
        ("r.csv", "Mã,Tên\nA,B\n".encode("latin-1")),  # not UTF-8
        ("r.pdf", b"order_code,cod\nA,1\n"),
        ("r.csv", b"Ma,Ten\nA,B\n"),  # no code/amount columns, and no amount in column two
    ],
)
def test_files_that_are_not_reports_are_refused(name, data):
    with pytest.raises(cod_report.ReportUnreadable):
        cod_report.report_read(name=name, data=data)


# --------------------------------------------------------------------------- the page


def test_a_csv_report_records_good_rows_and_lists_the_others(staff, shipped):
    order, honey, tea = shipped
    data = (
        "Mã đơn hàng,Tiền thu hộ\n"
        f"GHNHONEY01,{HONEY_DUE}\n"
        "GHNTEA0002,400.000\n"
        "UNKNOWN999,10000\n"
        "GHNHONEY01,abc\n"
    ).encode()
    response = upload(staff, "ghn-cod-0612.csv", data)
    assert response.status_code == 200
    html = response.content.decode()
    honey.refresh_from_db()
    tea.refresh_from_db()
    assert (honey.cod, honey.cod_collected) == (Cod.COLLECTED, HONEY_DUE)
    assert tea.cod == Cod.MISMATCH
    gap = CodDiscrepancy.objects.get()
    assert (gap.shipment, gap.reported, gap.source) == (tea, 400000, "report:ghn-cod-0612.csv")
    refused = response.context["refused"]
    assert [(r.number, r.code) for r in refused] == [(4, "UNKNOWN999"), (5, "GHNHONEY01")]
    assert (
        "UNKNOWN999" in html and 'class="table table-sm table-bordered cod-report-refused"' in html
    )
    # The same file again changes nothing.
    upload(staff, "ghn-cod-0612.csv", data)
    assert CodDiscrepancy.objects.count() == 1


def test_an_xlsx_report_counts_too(staff, shipped):
    _, honey, tea = shipped
    data = xlsx([["order_code", "cod_amount"], ["GHNHONEY01", HONEY_DUE], ["GHNTEA0002", TEA_DUE]])
    response = upload(staff, "ghn.xlsx", data)
    assert response.status_code == 200
    assert set(Shipment.objects.values_list("cod", flat=True)) == {Cod.COLLECTED}
    shipped[0].refresh_from_db()
    assert shipped[0].status == "Paid"


def test_a_code_twice_with_two_figures_is_refused_on_that_row(staff, shipped):
    _, honey, _ = shipped
    data = f"code,amount\nGHNHONEY01,{HONEY_DUE}\nGHNHONEY01,1\n".encode()
    response = upload(staff, "r.csv", data)
    assert [r.number for r in response.context["refused"]] == [3]
    honey.refresh_from_db()
    assert honey.cod == Cod.COLLECTED


def test_an_unreadable_file_is_a_form_error_and_changes_nothing(staff, shipped):
    response = upload(staff, "r.csv", b"\x89PNG\r\n\x1a\n\x00")
    assert response.status_code == 400
    assert response.context["form"].errors["report"]
    assert set(Shipment.objects.values_list("cod", flat=True)) == {Cod.DUE}


def test_report_values_are_escaped(staff, shipped):
    response = upload(staff, "r.csv", b"code,amount\n<script>x</script>,1\n")
    assert b"<script>x</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_the_queue_shows_a_discrepancy_and_an_operator_decides(staff, shipped):
    _, honey, _ = shipped
    upload(staff, "r.csv", b"GHNHONEY01,300000\n")
    gap = CodDiscrepancy.objects.get()
    page = staff.get(QUEUE)
    assert page.status_code == 200 and "GHNHONEY01" in page.content.decode()
    url = reverse("settlements-dashboard:cod-resolve", kwargs={"pk": gap.pk})
    refused = staff.post(url, {"decision": "write_off", "note": ""})
    assert refused.status_code == 400
    gap.refresh_from_db()
    assert gap.resolved_at is None
    done = staff.post(url, {"decision": "due", "note": "Shipper nộp bù"})
    assert done.status_code == 302
    gap.refresh_from_db()
    honey.refresh_from_db()
    assert gap.resolved_by.username == "op" and "Shipper nộp bù" in gap.resolution
    assert (honey.cod, honey.cod_collected) == (Cod.RESOLVED, HONEY_DUE)
    assert staff.post(url, {"decision": "due"}).status_code == 404  # no longer open


def test_only_operators_reach_the_cod_pages(client, shipped):
    _, honey, _ = shipped
    producer = factories.producer_user(honey.partner)
    producer_client = Client()
    producer_client.force_login(producer)
    cod.cod_reported(shipment=honey, amount=Decimal(1), source="webhook:ghn")
    resolve = reverse(
        "settlements-dashboard:cod-resolve", kwargs={"pk": CodDiscrepancy.objects.get().pk}
    )
    for who in (Client(), producer_client):
        for url in (QUEUE, REPORT):
            assert who.get(url).status_code in (302, 403, 404)
        assert who.post(resolve, {"decision": "due"}).status_code in (302, 403, 404)
        report = SimpleUploadedFile("r.csv", b"GHNHONEY01,1\n")
        assert who.post(REPORT, {"report": report}).status_code in (302, 403, 404)
    honey.refresh_from_db()
    assert honey.cod == Cod.MISMATCH


def test_a_workbook_that_unpacks_into_too_much_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/sharedStrings.xml", b"\x00" * (cod_report.MAX_UNPACKED_BYTES + 1))
    with pytest.raises(cod_report.ReportUnreadable):
        cod_report.report_read(name="r.xlsx", data=out.getvalue())

"""Spreadsheet-safe CSV: every CSV the floor writes neutralises cells a spreadsheet would run.

A product named `=HYPERLINK("http://evil","x")`, a producer named `@SUM(…)` and a buyer named
`+cmd|…` come out prefixed with a single quote in the settlement statement (producer's and
operator's download) and in the dashboard's order list and report downloads, through the real
views. Amounts stay numbers, negative ones included.
"""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.functional import lazy
from oscar.core.loading import get_model

from shop import csvsafe
from shop.settlements import services as settlements
from shop.settlements.models import Statement
from tests.settlements import helpers

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
EVIL_PRODUCT = '=HYPERLINK("http://evil","x")'
EVIL_PRODUCER = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_BUYER = "+cmd|' /C calc'!A0"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ShippingAddress = get_model("order", "ShippingAddress")
ProductRecord = get_model("analytics", "ProductRecord")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+84912345678", "'+84912345678"),
        ("-2+3", "'-2+3"),
        ("-15000", "'-15000"),  # text that looks like a number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Mật ong = ngon", "Mật ong = ngon"),
        (" =1", " =1"),
        ("", ""),
        ("'quoted", "'quoted"),
        (None, None),
        (-15000, -15000),
        (Decimal("-15000"), Decimal("-15000")),
        (Decimal("350000.50"), Decimal("350000.50")),
        (0, 0),
        (-1.5, -1.5),
    ],
)
def test_cell_table(value, written):
    result = csvsafe.cell(value)
    assert result == written
    assert type(result) is type(written)


def test_objects_and_lazy_text_are_checked_as_their_text():
    class Named:
        def __str__(self):
            return "=evil()"

    assert csvsafe.cell(Named()) == "'=evil()"
    assert csvsafe.cell(lazy(lambda: "-1+1", str)()) == "'-1+1"


def test_negative_numbers_stay_numbers_in_the_file():
    buffer = io.StringIO()
    csvsafe.writer(buffer).writerow([Decimal("-15000"), -45000, "-45000", "=1"])
    assert buffer.getvalue() == "-15000,-45000,'-45000,'=1\r\n"


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/csv"), response.content.decode()[-3000:]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _assert_no_live_formula(rows):
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_STARTS) or _is_number(value), (value, row)


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except ArithmeticError:
        return False
    return True


@pytest.fixture
def evil_statement():
    """A delivered, paid order of a product and producer with formula names, then refunded
    in the next half month (a negative net), both statements closed."""
    operator = helpers.operator()
    operator.is_superuser = True  # as the demo's operators: Oscar's order and report pages
    operator.save(update_fields=["is_superuser"])
    maker = helpers.producer(EVIL_PRODUCER)
    product = helpers.product(maker, price="350000", title=EVIL_PRODUCT)
    placed = helpers.pay(helpers.order([(product, 1)]), operator)
    helpers.deliver(placed, maker, datetime(2026, 11, 10, tzinfo=HCM))
    helpers.refund(placed, maker, 50000, actor=operator, at=datetime(2026, 11, 20, tzinfo=HCM))
    settlements.statements_close(now=datetime(2026, 11, 16, 1, tzinfo=HCM))
    settlements.statements_close(now=datetime(2026, 12, 1, 1, tzinfo=HCM))
    return {"operator": operator, "producer": maker, "order": placed}


def test_the_settlement_csv_neutralises_names_and_keeps_amounts_as_numbers(client, evil_statement):
    maker = evil_statement["producer"]
    first, refund_only = Statement.objects.filter(partner=maker).order_by("period_start")
    client.force_login(evil_statement["operator"])
    rows = _rows(client.get(reverse("settlements-dashboard:csv", kwargs={"pk": first.pk})))
    _assert_no_live_formula(rows)
    assert rows[1][1] == "'" + EVIL_PRODUCER
    sale = next(
        row for row in rows if len(row) > 6 and row[2].endswith('HYPERLINK("http://evil","x")')
    )
    assert sale[2] == "'" + EVIL_PRODUCT
    # Gross, commission, VAT and PIT withheld for a household (1 % and 0.5 %), net.
    assert sale[4:9] == ["350000", "28000", "3500", "1750", "316750"]

    refund_rows = _rows(
        client.get(reverse("settlements-dashboard:csv", kwargs={"pk": refund_only.pk}))
    )
    _assert_no_live_formula(refund_rows)
    refund = next(row for row in refund_rows if len(row) > 6 and row[4] == "-50000")
    # Negative amounts, written as numbers: the commission, VAT and PIT given back, the net.
    assert refund[5:9] == ["-4000", "-500", "-250", "-45250"]
    assert refund_rows[-1][1] == "-45250"


def test_the_producers_own_statement_download_is_neutralised(client, evil_statement):
    maker = evil_statement["producer"]
    statement = Statement.objects.filter(partner=maker).order_by("period_start").first()
    client.force_login(helpers.producer_user(maker, "evil-maker"))
    rows = _rows(client.get(reverse("producer-statements:csv", kwargs={"pk": statement.pk})))
    _assert_no_live_formula(rows)
    assert rows[1][1:2] == ["'" + EVIL_PRODUCER]
    assert any(row[2:3] == ["'" + EVIL_PRODUCT] for row in rows)


def test_the_dashboard_order_list_download_is_neutralised(client, evil_statement):
    placed = evil_statement["order"]
    ShippingAddress.objects.filter(pk=placed.shipping_address_id).update(
        first_name=EVIL_BUYER, last_name=""
    )
    client.force_login(evil_statement["operator"])
    rows = _rows(client.get(reverse("dashboard:order-list"), {"response_format": "csv"}))
    _assert_no_live_formula(rows)
    (line,) = [row for row in rows if row[0] == placed.number]
    assert "'" + EVIL_BUYER in line


@pytest.mark.parametrize("report", ["product_analytics", "order_report"])
def test_the_dashboard_report_downloads_are_neutralised(client, evil_statement, report):
    placed = evil_statement["order"]
    product = placed.lines.get().product
    ProductRecord.objects.update_or_create(product=product, defaults={"num_views": 3})
    get_model("order", "Order").objects.filter(pk=placed.pk).update(guest_email="=1+2@example.com")
    client.force_login(evil_statement["operator"])
    rows = _rows(
        client.get(
            reverse("dashboard:reports-index"),
            {"report_type": report, "download": "true"},
        )
    )
    _assert_no_live_formula(rows)
    body = [cell for row in rows[1:] for cell in row]
    expected = "'" + EVIL_PRODUCT if report == "product_analytics" else "'=1+2@example.com"
    assert expected in body


def test_the_voucher_codes_download_is_neutralised(client, django_user_model):
    from datetime import timedelta

    from django.utils import timezone

    VoucherSet = get_model("voucher", "VoucherSet")
    Voucher = get_model("voucher", "Voucher")
    now = timezone.now()
    vouchers = VoucherSet.objects.create(
        name="Tết",
        count=1,
        description="Mã giảm giá Tết",
        start_datetime=now,
        end_datetime=now + timedelta(days=7),
    )
    Voucher.objects.create(
        name="Tết 1",
        code="=1+1",
        voucher_set=vouchers,
        start_datetime=now,
        end_datetime=now + timedelta(days=7),
    )
    client.force_login(django_user_model.objects.create_superuser("qt", "qt@example.com", "pw-1"))
    rows = _rows(client.get(reverse("dashboard:voucher-set-download", args=[vouchers.pk])))
    assert ["'=1+1"] in rows
    _assert_no_live_formula(rows)

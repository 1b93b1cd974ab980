"""Downloads of tables: CSV and Excel, formulas neutralised, money as numbers, empty periods."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from shop import exports
from shop.exports import Column, Table


def table(rows):
    return Table(
        title="Doanh thu theo xã",
        columns=[
            Column("name", "Xã"),
            Column("gmv", "Doanh số", exports.MONEY),
            Column("share", "Tỉ lệ", exports.PERCENT),
            Column("day", "Ngày", exports.DATE),
        ],
        rows=rows,
        notes=["Kỳ: 01/11/2026–30/11/2026"],
    )


ROWS = [
    ('=HYPERLINK("http://evil")', Decimal("1250000"), 0.25, date(2026, 11, 2)),
    ("Xã Lũng Cú", Decimal("-15000"), 0.5, date(2026, 11, 3)),
]


def test_xlsx_keeps_formulas_as_text_and_money_as_numbers():
    response = exports.xlsx_response(table(ROWS), stem="doanh thu/11")
    assert response["Content-Type"] == exports.XLSX
    assert response["Content-Disposition"] == 'attachment; filename="doanh-thu-11.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.title == "Doanh thu theo xã"
    assert sheet["A1"].value == "Kỳ: 01/11/2026–30/11/2026"
    assert [c.value for c in sheet[3]] == ["Xã", "Doanh số", "Tỉ lệ", "Ngày"]
    assert sheet["A4"].value == '\'=HYPERLINK("http://evil")'
    assert sheet["A4"].data_type == "s"
    assert sheet["B4"].value == 1250000 and sheet["B5"].value == -15000
    assert sheet["C4"].value == 0.25 and sheet["C4"].number_format == "0.0%"
    assert sheet["D5"].value.date() == date(2026, 11, 3)


def test_csv_has_a_bom_neutral_cells_and_iso_dates():
    text = exports.csv_response(table(ROWS), stem="x").content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[2] == "Xã,Doanh số,Tỉ lệ,Ngày"
    assert lines[3].startswith("\"'=HYPERLINK(")
    assert lines[4] == "Xã Lũng Cú,-15000,0.5,2026-11-03"


def test_an_empty_period_is_a_file_that_says_so():
    sheet = load_workbook(BytesIO(exports.xlsx_bytes([table([])]))).active
    assert [c.value for c in sheet[3]] == ["Xã", "Doanh số", "Tỉ lệ", "Ngày"]
    assert sheet["A4"].value
    assert exports.csv_bytes(table([])).decode().strip().splitlines()[-1]


def test_sheet_titles_are_legal_and_unique():
    t = Table(title="a/b:c*d?[e]" + "x" * 40, columns=[Column("a", "A")], rows=[("1",)])
    book = load_workbook(BytesIO(exports.xlsx_bytes([t, t])))
    names = book.sheetnames
    assert len(names) == 2 and len(set(names)) == 2
    assert all(len(n) <= 31 and not set("[]:*?/\\") & set(n) for n in names)

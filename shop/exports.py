"""Tables operators download: one table, as CSV or as an Excel workbook.

Every figure the floor reports (the province dashboard's tables, the tax declaration, the
Ministry's statistics) is a `Table`: a title, typed columns and rows. `csv_response` and
`xlsx_response` turn it into a download; both neutralise cells a spreadsheet would run as a
formula (shop/csvsafe.py's rule), write money as whole đồng numbers and dates as dates.

An empty table is still a table: its header row and a line that says nothing happened in the
period, so an export of a quiet month is a file, not an error.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from shop import csvsafe

BOM = "\ufeff"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

# Column kinds: how a cell is written and formatted.
TEXT, INT, MONEY, PERCENT, DATE = "text", "int", "money", "percent", "date"
NUMBER_FORMATS = {INT: "#,##0", MONEY: '#,##0 "₫"', PERCENT: "0.0%", DATE: "dd/mm/yyyy"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass
class Table:
    """Rows of values in the columns' order. PERCENT values are fractions (0.25 is 25 %)."""

    title: str
    columns: Sequence[Column]
    rows: list[Sequence] = field(default_factory=list)
    # Lines above the header: the period, who produced the file, the legal basis.
    notes: Sequence[str] = ()

    def as_dicts(self) -> list[dict]:
        keys = [c.key for c in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


def _value(value, kind: str):
    if value is None:
        return None
    if kind == MONEY:
        return int(Decimal(value))
    if kind == INT:
        return int(value)
    if kind == PERCENT:
        return float(value)
    if kind == DATE and isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _text_cell(value):
    """Text a spreadsheet shows as text (never a formula)."""
    if isinstance(value, (int, float, Decimal, date)):
        return value
    return csvsafe.cell(value)


def filename(stem: str, extension: str) -> str:
    """A safe ASCII file name: letters, digits, dashes."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or "export"
    return f"{stem}.{extension}"


def _download(content: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csvsafe.Writer(buffer)
    for note in table.notes:
        writer.writerow([note])
    if table.notes:
        writer.writerow([])
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        values = []
        for column, value in zip(table.columns, row, strict=True):
            value = _value(value, column.kind)
            if isinstance(value, date):
                value = value.isoformat()
            values.append("" if value is None else value)
        writer.writerow(values)
    if not table.rows:
        writer.writerow([_("Nothing in this period.")])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def xlsx_bytes(tables: Iterable[Table]) -> bytes:
    """One worksheet per table, in order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        for note in table.notes:
            sheet.append([_text_cell(note)])
        if table.notes:
            sheet.append([])
        header_row = sheet.max_row + 1 if table.notes else 1
        sheet.append([_text_cell(c.label) for c in table.columns])
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(
                [
                    _text_cell(_value(value, column.kind))
                    for column, value in zip(table.columns, row, strict=True)
                ]
            )
            for column, cell in zip(table.columns, sheet[sheet.max_row], strict=True):
                if column.kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[column.kind]
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # stored as a string, never as a formula
        if not table.rows:
            sheet.append([_("Nothing in this period.")])
        for index, column in enumerate(table.columns, start=1):
            width = max([len(column.label), *(len(str(r[index - 1] or "")) for r in table.rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if not workbook.worksheets:
        workbook.create_sheet("Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_response(table: Table, *, stem: str) -> HttpResponse:
    return _download(csv_bytes(table), content_type=CSV, name=filename(stem, "csv"))


def xlsx_response(tables: Table | Iterable[Table], *, stem: str) -> HttpResponse:
    if isinstance(tables, Table):
        tables = [tables]
    return _download(xlsx_bytes(tables), content_type=XLSX, name=filename(stem, "xlsx"))

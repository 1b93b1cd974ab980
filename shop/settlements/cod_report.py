"""A carrier's cash-on-delivery report, uploaded by an operator: one row per parcel, the
carrier's order code and the cash it collected.

Carriers hand these out as CSV or Excel (XLSX) files with their own column names ("Mã đơn
hàng", "Tiền thu hộ", "order_code", "cod_amount", …). The file is read here from its bytes
(its name is the uploader's word: a CSV must decode as text, an XLSX must open as a workbook),
never stored; each good row then goes through fulfilment's `cod_reported`, one row at a time,
so a bad row changes nothing and the others still count. Rows that cannot be read and codes no
shipment has are listed back to the operator.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from shop.fulfilment.cod import cod_reported
from shop.fulfilment.models import Shipment

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a workbook is a zip: what it holds, unpacked
MAX_ROWS = 5000
XLSX_MAGIC = b"PK\x03\x04"

# Column names carriers use, compared without accents, case or punctuation.
CODE_COLUMNS = {
    "madonhang",
    "madon",
    "mavandon",
    "mavandonhang",
    "mavan",
    "ordercode",
    "order",
    "code",
    "labelid",
    "trackingnumber",
    "trackingcode",
    "madonhangghn",
    "madonghtk",
}
AMOUNT_COLUMNS = {
    "tienthuho",
    "thuho",
    "tiencod",
    "cod",
    "codamount",
    "sotienthuho",
    "sotien",
    "amount",
    "collected",
    "tiendathu",
    "dathu",
    "codcollected",
}


class ReportUnreadable(Exception):
    """The file is not a report we can read; the message says why, for the operator."""


@dataclass
class ReportRow:
    number: int  # the row's number in the file (1 = the first row)
    code: str
    amount: Decimal | None
    error: str = ""
    outcome: str = ""


def _key(text: str) -> str:
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "d")
    bare = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]", "", bare)


_GROUPED = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*$")
_PLAIN = re.compile(r"^\d+(?:[.,]0+)?$")


def amount_parse(value) -> Decimal | None:
    """Whole đồng from a cell: 350000, "350.000", "350,000 ₫", "350000đ"; None if it is not."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value) if value >= 0 else None
    if isinstance(value, float):
        return Decimal(int(value)) if value.is_integer() and value >= 0 else None
    text = re.sub(r"(?i)\s|₫|vnd|vnđ|đ", "", str(value))
    if _GROUPED.match(text):
        return Decimal(re.sub(r"[.,]", "", text))
    if _PLAIN.match(text):
        return Decimal(re.split(r"[.,]", text)[0])
    return None


def _cells_from_csv(data: bytes) -> list[list]:
    if b"\x00" in data:
        raise ReportUnreadable(_("This file is not a CSV report (it is not text)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportUnreadable(_("This CSV file is not UTF-8 text.")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]


def _cells_from_xlsx(data: bytes) -> list[list]:
    try:
        unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError):
        raise ReportUnreadable(_("This Excel file cannot be opened.")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReportUnreadable(_("This Excel file cannot be opened."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ReportUnreadable(_("This Excel file cannot be opened.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS + 1:
                break
            if any(cell not in (None, "") for cell in row):
                rows.append(["" if cell is None else cell for cell in row])
        return rows
    finally:
        workbook.close()


def report_read(*, name: str, data: bytes) -> list[ReportRow]:
    """The rows of a carrier's COD report (CSV or XLSX, by content). A header row, when there
    is one, names the code and amount columns; without one, they are the first two."""
    if not data:
        raise ReportUnreadable(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ReportUnreadable(_("The file is larger than 2 MB."))
    is_xlsx = data.startswith(XLSX_MAGIC)
    if name.lower().endswith(".xlsx") != is_xlsx:
        raise ReportUnreadable(_("Send a CSV or an Excel (.xlsx) file; its content must match."))
    if not is_xlsx and not name.lower().endswith((".csv", ".txt")):
        raise ReportUnreadable(_("Send a CSV or an Excel (.xlsx) file; its content must match."))
    cells = _cells_from_xlsx(data) if is_xlsx else _cells_from_csv(data)
    if not cells:
        raise ReportUnreadable(_("The file has no rows."))
    if len(cells) > MAX_ROWS + 1:
        raise ReportUnreadable(
            _("The file has more than %(count)d rows: split it.") % {"count": MAX_ROWS}
        )
    header = [_key(cell) for cell in cells[0]]
    code_at = next((i for i, k in enumerate(header) if k in CODE_COLUMNS), None)
    amount_at = next((i for i, k in enumerate(header) if k in AMOUNT_COLUMNS), None)
    first = 1
    if code_at is None or amount_at is None:
        if len(cells[0]) >= 2 and amount_parse(cells[0][1]) is None:
            raise ReportUnreadable(
                _("No column of order codes and of cash collected was found in the first row.")
            )
        code_at, amount_at, first = 0, 1, 0  # no header: code, amount
    rows = []
    for number, cells_of_row in enumerate(cells[first:], start=first + 1):
        code = str(cells_of_row[code_at]).strip() if code_at < len(cells_of_row) else ""
        raw = cells_of_row[amount_at] if amount_at < len(cells_of_row) else ""
        amount = amount_parse(raw)
        row = ReportRow(number=number, code=code[:64], amount=amount)
        if not code:
            row.error = _("No order code.")
        elif amount is None:
            row.error = _("“%(value)s” is not an amount in whole đồng.") % {"value": str(raw)[:40]}
        rows.append(row)
    return rows


def cod_report_apply(*, rows: list[ReportRow], name: str, carrier: str = "") -> list[ReportRow]:
    """Record each good row's figure for the shipment with that carrier code (of `carrier`
    when given). A row is applied alone: an unknown or ambiguous code, or a code listed twice
    with two figures, is an error on that row and changes nothing."""
    source = f"report:{name}"[:32]
    seen: dict[str, Decimal] = {}
    for row in rows:
        if row.error:
            continue
        if row.code in seen and seen[row.code] != row.amount:
            row.error = _("This code is listed twice with different amounts.")
            continue
        seen[row.code] = row.amount
        shipments = Shipment.objects.filter(tracking_number=row.code)
        if carrier:
            shipments = shipments.filter(carrier=carrier)
        found = list(shipments[:2])
        if not found:
            row.error = _("No shipment has this code.")
            continue
        if len(found) > 1:
            row.error = _("Several carriers use this code: choose the carrier.")
            continue
        try:
            row.outcome = cod_reported(shipment=found[0], amount=row.amount, source=source)
        except IntegrityError:
            row.error = _("This shipment's figure changed meanwhile: send the row again.")
    return rows

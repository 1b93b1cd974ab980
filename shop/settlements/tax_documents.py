"""Tax withheld as documents: the operator's monthly declaration data (a `shop.exports` table,
downloaded as XLSX for form 01/CNKD-TMĐT) and a producer's yearly withholding certificate
(an A4 PDF drawn with ReportLab in DejaVu Sans, like the statements)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from shop.exports import INT, MONEY, Column, Table
from shop.settlements import tax
from shop.settlements.documents import vnd
from shop.settlements.selectors import TaxRow, seller_address
from traceability.labels import FONT, FONT_BOLD, register_fonts


def _agent_line() -> str:
    agent = settings.TAX_WITHHOLDING_AGENT
    parts = [agent["NAME"]]
    if agent["TAX_ID"]:
        parts.append(_("tax code %(code)s") % {"code": agent["TAX_ID"]})
    if agent["ADDRESS"]:
        parts.append(agent["ADDRESS"])
    return ", ".join(parts)


def declaration_table(*, rows: list[TaxRow], period) -> Table:
    rates = tax.rates()
    table = Table(
        title=_("Tax withheld %(month)s") % {"month": f"{period.start:%m-%Y}"},
        columns=[
            Column("number", _("No."), INT),
            Column("name", _("Seller")),
            Column("tax_id", _("Tax code or personal ID number")),
            Column("address", _("Address")),
            Column("sales", _("Sales"), MONEY),
            Column("refunds", _("Refunds and cancellations"), MONEY),
            Column("revenue", _("Revenue"), MONEY),
            Column("vat", _("VAT withheld"), MONEY),
            Column("pit", _("PIT withheld"), MONEY),
        ],
        notes=[
            _("Tax withheld on household sellers' sales, month %(month)s (form 01/CNKD-TMĐT)")
            % {"month": f"{period.start:%m/%Y}"},
            _("Withheld by: %(agent)s") % {"agent": _agent_line()},
            _(
                "Decree 117/2025/NĐ-CP: VAT %(vat)s, PIT %(pit)s of revenue; refunds and "
                "cancellations of the month offset its sales."
            )
            % {"vat": tax.percent(rates.vat), "pit": tax.percent(rates.pit)},
        ],
    )
    for number, row in enumerate(rows, start=1):
        table.rows.append(
            [
                number,
                row.name,
                row.tax_id or _("(missing)"),
                row.address,
                row.sales,
                row.refunds,
                row.revenue,
                row.vat,
                row.pit,
            ]
        )
    if rows:
        table.rows.append(
            [
                None,
                _("Total"),
                "",
                "",
                sum((r.sales for r in rows), Decimal(0)),
                sum((r.refunds for r in rows), Decimal(0)),
                sum((r.revenue for r in rows), Decimal(0)),
                sum((r.vat for r in rows), Decimal(0)),
                sum((r.pit for r in rows), Decimal(0)),
            ]
        )
    return table


def certificate_pdf(*, partner, year: int, months: list[TaxRow]) -> bytes:
    """The seller's certificate of tax withheld in `year`: month by month, and the total."""
    register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    title = _("Certificate of tax withheld, year %(year)s") % {"year": year}
    pdf.setTitle(title)
    width, height = A4
    left, right = 18 * mm, width - 18 * mm
    y = height - 22 * mm

    def text(x, value, *, size=10, bold=False, align="left"):
        pdf.setFont(FONT_BOLD if bold else FONT, size)
        (pdf.drawRightString if align == "right" else pdf.drawString)(x, y, str(value))

    def new_line(step=6 * mm):
        nonlocal y
        y -= step

    text(left, settings.TAX_WITHHOLDING_AGENT["NAME"], size=12, bold=True)
    new_line(8 * mm)
    text(left, title, size=14, bold=True)
    new_line(6 * mm)
    text(left, _("Decree 117/2025/NĐ-CP: VAT and personal income tax withheld and paid"), size=9)
    new_line(10 * mm)
    for label, value in (
        (_("Withheld by"), _agent_line()),
        (_("Seller"), partner.name),
        (_("Tax code or personal ID number"), partner.tax_id or _("(missing)")),
        (
            _("Address"),
            seller_address(
                street=partner.street,
                ward_code=partner.ward_code,
                province_code=partner.province_code,
            ),
        ),
    ):
        text(left, f"{label}: {value}")
        new_line()
    new_line(4 * mm)
    columns = [left, left + 55 * mm, left + 90 * mm, left + 125 * mm, right]
    for index, label in enumerate(
        [_("Month"), _("Revenue"), _("VAT withheld"), _("PIT withheld"), _("Total withheld")]
    ):
        text(columns[index], label, bold=True, align="right" if index else "left")
    new_line()
    for row in months:
        text(columns[0], f"{row.key:%m/%Y}")
        text(columns[1], vnd(row.revenue), align="right")
        text(columns[2], vnd(row.vat), align="right")
        text(columns[3], vnd(row.pit), align="right")
        text(columns[4], vnd(row.vat + row.pit), align="right")
        new_line()
    if not months:
        text(left, _("Nothing was withheld in this year."))
        new_line()
    revenue = sum((r.revenue for r in months), Decimal(0))
    vat = sum((r.vat for r in months), Decimal(0))
    pit = sum((r.pit for r in months), Decimal(0))
    text(columns[0], _("Total"), bold=True)
    text(columns[1], vnd(revenue), bold=True, align="right")
    text(columns[2], vnd(vat), bold=True, align="right")
    text(columns[3], vnd(pit), bold=True, align="right")
    text(columns[4], vnd(vat + pit), bold=True, align="right")
    new_line(12 * mm)
    text(
        left,
        _(
            "Revenue is sales less refunds and cancellations; shipping is not revenue. "
            "You need not declare VAT and PIT again on this revenue."
        ),
        size=8,
    )
    new_line(5 * mm)
    text(
        left,
        _("Issued on %(day)s.") % {"day": f"{timezone.localdate():%d/%m/%Y}"},
        size=8,
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

"""A statement as documents: CSV for spreadsheets, a printable A4 PDF.

CSV is UTF-8 with a byte-order mark (Excel then reads Vietnamese correctly), amounts as plain
integers of đồng. The PDF is drawn with ReportLab in DejaVu Sans, the font the traceability
labels use for Vietnamese.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from shop import csvsafe
from shop.settlements.models import Entry, EntryKind, Statement
from shop.settlements.selectors import bank_name, statement_lines
from traceability.labels import FONT, FONT_BOLD, register_fonts

BOM = "\ufeff"


def vnd(amount: Decimal) -> str:
    """Whole đồng the Vietnamese way: 1.234.567 ₫ (dots group thousands)."""
    return f"{int(amount):,} ₫".replace(",", ".")


def describe(entry: Entry) -> str:
    if entry.kind == EntryKind.SHIPPING:
        return _("Shipping, passed through (no commission)")
    if entry.kind == EntryKind.CARRIED:
        return _("Balance of statement %(reference)s") % {"reference": entry.description}
    return entry.description


def _rows(statement: Statement) -> list[list]:
    lines = statement_lines(statement=statement)
    rows: list[list] = [
        [
            _("Kind"),
            _("Order number"),
            _("Product or description"),
            _("Quantity"),
            _("Gross"),
            _("Commission"),
            _("VAT withheld"),
            _("PIT withheld"),
            _("Net"),
            _("Date"),
        ]
    ]
    for group in (lines.sales, lines.shipping, lines.refunds, lines.carried):
        for entry in group:
            rows.append(
                [
                    entry.get_kind_display(),
                    entry.order.number if entry.order_id else "",
                    describe(entry),
                    entry.quantity if entry.quantity is not None else "",
                    int(entry.gross),
                    int(entry.commission),
                    int(entry.vat_withheld),
                    int(entry.pit_withheld),
                    int(entry.net),
                    timezone.localtime(entry.earned_at).date().isoformat(),
                ]
            )
    return rows


def _totals(statement: Statement) -> list[tuple[str, Decimal]]:
    """Revenue (sales less refunds, shipping apart), what is deducted from it, and the net."""
    return [
        (_("Sales"), statement.gross_sales),
        (_("Shipping (passed through, no commission)"), statement.shipping),
        (_("Refunds"), statement.refunds),
        (_("Brought forward"), statement.carried),
        (_("Commission"), -statement.commission),
        (_("VAT withheld (Decree 117/2025/NĐ-CP)"), -statement.vat_withheld),
        (_("PIT withheld (Decree 117/2025/NĐ-CP)"), -statement.pit_withheld),
        (_("Net payable"), statement.net),
    ]


def statement_csv(statement: Statement) -> bytes:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)
    writer.writerow([_("Statement"), statement.reference])
    writer.writerow([_("Producer"), statement.partner.name])
    writer.writerow(
        [_("Period"), statement.period_start.isoformat(), statement.period_end.isoformat()]
    )
    writer.writerow([])
    writer.writerows(_rows(statement))
    writer.writerow([])
    for label, amount in _totals(statement):
        writer.writerow([label, int(amount)])
    return (BOM + buffer.getvalue()).encode("utf-8")


def statement_pdf(statement: Statement) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{_('Statement')} {statement.reference}")
    width, height = A4
    left, right = 15 * mm, width - 15 * mm
    y = height - 20 * mm

    def text(x, value, *, size=9, bold=False, align="left"):
        pdf.setFont(FONT_BOLD if bold else FONT, size)
        if align == "right":
            pdf.drawRightString(x, y, str(value))
        else:
            pdf.drawString(x, y, str(value))

    def new_line(step=5 * mm):
        nonlocal y
        y -= step
        if y < 20 * mm:
            pdf.showPage()
            y = height - 20 * mm

    def clip(value: str, limit: float) -> str:
        value = str(value)
        while value and pdfmetrics.stringWidth(value, FONT, 9) > limit:
            value = value[:-2] + "…"
        return value

    text(left, "Chợ Phiên", size=14, bold=True)
    new_line(7 * mm)
    text(left, f"{_('Settlement statement')} {statement.reference}", size=12, bold=True)
    new_line(6 * mm)
    text(left, f"{_('Producer')}: {statement.partner.name}")
    new_line()
    text(
        left,
        f"{_('Period')}: {statement.period_start:%d/%m/%Y} – {statement.period_end:%d/%m/%Y}",
    )
    new_line()
    text(left, f"{_('Status')}: {statement.get_status_display()}")
    new_line()
    partner = statement.partner
    if partner.payout_account_number:
        text(
            left,
            f"{_('Paid into')}: {bank_name(partner.payout_bank_bin)} "
            f"{partner.payout_account_number} {partner.payout_account_holder}",
        )
        new_line()
    if statement.paid_at:
        text(
            left,
            f"{_('Paid on')}: {timezone.localtime(statement.paid_at):%d/%m/%Y %H:%M} — "
            f"{_('Bank transfer reference')}: {statement.bank_reference}",
        )
        new_line()
    new_line(3 * mm)

    columns = [
        left,
        left + 24 * mm,
        left + 82 * mm,
        left + 105 * mm,
        left + 127 * mm,
        left + 152 * mm,
        right,
    ]
    header = [_("Order"), _("Product"), _("Qty"), _("Gross"), _("Commission"), _("Tax"), _("Net")]
    for index, label in enumerate(header):
        text(columns[index], label, bold=True, align="right" if index >= 2 else "left")
    new_line()
    lines = statement_lines(statement=statement)
    for title, group in (
        (_("Sales"), lines.sales),
        (_("Shipping: passed through to the producer in full, no commission"), lines.shipping),
        (_("Refunds: clawed back, commission given back"), lines.refunds),
        (_("Brought forward"), lines.carried),
    ):
        if not group:
            continue
        text(left, title, bold=True)
        new_line()
        for entry in group:
            text(columns[0], entry.order.number if entry.order_id else "")
            text(columns[1], clip(describe(entry), 50 * mm))
            text(columns[2], entry.quantity if entry.quantity is not None else "", align="right")
            text(columns[3], vnd(entry.gross), align="right")
            text(columns[4], vnd(entry.commission), align="right")
            text(columns[5], vnd(entry.vat_withheld + entry.pit_withheld), align="right")
            text(columns[6], vnd(entry.net), align="right")
            new_line()
    new_line(3 * mm)
    for label, amount in _totals(statement):
        last = label == _("Net payable")
        text(columns[4], label, bold=last, align="right")
        text(right, vnd(amount), bold=last, align="right")
        new_line()
    new_line(3 * mm)
    text(
        left,
        _("Shipping charges are passed through in full: the producer pays the carrier."),
        size=8,
    )
    if statement.vat_withheld or statement.pit_withheld:
        new_line()
        text(
            left,
            _(
                "Tax: VAT and personal income tax the floor withholds and pays for you "
                "(Decree 117/2025/NĐ-CP); your yearly certificate lists them."
            ),
            size=8,
        )
    if statement.status == Statement.Status.NOTHING_TO_PAY and statement.net < 0:
        new_line()
        text(
            left,
            _("Nothing to pay: the negative balance is carried into the next statement."),
            size=8,
        )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

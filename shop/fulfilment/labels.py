"""A shipment's A6 shipping label and packing slip, one PDF the producer prints.

Page one is the label stuck on the parcel: the carrier and its order code (a Code128 barcode
the carrier's scanners read), its sort code, sender and receiver, the cash to collect in big
type (or that nothing is to be collected), the weight and our order number. The following
page(s) are the packing slip put inside: the lines, their quantities and lots, and each lot's
origin QR code (its public page) for the buyer to scan. Drawn with ReportLab in DejaVu Sans,
registered as the traceability labels do, so Vietnamese prints right.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from shop import geo
from shop.carriers import registry
from shop.fulfilment import selectors
from shop.fulfilment.models import Shipment
from traceability.labels import FONT, FONT_BOLD, draw_qr, register_fonts, wrap
from traceability.selectors import lot_uri

WIDTH, HEIGHT = A6
MARGIN = 5 * mm
QR_SIZE = 24 * mm


@dataclass(frozen=True)
class SlipLot:
    code: str
    quantity: int
    uri: str


@dataclass(frozen=True)
class SlipLine:
    title: str
    quantity: int
    lots: tuple[SlipLot, ...] = field(default_factory=tuple)


def vnd(amount: Decimal) -> str:
    return f"{int(amount):,} ₫".replace(",", ".")


def _place(street: str, hamlet: str, ward_code, province_code) -> str:
    ward, province = geo.ward(ward_code), geo.province(province_code)
    parts = [street, hamlet, ward.name if ward else "", province.name if province else ""]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def slip_lines(shipment: Shipment) -> list[SlipLine]:
    out = []
    for line in selectors.shipment_lines(shipment=shipment):
        lots = tuple(
            SlipLot(code=ls.lot.code, quantity=ls.quantity, uri=lot_uri(ls.lot))
            for ls in line.lot_shipments.all()
        )
        out.append(SlipLine(title=line.title, quantity=line.quantity, lots=lots))
    return out


def shipment_label_pdf(shipment: Shipment) -> bytes:
    """The label and the packing slip of ``shipment`` (any state from packed on)."""
    register_fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A6, pageCompression=1)
    pdf.setTitle(_("Shipping label %(number)s") % {"number": shipment.order.number})
    pdf.setAuthor("Chợ Phiên")
    _label_page(pdf, shipment)
    pdf.showPage()
    _slip_pages(pdf, shipment, slip_lines(shipment))
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _text(pdf, x, y, value, *, size=8, bold=False, width=None, lines=1) -> float:
    """Draw ``value`` (wrapped to ``width``) from the baseline ``y`` down; returns the next y."""
    font = FONT_BOLD if bold else FONT
    pdf.setFont(font, size)
    for row in wrap(value, font=font, size=size, width=width or WIDTH - 2 * MARGIN, lines=lines):
        pdf.drawString(x, y, row)
        y -= size * 1.25
    return y


def _label_page(pdf, shipment: Shipment) -> None:
    order, partner, address = shipment.order, shipment.partner, shipment.order.shipping_address
    inner = WIDTH - 2 * MARGIN
    y = HEIGHT - MARGIN - 4 * mm
    carrier = registry.label(shipment.carrier) if shipment.carrier else _("No carrier")
    y = _text(pdf, MARGIN, y, carrier, size=11, bold=True)
    if shipment.sort_code:
        pdf.setFont(FONT_BOLD, 14)
        pdf.drawRightString(WIDTH - MARGIN, HEIGHT - MARGIN - 5 * mm, shipment.sort_code)
    code = shipment.tracking_number or order.number
    barcode = Code128(code, barHeight=14 * mm, barWidth=0.33 * mm, quiet=False)
    if barcode.width > inner:
        barcode = Code128(code, barHeight=14 * mm, barWidth=0.33 * mm * inner / barcode.width)
    y -= 15 * mm
    barcode.drawOn(pdf, MARGIN + (inner - barcode.width) / 2, y)
    pdf.setFont(FONT_BOLD, 10)
    pdf.drawCentredString(WIDTH / 2, y - 4 * mm, code)
    y -= 10 * mm
    pdf.setLineWidth(0.5)
    pdf.line(MARGIN, y + 3 * mm, WIDTH - MARGIN, y + 3 * mm)

    y = _text(pdf, MARGIN, y, _("From:") + f" {partner.name} · {partner.phone}", bold=True)
    y = _text(
        pdf,
        MARGIN,
        y,
        _place(partner.street, "", partner.ward_code, partner.province_code),
        lines=2,
    )
    y -= 2 * mm
    if address is not None:
        phone = str(address.phone_number or "")
        y = _text(pdf, MARGIN, y, _("To:") + f" {address.salutation} · {phone}", size=10, bold=True)
        y = _text(
            pdf,
            MARGIN,
            y,
            _place(address.line1, address.line2, address.ward_code, address.province_code),
            size=9,
            lines=3,
        )
    pdf.line(MARGIN, y + 1 * mm, WIDTH - MARGIN, y + 1 * mm)
    y -= 5 * mm

    if shipment.cod == Shipment.Cod.DUE and shipment.cod_due > 0:
        y = _text(pdf, MARGIN, y, _("Cash to collect (COD):"), size=9, bold=True)
        y -= 3 * mm
        y = _text(pdf, MARGIN, y, vnd(shipment.cod_due), size=22, bold=True)
    else:
        y = _text(pdf, MARGIN, y, _("Paid – collect nothing"), size=13, bold=True, lines=2)
    y -= 2 * mm
    if shipment.weight_grams:
        y = _text(pdf, MARGIN, y, _("Weight: %(grams)s g") % {"grams": shipment.weight_grams})
    y = _text(pdf, MARGIN, y, _("Order: %(number)s") % {"number": order.number}, bold=True)
    placed = timezone.localtime(order.date_placed).strftime("%d/%m/%Y")
    _text(pdf, MARGIN, y, _("Placed: %(date)s") % {"date": placed})


def _slip_pages(pdf, shipment: Shipment, lines: list[SlipLine]) -> None:
    y = HEIGHT - MARGIN - 4 * mm
    title = _("Packing slip – order %(number)s") % {"number": shipment.order.number}
    y = _text(pdf, MARGIN, y, title, size=10, bold=True)
    y = _text(pdf, MARGIN, y, shipment.partner.name, lines=2) - 2 * mm
    for line in lines:
        needed = 14 * mm + len(line.lots) * (QR_SIZE + 3 * mm)
        if y - needed < MARGIN and y < HEIGHT - 30 * mm:
            pdf.showPage()
            y = HEIGHT - MARGIN - 4 * mm
        y = _text(pdf, MARGIN, y, f"{line.quantity} × {line.title}", size=9, bold=True, lines=2)
        if not line.lots:
            y = _text(pdf, MARGIN + 3 * mm, y, _("No lot recorded")) - 2 * mm
        for lot in line.lots:
            if y - QR_SIZE < MARGIN:
                pdf.showPage()
                y = HEIGHT - MARGIN - 4 * mm
            draw_qr(pdf, lot.uri, x=MARGIN + 3 * mm, y=y - QR_SIZE, size=QR_SIZE)
            text_x = MARGIN + QR_SIZE + 7 * mm
            width = WIDTH - MARGIN - text_x
            ty = _text(pdf, text_x, y - 4 * mm, _("Lot %(code)s") % {"code": lot.code}, bold=True)
            ty = _text(pdf, text_x, ty, _("Quantity: %(n)s") % {"n": lot.quantity}, width=width)
            _text(pdf, text_x, ty - 1 * mm, _("Scan to see where it comes from"), size=7,
                  width=width, lines=3)  # fmt: skip
            y -= QR_SIZE + 3 * mm
        y -= 2 * mm

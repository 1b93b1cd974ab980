"""Printable A4 label sheets: a QR code of the lot's Digital Link URI, product, lot, call to scan.

Drawn with ReportLab; the QR code is vector (one rectangle per dark module, from the ``qrcode``
package's matrix) so it stays sharp on any printer. Vietnamese text needs a TrueType font with
its glyphs: DejaVu Sans (Debian's ``fonts-dejavu-core``), looked up in ``TRACE_LABEL_FONT_DIRS``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import qrcode
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

COLUMNS, ROWS = 3, 7
PER_SHEET = COLUMNS * ROWS
CALL_TO_SCAN = "Quét để xác minh nguồn gốc"
FONT, FONT_BOLD = "ChoPhienSans", "ChoPhienSans-Bold"


@dataclass(frozen=True)
class Label:
    uri: str
    product: str
    lot: str
    gtin: str


def register_fonts() -> None:
    """Register DejaVu Sans with reportlab once per process (label sheets, statements)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    regular, bold = font_files()
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))


def font_files() -> tuple[Path, Path]:
    """DejaVu Sans, regular and bold, from the first of TRACE_LABEL_FONT_DIRS that has both."""
    for directory in settings.TRACE_LABEL_FONT_DIRS:
        regular, bold = Path(directory) / "DejaVuSans.ttf", Path(directory) / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    raise ImproperlyConfigured(
        "Label sheets need DejaVu Sans (apt-get install fonts-dejavu-core) in one of "
        f"TRACE_LABEL_FONT_DIRS: {settings.TRACE_LABEL_FONT_DIRS}"
    )


def draw_qr(pdf: canvas.Canvas, text: str, *, x: float, y: float, size: float) -> None:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        run_start = None
        for col_index, dark in enumerate([*row, False]):
            if dark and run_start is None:
                run_start = col_index
            elif not dark and run_start is not None:
                width = (col_index - run_start) * module
                pdf.rect(x + run_start * module, top, width, module, stroke=0, fill=1)
                run_start = None


def wrap(text: str, *, font: str, size: float, width: float, lines: int) -> list[str]:
    words, out, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not line:
            line = candidate
        else:
            out.append(line)
            line = word
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1].rstrip(" ,.;") + "…"
    return out


def label_sheet(label: Label, *, count: int = PER_SHEET) -> bytes:
    """A PDF of ``count`` identical labels, ``PER_SHEET`` (3 × 7) to an A4 page."""
    register_fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{label.product} – {label.lot}")
    pdf.setAuthor("Chợ Phiên")
    page_width, page_height = A4
    margin_x, margin_y = 6 * mm, 10 * mm
    cell_w = (page_width - 2 * margin_x) / COLUMNS
    cell_h = (page_height - 2 * margin_y) / ROWS
    qr_size = min(cell_h - 8 * mm, 30 * mm)
    for index in range(count):
        if index and index % PER_SHEET == 0:
            pdf.showPage()
        slot = index % PER_SHEET
        column, row = slot % COLUMNS, slot // COLUMNS
        x0 = margin_x + column * cell_w
        y0 = page_height - margin_y - (row + 1) * cell_h
        pdf.setStrokeColorRGB(0.8, 0.8, 0.8)
        pdf.setLineWidth(0.3)
        pdf.rect(x0 + 1 * mm, y0 + 1 * mm, cell_w - 2 * mm, cell_h - 2 * mm, stroke=1, fill=0)
        qr_x, qr_y = x0 + 4 * mm, y0 + (cell_h - qr_size) / 2
        draw_qr(pdf, label.uri, x=qr_x, y=qr_y, size=qr_size)
        text_x = qr_x + qr_size + 3 * mm
        text_w = x0 + cell_w - 3 * mm - text_x
        y = y0 + cell_h - 8 * mm
        pdf.setFillColorRGB(0, 0, 0)
        for line in wrap(label.product, font=FONT_BOLD, size=8, width=text_w, lines=3):
            pdf.setFont(FONT_BOLD, 8)
            pdf.drawString(text_x, y, line)
            y -= 3.6 * mm
        pdf.setFont(FONT, 8)
        pdf.drawString(text_x, y - 1 * mm, f"Lô: {label.lot}")
        pdf.setFont(FONT, 6)
        pdf.drawString(text_x, y - 4.5 * mm, f"GTIN {label.gtin}")
        pdf.setFont(FONT_BOLD, 6.5)
        for i, line in enumerate(
            wrap(CALL_TO_SCAN, font=FONT_BOLD, size=6.5, width=text_w, lines=2)
        ):
            pdf.drawString(text_x, y0 + 7 * mm - i * 3 * mm, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()

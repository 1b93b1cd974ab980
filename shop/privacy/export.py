"""A signed-in buyer's data, all of it, as JSON (machine-readable) and as a readable A4 PDF
(ReportLab, DejaVu Sans like the statements). Reads only; the view records the download."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from shop.privacy import selectors, texts
from shop.privacy.readable import readable
from traceability.labels import FONT, FONT_BOLD, register_fonts

SCHEMA = "cho-phien/personal-data/1"


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _address(address: Any) -> dict | None:
    if address is None:
        return None
    return {
        "name": address.name,
        "line1": address.line1,
        "line2": address.line2,
        "ward": address.line4,
        "province": address.state,
        "phone": str(address.phone_number or ""),
        **({"notes": address.notes} if hasattr(address, "notes") else {}),
    }


def buyer_data(*, user: Any) -> dict:
    """Everything the floor holds about `user` as a buyer, in plain JSON types."""
    Order = get_model("order", "Order")
    UserAddress = get_model("address", "UserAddress")
    ProductReview = get_model("reviews", "ProductReview")
    Complaint = get_model("complaints", "Complaint")
    Follow = get_model("partner", "Follow")
    WishList = get_model("wishlists", "WishList")

    profile = getattr(user, "profile", None)
    orders = (
        Order.objects.filter(user=user)
        .select_related("shipping_address", "billing_address")
        .prefetch_related("lines__partner", "payment_attempts", "shipments__partner")
        .order_by("date_placed", "pk")
    )
    complaints = (
        Complaint.objects.filter(user=user)
        .select_related("order", "partner")
        .prefetch_related("steps")
        .order_by("opened_at", "pk")
    )
    return {
        "schema": SCHEMA,
        "generated_at": _when(timezone.now()),
        "profile": {
            "name": user.get_full_name(),
            "email": user.email,
            "joined": _when(user.date_joined),
            "last_sign_in": _when(user.last_login),
            "language": profile.language if profile else "",
            "messages_by": profile.notify_channel if profile else "",
            "phone": profile.phone if profile else "",
        },
        "addresses": [_address(a) for a in UserAddress.objects.filter(user=user).order_by("pk")],
        "orders": [
            {
                "number": o.number,
                "placed": _when(o.date_placed),
                "status": o.status,
                "total": str(o.total_incl_tax),
                "shipping": str(o.shipping_incl_tax),
                "currency": o.currency,
                "shipping_address": _address(o.shipping_address),
                "billing_address": _address(o.billing_address),
                "lines": [
                    {
                        "product": line.title,
                        "producer": line.partner_name,
                        "quantity": line.quantity,
                        "price": str(line.line_price_incl_tax),
                    }
                    for line in o.lines.all()
                ],
                "payments": [
                    {
                        "method": p.method,
                        "reference": p.reference,
                        "amount": str(p.amount),
                        "status": p.status,
                        "created": _when(p.created_at),
                        "paid": _when(p.paid_at),
                        "refunded": str(p.refunded),
                    }
                    for p in o.payment_attempts.all()
                ],
                "shipments": [
                    {
                        "producer": s.partner.name,
                        "status": s.status,
                        "carrier": s.carrier,
                        "tracking_number": s.tracking_number,
                        "shipped": _when(s.shipped_at),
                        "delivered": _when(s.delivered_at),
                    }
                    for s in o.shipments.all()
                ],
            }
            for o in orders
        ],
        "reviews": [
            {
                "product": r.product.get_title() if r.product_id else "",
                "score": r.score,
                "title": r.title,
                "body": r.body,
                "written": _when(r.date_created),
                "status": r.get_status_display(),
            }
            for r in ProductReview.objects.filter(user=user).select_related("product")
        ],
        "complaints": [
            {
                "reference": c.reference,
                "order": c.order.number,
                "producer": c.partner.name,
                "reason": c.reason,
                "description": c.description,
                "wish": c.wish,
                "state": c.state,
                "opened": _when(c.opened_at),
                "steps": [
                    {"kind": s.kind, "role": s.role, "text": s.text, "at": _when(s.at)}
                    for s in c.steps.all()
                ],
            }
            for c in complaints
        ],
        "follows": [
            {"producer": f.partner.name, "since": _when(f.created_at)}
            for f in Follow.objects.filter(user=user).select_related("partner")
        ],
        "wishlists": [
            {"name": w.name, "products": [line.get_title() for line in w.lines.all()]}
            for w in WishList.objects.filter(owner=user).prefetch_related("lines__product")
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "version": c.version,
                "text_sha256": c.text_hash,
                "text": getattr(texts.text_of(purpose=c.purpose, version=c.version), "words", ""),
                "given": _when(c.given_at),
                "how": c.method,
                "reference": c.reference,
                "withdrawn": _when(c.withdrawn_at),
            }
            for c in selectors.consents_of(user=user)
        ],
        "requests": [
            {
                "kind": r.kind,
                "received": _when(r.received_at),
                "deadline": _when(r.deadline_at),
                "state": r.state,
                "handled": _when(r.handled_at),
            }
            for r in selectors.requests_of(user=user)
        ],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def data_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain).encode()


SECTIONS = (
    "profile",
    "addresses",
    "orders",
    "reviews",
    "complaints",
    "follows",
    "wishlists",
    "consents",
    "requests",
)


def _section_titles() -> dict[str, str]:
    return {
        "profile": _("Profile"),
        "addresses": _("Address book"),
        "orders": _("Orders"),
        "reviews": _("Reviews"),
        "complaints": _("Complaints"),
        "follows": _("Producers you follow"),
        "wishlists": _("Favourites"),
        "consents": _("Consents"),
        "requests": _("Requests about your data"),
    }


def _labels() -> dict[str, str]:
    """The data's keys as the PDF names them, in the reader's language."""
    return {
        "name": _("Name"),
        "email": _("E-mail"),
        "joined": _("Joined"),
        "last_sign_in": _("Last signed in"),
        "language": _("Language"),
        "messages_by": _("Messages by"),
        "phone": _("Phone number"),
        "line1": _("House number and street"),
        "line2": _("Hamlet or village"),
        "ward": _("Ward or commune"),
        "province": _("Province or city"),
        "notes": _("Notes"),
        "number": _("Order number"),
        "placed": _("Placed"),
        "status": _("Status"),
        "total": _("Total"),
        "shipping": _("Shipping"),
        "currency": _("Currency"),
        "shipping_address": _("Delivery address"),
        "billing_address": _("Billing address"),
        "lines": _("Products ordered"),
        "product": _("Product"),
        "producer": _("Producer"),
        "quantity": _("Quantity"),
        "price": _("Price"),
        "payments": _("Payments"),
        "method": _("Method"),
        "reference": _("Reference"),
        "amount": _("Amount"),
        "created": _("Created"),
        "paid": _("Paid"),
        "refunded": _("Refunded"),
        "shipments": _("Parcels"),
        "carrier": _("Carrier"),
        "tracking_number": _("Tracking number"),
        "shipped": _("Shipped"),
        "delivered": _("Delivered"),
        "score": _("Score"),
        "title": _("Title"),
        "body": _("Text"),
        "written": _("Written"),
        "state": _("State"),
        "order": _("Order"),
        "reason": _("Reason"),
        "description": _("What happened"),
        "wish": _("What you want"),
        "opened": _("Opened"),
        "steps": _("Steps"),
        "kind": _("Kind"),
        "role": _("Role"),
        "text": _("Text"),
        "at": _("When"),
        "since": _("Since"),
        "products": _("Products"),
        "purpose": _("Purpose"),
        "version": _("Text version"),
        "text_sha256": _("Text hash (SHA-256)"),
        "given": _("Given"),
        "how": _("How"),
        "withdrawn": _("Withdrawn"),
        "received": _("Received"),
        "deadline": _("Deadline"),
        "handled": _("Handled"),
    }


def _lines(value: Any, labels: dict[str, str], indent: int = 0) -> list[tuple[int, str]]:
    """A nested value as indented "label: value" lines, for reading on paper."""
    out: list[tuple[int, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            label = labels.get(key, key)
            if isinstance(item, (dict, list)):
                if item:
                    out.append((indent, f"{label}:"))
                    out.extend(_lines(item, labels, indent + 1))
            else:
                out.append((indent, f"{label}: {'' if item is None else item}"))
    elif isinstance(value, list):
        for number, item in enumerate(value, 1):
            if isinstance(item, dict):
                out.append((indent, f"#{number}"))
                out.extend(_lines(item, labels, indent + 1))
            else:
                out.append((indent, f"- {item}"))
    return out


def data_pdf(data: dict) -> bytes:
    """`data` on A4, for reading: the codes in words (shop.privacy.readable)."""
    data = readable(data)
    register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Your personal data at Chợ Phiên"))
    width, height = A4
    left, right = 15 * mm, width - 15 * mm
    y = height - 20 * mm

    def write(value: str, *, x: float = left, size: float = 9, bold: bool = False) -> None:
        nonlocal y
        font = FONT_BOLD if bold else FONT
        words, line = str(value).split(" "), ""
        for word in words:  # wrap to the page's width
            candidate = f"{line} {word}".strip()
            if line and pdfmetrics.stringWidth(candidate, font, size) > right - x:
                _emit(line, x, font, size)
                line = word
            else:
                line = candidate
        _emit(line, x, font, size)

    def _emit(line: str, x: float, font: str, size: float) -> None:
        nonlocal y
        if y < 20 * mm:
            pdf.showPage()
            y = height - 20 * mm
        pdf.setFont(font, size)
        pdf.drawString(x, y, line)
        y -= size * 0.5 * mm + 1.6 * mm

    write("Chợ Phiên", size=14, bold=True)
    write(_("Your personal data at Chợ Phiên"), size=12, bold=True)
    write(_("Made on %(when)s") % {"when": timezone.localtime().strftime("%d/%m/%Y %H:%M")})
    titles, labels = _section_titles(), _labels()
    for key in SECTIONS:
        y -= 3 * mm
        write(titles[key], size=11, bold=True)
        lines = _lines(data.get(key), labels)
        if not lines:
            write(_("Nothing."))
        for indent, line in lines:
            write(line, x=left + indent * 5 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

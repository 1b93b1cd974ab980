"""Scans of a lot's label, and which lot an order's line was shipped from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from traceability.models import Lot, LotScan, LotShipment


def lot_scan_record(*, lot_id: int, visitors: Sequence[str]) -> bool:
    """Count a scan of a lot's label once per visitor and day: when none of ``visitors`` (keyed
    digests naming one visitor in different ways) has scanned this lot today. True when
    counted."""
    day = timezone.localdate()
    with transaction.atomic():
        # The lot's row lock orders concurrent scans, so a visitor's reloads count once.
        Lot.objects.select_for_update().filter(pk=lot_id).values_list("pk").first()
        seen = LotScan.objects.filter(lot_id=lot_id, visitor__in=visitors, day=day).exists()
        LotScan.objects.bulk_create(
            [LotScan(lot_id=lot_id, visitor=visitor, day=day) for visitor in visitors],
            ignore_conflicts=True,
        )
        if not seen:
            Lot.objects.filter(pk=lot_id).update(
                scan_count=F("scan_count") + 1,
                first_scanned_at=Coalesce("first_scanned_at", Now()),
            )
    return not seen


def lot_shipment_record_for_order(*, lot: Lot, order_number: str, quantity: int) -> LotShipment:
    """Record that an order's line for the lot's product was shipped from ``lot``."""
    Line = get_model("order", "Line")
    line = (
        Line.objects.filter(order__number=order_number.strip(), product_id=lot.product_id)
        .order_by("pk")
        .first()
    )
    if line is None:
        raise ValidationError(_("This order has no line for this lot's product."))
    return lot_shipment_record(order_line=line, lot=lot, quantity=quantity)


def lot_shipment_record(*, order_line: Any, lot: Lot, quantity: int) -> LotShipment:
    """Record that ``quantity`` units of ``order_line`` were shipped from ``lot``."""
    if quantity <= 0:
        raise ValidationError(_("The quantity must be positive."))
    if order_line.product_id != lot.product_id:
        raise ValidationError(_("This lot is of another product."))
    if lot.flagged_at is not None:
        raise ValidationError(_("This lot is flagged and cannot be shipped."))
    others = order_line.lot_shipments.exclude(lot=lot).aggregate(n=Coalesce(Sum("quantity"), 0))
    total = others["n"] + quantity
    if total > order_line.quantity:
        raise ValidationError(_("More than the order line's quantity."))
    shipment, _created = LotShipment.objects.update_or_create(
        order_line=order_line, lot=lot, defaults={"quantity": quantity}
    )
    return shipment

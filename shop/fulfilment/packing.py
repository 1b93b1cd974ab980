"""Packing a shipment: the producer says which of their lots each line ships from (the recall
list reads it: ``traceability.LotShipment``), weighs the parcel and picks its carrier, whose
waybill is then asked for (shop/fulfilment/waybills.py). All of it in one transaction: a
refused lot or carrier leaves the shipment as it was."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shop.fulfilment import selectors, services, waybills
from shop.fulfilment.models import Shipment
from traceability.services import lot_shipment_record

Status = Shipment.Status


def shipment_pack(
    *,
    shipment: Shipment,
    actor,
    on_behalf: bool,
    carrier: str,
    weight_grams: int | None,
    size_cm: tuple[int, int, int] | None,
    allocations: Mapping[int, Sequence[tuple[object, int]]],
) -> Shipment:
    """confirmed -> packed. ``allocations`` is {order line id: [(lot, quantity)]}: every line
    whose product the producer keeps lots of ships from them, the quantities adding up to the
    line's. ``carrier`` empty: no waybill (the producer types the tracking when shipping)."""
    with transaction.atomic():
        lines = list(selectors.shipment_lines(shipment=shipment))
        lots_by_product = selectors.lots_for_lines(producer_id=shipment.partner_id, lines=lines)
        _check_allocations(lines, lots_by_product, allocations)
        shipment = services.shipment_advance(
            shipment=shipment, to=Status.PACKED, actor=actor, on_behalf=on_behalf
        )
        for line in lines:
            line.lot_shipments.all().delete()
            for lot, quantity in allocations.get(line.pk, ()):
                try:
                    lot_shipment_record(order_line=line, lot=lot, quantity=quantity)
                except ValidationError as invalid:
                    raise services.ShipmentRefused(" ".join(invalid.messages)) from None
        if carrier:
            try:
                shipment = waybills.waybill_request(
                    shipment=shipment,
                    carrier=carrier,
                    weight_grams=weight_grams,
                    size_cm=size_cm,
                    actor=actor,
                    on_behalf=on_behalf,
                )
            except waybills.WaybillRefused as refused:
                raise services.ShipmentRefused(str(refused)) from None
    return shipment


def _check_allocations(lines, lots_by_product, allocations) -> None:
    known = {line.pk for line in lines}
    if set(allocations) - known:
        raise services.ShipmentRefused(_("One of the lines given is not in this shipment."))
    for line in lines:
        own = {lot.pk for lot in lots_by_product.get(line.product_id, [])}
        given = allocations.get(line.pk, ())
        if any(getattr(lot, "pk", None) not in own for lot, _quantity in given):
            raise services.ShipmentRefused(
                _("One of the lots given is not yours for this product.")
            )
        if len({lot.pk for lot, _quantity in given}) != len(given):
            raise services.ShipmentRefused(_("A lot is given twice for one line."))
        total = sum(quantity for _lot, quantity in given)
        if any(quantity <= 0 for _lot, quantity in given):
            raise services.ShipmentRefused(_("Lot quantities must be positive."))
        if (own and total != line.quantity) or (not own and given):
            raise services.ShipmentRefused(
                _("“%(title)s”: the lots' quantities add up to %(total)s, not %(quantity)s.")
                % {"title": line.title, "total": total, "quantity": line.quantity}
            )

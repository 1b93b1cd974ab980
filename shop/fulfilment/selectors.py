"""Reads of shipments: a producer's own (never another's), and an order's, grouped for buyers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from shop.fulfilment.models import Shipment
from shop.money import MONEY
from traceability.models import Lot

Line = get_model("order", "Line")


def shipments_for_producer(*, producer, status: str = "") -> QuerySet[Shipment]:
    """The producer's shipments, newest first, with the count and value of their own lines."""
    own = Q(order__lines__partner_id=F("partner_id"))
    shipments = (
        Shipment.objects.filter(partner=producer)
        .select_related("order")
        .annotate(
            line_count=Count("order__lines", filter=own),
            goods=Coalesce(
                Sum("order__lines__line_price_incl_tax", filter=own),
                Value(0),
                output_field=DecimalField(**MONEY),
            ),
        )
        .order_by("-order__date_placed", "-pk")
    )
    if status:
        shipments = shipments.filter(status=status)
    return shipments


def shipment_of_producer(*, producer) -> QuerySet[Shipment]:
    """Where a producer's shipment page looks its shipment up: theirs only."""
    return Shipment.objects.filter(partner=producer).select_related(
        "order", "order__shipping_address", "partner"
    )


def shipment_lines(*, shipment: Shipment) -> QuerySet:
    """The shipment's lines: its producer's lines of the order, and nobody else's."""
    return (
        Line.objects.filter(order_id=shipment.order_id, partner_id=shipment.partner_id)
        .select_related("product")
        .prefetch_related("lot_shipments__lot")
        .order_by("pk")
    )


def shipment_events(*, shipment: Shipment) -> QuerySet:
    return shipment.events.select_related("actor").order_by("at", "pk")


@dataclass
class ShipmentGroup:
    """For the buyer: one producer's lines of an order, with that shipment (None for orders
    placed before shipments existed)."""

    partner_name: str
    shipment: Shipment | None
    lines: list = field(default_factory=list)


def order_shipment_groups(*, order) -> list[ShipmentGroup]:
    shipments = {s.partner_id: s for s in Shipment.objects.filter(order_id=order.pk)}
    groups: dict[int | None, ShipmentGroup] = {}
    for line in order.lines.select_related("product").order_by("pk"):
        group = groups.get(line.partner_id)
        if group is None:
            group = groups[line.partner_id] = ShipmentGroup(
                partner_name=line.partner_name, shipment=shipments.get(line.partner_id)
            )
        group.lines.append(line)
    return sorted(groups.values(), key=lambda g: g.partner_name)


def lots_for_lines(*, producer_id: int, lines) -> dict[int, list]:
    """{product id: [lot]}: the producer's own lots (not flagged) of the lines' products, the
    newest first; what a line may ship from."""
    product_ids = {line.product_id for line in lines if line.product_id}
    by_product: dict[int, list] = {}
    for lot in Lot.objects.filter(
        producer_id=producer_id, product_id__in=product_ids, flagged_at=None
    ).order_by("-production_date", "-pk"):
        by_product.setdefault(lot.product_id, []).append(lot)
    return by_product


def waybills_for_operators(*, state: str = "") -> QuerySet[Shipment]:
    """Packed shipments whose waybill needs an operator's eye: refused or still being created
    (the default), or, ``state="created"``, created and not picked up yet (cancellable)."""
    states = [state] if state else [Shipment.Waybill.FAILED, Shipment.Waybill.PENDING]
    return (
        Shipment.objects.filter(status=Shipment.Status.PACKED, waybill__in=states)
        .select_related("order", "partner")
        .order_by("waybill_requested_at", "pk")
    )

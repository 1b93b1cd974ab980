"""Reads of shipments: a producer's own (never another's), and an order's, grouped for buyers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from shop import geo
from shop.carriers import registry
from shop.carriers.ports import TrackingStatus
from shop.fulfilment.models import CarrierCallback, Shipment
from shop.fulfilment.timeline import TRACKING_LABELS, Step, Timeline, tracking_label
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
    shipments = {
        s.partner_id: s
        for s in Shipment.objects.filter(order_id=order.pk).prefetch_related("carrier_events")
    }
    groups: dict[int | None, ShipmentGroup] = {}
    lines = order.lines.select_related("product").prefetch_related("attributes")  # description
    for line in lines.order_by("pk"):
        group = groups.get(line.partner_id)
        if group is None:
            group = groups[line.partner_id] = ShipmentGroup(
                partner_name=line.partner_name, shipment=shipments.get(line.partner_id)
            )
        group.lines.append(line)
    return sorted(groups.values(), key=lambda g: g.partner_name)


def shipments_to_track(*, limit: int) -> list[Shipment]:
    """Parcels on their way with a configured carrier (a waybill, not yet in a final state),
    the ones asked about longest ago first."""
    return list(
        Shipment.objects.filter(carrier__in=registry.names())
        .exclude(tracking_number="")
        .exclude(waybill=Shipment.Waybill.CANCELLED)
        .exclude(status=Shipment.Status.CANCELLED)
        .exclude(tracking_status__in=TrackingStatus.FINAL)
        .order_by("updated_at", "pk")[:limit]
    )


def shipment_timeline(*, shipment: Shipment) -> Timeline:
    """The parcel's statuses as its carrier reported them, oldest first (a report that came
    late takes its place by the carrier's time). Uses ``carrier_events`` when prefetched."""
    events = sorted(shipment.carrier_events.all(), key=lambda e: (e.at, e.pk))
    return Timeline(
        carrier_name=registry.label(shipment.carrier) if shipment.carrier else "",
        code=shipment.tracking_number,
        current=tracking_label(shipment.tracking_status) if shipment.tracking_status else "",
        expected_delivery=shipment.expected_delivery,
        steps=[
            Step(
                status=e.status, label=tracking_label(e.status), at=e.at, description=e.description
            )
            for e in events
            if e.status in TRACKING_LABELS  # a carrier status with no meaning for the buyer
        ],
    )


def shipment_by_tracking_token(*, token: str) -> Shipment | None:
    """The shipment of a public tracking page, or None for a token that is no shipment's."""
    if not token or len(token) > 64:
        return None
    return (
        Shipment.objects.filter(tracking_token=token)
        .select_related("partner", "order__shipping_address")
        .prefetch_related("carrier_events")
        .first()
    )


def shipment_destination(*, shipment: Shipment) -> str:
    """Where the parcel goes, no closer than the ward: "Xã Đồng Văn, Tuyên Quang"."""
    address = shipment.order.shipping_address
    if address is None:
        return ""
    ward, province = geo.ward(address.ward_code), geo.province(address.province_code)
    names = [
        ward.name if ward else address.line4,
        province.name if province else address.state,
    ]
    return ", ".join(name for name in names if name)


def carrier_callbacks(*, carrier: str = "", outcome: str = "", code: str = "") -> QuerySet:
    """Carriers' callbacks, newest first, for operators."""
    callbacks = CarrierCallback.objects.order_by("-received_at", "-pk")
    if carrier:
        callbacks = callbacks.filter(carrier=carrier)
    if outcome:
        callbacks = callbacks.filter(outcome=outcome)
    if code:
        callbacks = callbacks.filter(code__icontains=code)
    return callbacks


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

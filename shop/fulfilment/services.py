"""Shipments: created with the order, opened when it is paid (or cash on delivery), then moved
forward one step at a time by their producer (or an operator acting for them). Creating,
opening and cancelling an order's shipments is the order `EventHandler`'s to ask
(shop/order/processing.py), with the order's status change.

Nothing here touches another producer's shipment or the order's status: Oscar's order status
pipeline (shop/order/statuses.py) ends at *Paid*, so an order whose shipments are all delivered
keeps that status; the lines of each shipment carry its progress (Oscar's ``Line.status``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.order.signals import order_line_status_changed
from oscar.core.loading import get_class, get_model

from shop.db.rows import rows_locked
from shop.fulfilment import cod as shipment_cod
from shop.fulfilment import tasks
from shop.fulfilment.models import Shipment, ShipmentEvent
from shop.money import whole_dong
from shop.notifications import notify
from shop.outbox.services import outbox_enqueue_many

Line = get_model("order", "Line")
Status = Shipment.Status

# Oscar's line status (OSCAR_LINE_STATUS_PIPELINE) for each shipment status.
LINE_STATUS = {
    Status.PENDING: "Pending",
    Status.NEW: "To confirm",
    Status.CONFIRMED: "Confirmed",
    Status.PACKED: "Packed",
    Status.SHIPPED: "Shipped",
    Status.DELIVERED: "Delivered",
    Status.RETURNED: "Returned",
    Status.CANCELLED: "Cancelled",
}

# What a producer may do next: one step forward at a time, never cancel.
NEXT_STEP = {
    Status.NEW: Status.CONFIRMED,
    Status.CONFIRMED: Status.PACKED,
    Status.PACKED: Status.SHIPPED,
    Status.SHIPPED: Status.DELIVERED,
}

# A shipment with one of these waybills is shipped by its carrier's pick-up (tracking.py), not
# by hand: the producer types a carrier and tracking number only when no carrier has its parcel.
CARRIER_SHIPS = (Shipment.Waybill.PENDING, Shipment.Waybill.CREATED)

# What an order's cancellation (its payment never came) cancels.
CANCELLABLE = (Status.PENDING, Status.NEW)


class ShipmentRefused(Exception):
    """The move asked for is not allowed; the message says why, for the producer."""


@transaction.atomic(savepoint=False)  # one order's rows: all or nothing with the caller's
def shipments_create_for_order(
    *, order, parts: Iterable, cash_on_delivery: bool = False
) -> list[Shipment]:
    """One shipment per producer with lines in `order`, charged as in the shipping method's
    breakdown `parts` (ProducerShipping items), each recording where its charge came from (a
    carrier's quote, the flat rate, free shipping), the carrier that quoted and the date it
    promised. The charges add up to the order's shipping charge: a shipping discount is shared
    out between producers in proportion to their charge.

    A cash-on-delivery order (`cash_on_delivery`, confirmed as it is placed) has its shipments
    written opened at once, each due its share of the total: the same rows, events (pending,
    then new), e-mails and line statuses as opening them (`shipments_open_for_order`) and
    setting their cash due (`cod.cod_due_set_for_order`) afterwards."""
    lines = list(order.lines.all())
    partner_ids = sorted({line.partner_id for line in lines if line.partner_id})
    by_producer = {part.producer.pk: part for part in parts}
    charges = _fit(
        [whole_dong(getattr(by_producer.get(pk), "charge", 0)) for pk in partner_ids],
        whole_dong(order.shipping_incl_tax),
    )
    shipments = [
        Shipment(
            order=order,
            partner_id=partner_id,
            charge=charge,
            charge_source=getattr(by_producer.get(partner_id), "source", ""),
            quoted_carrier=getattr(by_producer.get(partner_id), "carrier", ""),
            expected_delivery=getattr(by_producer.get(partner_id), "expected_delivery", None),
        )
        for partner_id, charge in zip(partner_ids, charges, strict=True)
    ]
    if not cash_on_delivery:
        Shipment.objects.bulk_create(shipments)
        ShipmentEvent.objects.bulk_create(
            [ShipmentEvent(shipment=shipment, status=shipment.status) for shipment in shipments]
        )
        return shipments
    prices = [(line.partner_id, line.line_price_incl_tax) for line in lines]
    for shipment, due in zip(
        shipments, shipment_cod.shares_of(order, shipments, prices=prices), strict=True
    ):
        shipment.status, shipment.cod, shipment.cod_due = Status.NEW, Shipment.Cod.DUE, due
    Shipment.objects.bulk_create(shipments)
    events = ShipmentEvent.objects.bulk_create(
        [ShipmentEvent(shipment=shipment, status=Status.PENDING) for shipment in shipments]
        + [ShipmentEvent(shipment=shipment, status=Status.NEW) for shipment in shipments]
    )
    _opened(events[len(shipments) :], lines=[line for line in lines if line.partner_id])
    return shipments


def _fit(charges: list[Decimal], total: Decimal) -> list[Decimal]:
    current = sum(charges, Decimal(0))
    if current == total or not charges:
        return charges
    if current == 0:
        return [total] + [Decimal(0)] * (len(charges) - 1)
    fitted = [whole_dong(charge * total / current) for charge in charges]
    largest = max(range(len(fitted)), key=lambda i: fitted[i])
    fitted[largest] += total - sum(fitted, Decimal(0))
    return fitted


@transaction.atomic(savepoint=False)  # part of the caller's transaction: no savepoint of its own
def shipments_open_for_order(*, order, actor=None) -> int:
    """The order is paid, or placed as cash on delivery: its producers can start (pending ->
    new). Idempotent; returns how many shipments moved. Within the order's transaction (the
    order pipeline): a failure here fails the payment or the confirmation with it."""
    shipments = rows_locked(  # built once (shop.db.rows): a paying IPN runs it every time
        Shipment, where={"order": order.pk, "status": Status.PENDING}, fields=MOVED_READ
    )
    _move_many(shipments, Status.NEW, actor=actor)
    return len(shipments)


@transaction.atomic
def shipments_cancel_for_order(*, order, actor=None, note: str = "") -> int:
    """The order is cancelled before any producer started: its shipments are cancelled."""
    moved = 0
    for shipment in Shipment.objects.select_for_update().filter(
        order_id=order.pk, status__in=CANCELLABLE
    ):
        _move(shipment, Status.CANCELLED, actor=actor, on_behalf=False, note=note)
        moved += 1
    return moved


@transaction.atomic
def shipment_advance(
    *,
    shipment: Shipment,
    to: str,
    actor,
    on_behalf: bool,
    carrier: str = "",
    tracking_number: str = "",
) -> Shipment:
    """Move `shipment` one step forward (confirmed -> packed -> shipped -> delivered).

    Packing with a carrier and lots is `packing.shipment_pack`; this moves it without a
    carrier. Shipping by hand (the carrier's name and tracking number, typed) is for a
    shipment whose parcel no carrier's waybill covers; with one, the pick-up ships it."""
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status == Status.PENDING:
        raise ShipmentRefused(_("This order is not paid yet: wait before preparing it."))
    if to == Status.CANCELLED:
        raise ShipmentRefused(_("Producers cannot cancel a shipment. Please contact us."))
    if NEXT_STEP.get(shipment.status) != to:
        raise ShipmentRefused(
            _("This shipment is “%(status)s”: it moves one step at a time, forward only.")
            % {"status": shipment.get_status_display()}
        )
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if to == Status.SHIPPED:
        if shipment.waybill in CARRIER_SHIPS:
            raise ShipmentRefused(_("The carrier marks this parcel shipped when it picks it up."))
        if not carrier or not tracking_number:
            raise ShipmentRefused(_("Give the carrier and the tracking number to ship."))
        shipment.carrier, shipment.tracking_number = carrier[:64], tracking_number[:64]
    _move(shipment, to, actor=actor, on_behalf=on_behalf)
    return shipment


def shipment_carrier_move(*, shipment: Shipment, to: str, at) -> None:
    """The carrier moved the parcel (shop/fulfilment/tracking.py): picked up or delivered at
    `at`, by the carrier's clock. Within the caller's transaction, with `shipment`
    locked; the caller has checked the move goes forward."""
    _move(shipment, to, actor=None, on_behalf=False, at=at, note=shipment.carrier)


def _move(shipment: Shipment, to: str, *, actor, on_behalf: bool, note: str = "", at=None) -> None:
    """Within the caller's transaction, with `shipment` locked."""
    now = at or timezone.now()
    shipment.status = to
    if to == Status.SHIPPED:
        shipment.shipped_at = now
    elif to == Status.DELIVERED:
        shipment.delivered_at = now
    shipment.save()
    event = ShipmentEvent.objects.create(
        shipment=shipment, status=to, actor=actor, on_behalf=on_behalf, note=note[:255]
    )
    if to in (Status.NEW, Status.SHIPPED):  # the producer has an order; the buyer a parcel
        notify(tasks.send_shipment_email, event_id=event.pk, key=f"shipment-email:{event.pk}")
    for line in Line.objects.filter(order_id=shipment.order_id, partner_id=shipment.partner_id):
        line.set_status(LINE_STATUS[to])


# The columns `_move_many` reads or sets of the shipments it moves (a caller may load only these).
MOVED_READ = ("order_id", "partner_id", "status", "updated_at")


def _move_many(shipments: list[Shipment], to: str, *, actor) -> None:
    """`_move` of the shipments of one order at once (a few statements, however many
    producers), not on behalf of anyone; within the caller's transaction, with them locked."""
    if not shipments:
        return
    now = timezone.now()
    ids = [shipment.pk for shipment in shipments]
    Shipment.objects.filter(pk__in=ids).update(status=to, updated_at=now)
    for shipment in shipments:
        shipment.status, shipment.updated_at = to, now
    events = ShipmentEvent.objects.bulk_create(
        [
            ShipmentEvent(shipment=shipment, status=to, actor=actor, on_behalf=False)
            for shipment in shipments
        ]
    )
    lines = Line.objects.filter(
        order_id=shipments[0].order_id, partner_id__in=[s.partner_id for s in shipments]
    ).order_by("pk")
    if to == Status.NEW:
        _opened(events, lines=list(lines))
        return
    if to == Status.SHIPPED:
        _emails_enqueue(events)
    lines_set_status(list(lines), LINE_STATUS[to])


def _opened(events: list, *, lines: list) -> None:
    """Shipments opened (their `events`, new): each producer learns of its order, and the
    `lines` of those shipments move with them."""
    _emails_enqueue(events)
    lines_set_status(lines, LINE_STATUS[Status.NEW])


def _emails_enqueue(events: list) -> None:
    outbox_enqueue_many(
        task=tasks.send_shipment_email.name,
        kwargs_by_key={f"shipment-email:{event.pk}": {"event_id": event.pk} for event in events},
    )


def lines_set_status(lines: list, new_status: str) -> None:
    """Oscar's `Line.set_status` for each of `lines` (the same refusal of a status its
    pipeline does not allow, the same signal), written in one UPDATE."""
    InvalidLineStatus = get_class("order.exceptions", "InvalidLineStatus")
    moving = [line for line in lines if line.status != new_status]
    for line in moving:
        if new_status not in line.available_statuses():
            raise InvalidLineStatus(
                _("'%(new_status)s' is not a valid status (current status: '%(status)s')")
                % {"new_status": new_status, "status": line.status}
            )
    if not moving:
        return
    Line.objects.filter(pk__in=[line.pk for line in moving]).update(status=new_status)
    for line in moving:
        old_status, line.status = line.status, new_status
        order_line_status_changed.send(
            sender=line, line=line, old_status=old_status, new_status=new_status
        )


# For the other services of this app (after-sale), once they have made their own checks.
shipment_move = _move

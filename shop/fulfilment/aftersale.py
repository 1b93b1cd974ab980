"""After the sale, the buyer's side: cancel a producer's part before it is packed, confirm it
arrived ("Đã nhận hàng"), and what happens when a parcel comes back to its producer.

A shipment that leaves the order (cancelled, or returned) gives back the stock its lines held
and no longer owes cash on delivery. Its money is payments' business: fulfilment sends
`signals.shipment_withdrawn` and payments refunds that producer's part when the order was paid
(through the gateway when it can, else as a refund an operator pays back by hand) and cancels
the order through its pipeline when no shipment is left.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.fulfilment import cod, services, signals, tasks
from shop.fulfilment.models import Shipment
from shop.notifications import notify

Line = get_model("order", "Line")
Status = Shipment.Status

# Not packed yet: the buyer may still cancel this producer's part.
BUYER_CANCELLABLE = (Status.PENDING, Status.NEW, Status.CONFIRMED)
# The carrier has it or delivered it: the buyer may say it arrived.
RECEIVABLE = (Status.SHIPPED, Status.DELIVERED)
GONE = (Status.CANCELLED, Status.RETURNED)


def buyer_owns(*, shipment: Shipment, user, order_hash: str = "") -> bool:
    """The order is the signed-in user's own, or a guest's whose signed order link
    (Oscar's verification hash, from the order e-mails) came with the request."""
    order = shipment.order
    if order.user_id is None:
        return bool(order_hash) and order.check_verification_hash(order_hash)
    return bool(user is not None and user.is_authenticated and order.user_id == user.pk)


def shipment_cancel_by_buyer(*, shipment: Shipment, user, order_hash: str = "") -> Shipment:
    """The buyer cancels one producer's part of their order before it is packed: the shipment
    is cancelled, its stock released, its cash due dropped, and (payments) its part refunded
    when the order was paid; the order is cancelled when no other part is left.

    An order not yet paid is cancelled whole (its payment covers every part) or not at all.
    Raises `services.ShipmentRefused` (with the buyer's message) for anyone but the order's
    owner, or for a shipment already packed."""
    with transaction.atomic():
        cod.order_lock(shipment.order_id)
        shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
        if not buyer_owns(shipment=shipment, user=user, order_hash=order_hash):
            raise services.ShipmentRefused(_("This order is not yours."))
        if shipment.status not in BUYER_CANCELLABLE:
            raise services.ShipmentRefused(
                _("This part is “%(status)s”: it can no longer be cancelled.")
                % {"status": shipment.get_status_display()}
            )
        others = (
            Shipment.objects.filter(order_id=shipment.order_id)
            .exclude(pk=shipment.pk)
            .exclude(status__in=GONE)
        )
        if shipment.status == Status.PENDING and others.exists():
            raise services.ShipmentRefused(
                _("This order is not paid yet: cancel the whole order, or pay it first.")
            )
        _withdraw(
            shipment,
            to=Status.CANCELLED,
            actor=user if shipment.order.user_id else None,
            reason=_("Cancelled by the buyer before packing."),
        )
        event = shipment.events.filter(status=Status.CANCELLED).latest("pk")
        notify(tasks.send_shipment_email, event_id=event.pk, key=f"shipment-email:{event.pk}")
    return shipment


def shipment_goods_back(*, shipment: Shipment, reason: str, now: datetime | None = None) -> bool:
    """The parcel came back to its producer: the shipment is returned (if the carrier's update
    did not already say so), its stock released, its cash due dropped, and its part refunded
    when the order was paid. Idempotent: ``returned_at`` marks it done; returns False when it
    already was."""
    now = now or timezone.now()
    with transaction.atomic():
        cod.order_lock(shipment.order_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.returned_at is not None or shipment.status == Status.CANCELLED:
            return False
        shipment.returned_at = now
        _withdraw(shipment, to=Status.RETURNED, actor=None, reason=reason or _("Parcel returned."))
    return True


def _withdraw(shipment: Shipment, *, to: str, actor, reason: str) -> None:
    """Within the caller's transaction, `shipment` locked."""
    cod.cod_drop(shipment)
    if shipment.status == to:
        shipment.save()
    else:
        services.shipment_move(shipment, to, actor=actor, on_behalf=False, note=reason)
    for line in Line.objects.filter(order_id=shipment.order_id, partner_id=shipment.partner_id):
        line.cancel_allocation(line.quantity)  # Oscar's: once per line, never below zero
    signals.shipment_withdrawn.send(
        sender=Shipment, shipment=shipment, actor=actor, reason=str(reason)
    )
    cod.order_cash_check(order_id=shipment.order_id)


@transaction.atomic
def shipment_confirm_receipt(
    *, shipment: Shipment, user, order_hash: str = "", now: datetime | None = None
) -> Shipment:
    """The buyer says the parcel arrived ("Đã nhận hàng"), once it is shipped or delivered."""
    shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
    if not buyer_owns(shipment=shipment, user=user, order_hash=order_hash):
        raise services.ShipmentRefused(_("This order is not yours."))
    if shipment.receipt:
        return shipment
    if shipment.status not in RECEIVABLE:
        raise services.ShipmentRefused(_("This parcel is not on its way yet."))
    shipment.receipt, shipment.received_at = Shipment.Receipt.BUYER, now or timezone.now()
    shipment.save(update_fields=["receipt", "received_at", "updated_at"])
    return shipment


def deliveries_confirm(*, now: datetime | None = None) -> int:
    """Parcels delivered more than ``DELIVERY_CONFIRM_AFTER_DAYS`` ago that their buyer did not
    confirm are confirmed automatically. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DELIVERY_CONFIRM_AFTER_DAYS)
    return Shipment.objects.filter(
        status=Status.DELIVERED, receipt="", delivered_at__lte=cutoff
    ).update(receipt=Shipment.Receipt.AUTO, received_at=now, updated_at=now)

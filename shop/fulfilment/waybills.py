"""Waybills: the carrier's order for a packed shipment, created once, outside any transaction.

The producer's "packed" step records the request (`waybill_request`: the carrier, the parcel
as weighed, ``waybill=PENDING`` and a new idempotency key in ``waybill_reference``) in its own
transaction, and queues the outbox task ``fulfilment.create_waybill``. The task
(`waybill_create`) asks the carrier with no transaction open and no row locked; the carrier
keeps our reference as its client order code, so a second call (a retry after a time-out, two
workers at once) returns the waybill the first one made: a shipment never gets two. Only the
short reads and writes around the call lock the shipment's row.

- The carrier is unreachable (``CarrierUnavailable``): the attempt and its error are kept on
  the shipment (``waybill_attempts``, ``waybill_error``) and the task fails, so the outbox
  runs it again with exponential backoff. The waybill stays *pending* and is listed for
  operators, who can queue it again once the outbox gives up.
- The carrier refuses (``CarrierError``, ``UnitNotServed``): ``waybill=FAILED`` with the
  carrier's words, shown to the producer and operators. The producer fixes the parcel (another
  carrier, another weight) and asks again: a new request, with a new reference.

Once the waybill exists, the carrier's pick-up moves the shipment to *shipped*
(shop/fulfilment/tracking.py); a shipment packed without a carrier is shipped by hand, with the
carrier's name and tracking number typed by the producer (``services.shipment_advance``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.carriers import registry
from shop.carriers.ports import (
    CarrierError,
    CarrierUnavailable,
    TrackingStatus,
    WaybillRequest,
)
from shop.fulfilment import parcels, selectors, tasks
from shop.fulfilment.models import CarrierEvent, Shipment, ShipmentEvent
from shop.notifications import notify

logger = logging.getLogger(__name__)

Waybill = Shipment.Waybill
Status = Shipment.Status

# Waybills a producer (or an operator) may ask for again: the carrier refused, or it was cancelled.
REQUESTABLE = (Waybill.NONE, Waybill.FAILED, Waybill.CANCELLED)


class WaybillRefused(Exception):
    """The request cannot be made (wrong step, unknown carrier); the message says why."""


def waybill_reference(shipment: Shipment) -> str:
    """A new idempotency key for the shipment's next waybill: ``CP<order>-<producer>-<n>``."""
    previous = shipment.waybill_reference.rpartition("-")[2]
    n = int(previous) + 1 if previous.isdigit() else 1
    return f"CP{shipment.order.number}-{shipment.partner_id}-{n}"[:40]


def waybill_request(
    *,
    shipment: Shipment,
    carrier: str,
    weight_grams: int,
    size_cm: tuple[int, int, int] | None,
    actor,
    on_behalf: bool = False,
) -> Shipment:
    """Record a waybill request for the packed shipment and queue its creation. Runs in the
    caller's transaction (the packing's, which has just packed it) with the row locked."""
    if not registry.is_configured(carrier):
        raise WaybillRefused(_("This carrier is not available."))
    if weight_grams is None or weight_grams <= 0:
        raise WaybillRefused(_("Give the parcel's weight in grams."))
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
        if locked.status != Status.PACKED:
            raise WaybillRefused(_("A waybill is made when the shipment is packed."))
        if locked.waybill not in REQUESTABLE:
            raise WaybillRefused(_("This shipment already has a waybill."))
        locked.carrier = carrier
        locked.weight_grams = weight_grams
        locked.length_cm, locked.width_cm, locked.height_cm = size_cm or (None, None, None)
        locked.waybill = Waybill.PENDING
        locked.waybill_reference = waybill_reference(locked)
        locked.waybill_attempts = 0
        locked.waybill_error = ""
        locked.waybill_requested_at = timezone.now()
        locked.tracking_number = locked.label_url = locked.sort_code = ""
        locked.carrier_fee = None
        locked.tracking_status = ""
        locked.save()
        _event(
            locked,
            _("Waybill requested from %(carrier)s") % {"carrier": registry.label(carrier)},
            actor=actor,
            on_behalf=on_behalf,
        )
        _queue(locked)
    return locked


def waybill_requeue(*, shipment: Shipment, actor) -> Shipment:
    """An operator queues a pending waybill again (the outbox gave up on an unreachable
    carrier): same reference, so a waybill the carrier did make is found, not doubled."""
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if locked.waybill != Waybill.PENDING:
            raise WaybillRefused(_("This waybill is not waiting to be created."))
        _event(locked, _("Waybill creation queued again by an operator"), actor=actor)
        _queue(locked, again=True)
    return locked


def _event(shipment: Shipment, note: str, *, actor=None, on_behalf: bool = False) -> None:
    """A line in the shipment's history (its status unchanged) saying what its waybill did."""
    ShipmentEvent.objects.create(
        shipment=shipment,
        status=shipment.status,
        actor=actor,
        on_behalf=on_behalf,
        note=note[:255],
    )


def _queue(shipment: Shipment, *, again: bool = False) -> None:
    key = f"create-waybill:{shipment.waybill_reference}"
    if again:
        key += f":{timezone.now().timestamp()}"
    notify(tasks.create_waybill, shipment_id=shipment.pk, key=key)


def waybill_create(*, shipment_id: int) -> str:
    """Create the shipment's pending waybill at its carrier (the outbox task's body). Returns
    what happened: ``created``, ``failed``, ``skipped`` (nothing pending). Raises
    CarrierUnavailable after recording it, so the outbox tries again later."""
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("order", "order__shipping_address", "partner")
            .get(pk=shipment_id)
        )
        if shipment.waybill != Waybill.PENDING or shipment.status != Status.PACKED:
            return "skipped"
        shipment.waybill_attempts += 1
        shipment.save(update_fields=["waybill_attempts", "updated_at"])
    reference = shipment.waybill_reference
    try:
        request = _request_of(shipment)
        carrier = registry.carrier_for(shipment.carrier)
        waybill = carrier.create(request)  # no transaction, no lock: the carrier is idempotent
    except CarrierUnavailable as exc:
        _record_error(shipment_id, reference, str(exc) or _("The carrier did not answer."))
        raise
    except CarrierError as exc:
        _record_failure(shipment_id, reference, str(exc))
        return "failed"
    except parcels.AddressIncomplete:
        message = _("The pick-up or delivery address has no ward or phone: complete it first.")
        _record_failure(shipment_id, reference, message)
        return "failed"
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment_id)
        if locked.waybill != Waybill.PENDING or locked.waybill_reference != reference:
            return "skipped"  # someone else recorded it (the same waybill) or asked anew
        locked.waybill = Waybill.CREATED
        locked.tracking_number = waybill.code[:64]
        locked.label_url = (waybill.label_url or "")[:500]
        locked.sort_code = (waybill.sort_code or "")[:64]
        locked.carrier_fee = waybill.fee
        if waybill.expected_delivery:
            locked.expected_delivery = waybill.expected_delivery
        locked.tracking_status = TrackingStatus.READY_TO_PICK
        locked.tracking_at = timezone.now()
        locked.waybill_error = ""
        locked.save()
        _event(locked, _("Waybill %(code)s created") % {"code": locked.tracking_number})
        # The parcel's first step on the buyer's timeline: waiting for the carrier's pick-up.
        CarrierEvent.objects.create(
            shipment=locked,
            carrier=locked.carrier,
            status=TrackingStatus.READY_TO_PICK,
            carrier_status="waybill",
            at=locked.tracking_at,
            source=CarrierEvent.Source.WAYBILL,
            applied=True,
        )
    return "created"


def _request_of(shipment: Shipment) -> WaybillRequest:
    address = shipment.order.shipping_address
    if address is None:
        raise parcels.AddressIncomplete("the order has no shipping address")
    cod = shipment.cod_due if shipment.cod == Shipment.Cod.DUE else 0
    size = None
    if shipment.length_cm and shipment.width_cm and shipment.height_cm:
        size = (shipment.length_cm, shipment.width_cm, shipment.height_cm)
    parcel = parcels.parcel_of(
        selectors.shipment_lines(shipment=shipment),
        cod_amount=cod,
        weight_grams=shipment.weight_grams,
        size_cm=size,
        note=(address.notes or "")[:255],
    )
    return WaybillRequest(
        reference=shipment.waybill_reference,
        sender=parcels.sender_of(shipment.partner),
        receiver=parcels.receiver_of(address),
        parcel=parcel,
    )


def _record_error(shipment_id: int, reference: str, message: str) -> None:
    Shipment.objects.filter(
        pk=shipment_id, waybill=Waybill.PENDING, waybill_reference=reference
    ).update(waybill_error=message[:255], updated_at=timezone.now())


def _record_failure(shipment_id: int, reference: str, message: str) -> None:
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment_id)
        if locked.waybill != Waybill.PENDING or locked.waybill_reference != reference:
            return
        locked.waybill = Waybill.FAILED
        locked.waybill_error = (message or _("The carrier refused the waybill."))[:255]
        locked.save(update_fields=["waybill", "waybill_error", "updated_at"])
        _event(locked, _("The carrier refused the waybill: %(reason)s") % {"reason": message})


def waybill_cancel(*, shipment: Shipment, actor=None) -> Shipment:
    """Cancel the shipment's waybill at its carrier (before the pick-up). The carrier is asked
    outside any transaction; its refusal is kept in ``waybill_error`` and raised as
    CarrierError. A waybill still being created cannot be cancelled yet (WaybillRefused)."""
    shipment = Shipment.objects.get(pk=shipment.pk)
    if shipment.waybill in (Waybill.NONE, Waybill.FAILED, Waybill.CANCELLED):
        return shipment  # nothing at the carrier
    if shipment.waybill != Waybill.CREATED:
        raise WaybillRefused(_("The waybill is still being created: try again in a moment."))
    code = shipment.tracking_number
    try:
        registry.carrier_for(shipment.carrier).cancel(code)
    except CarrierError as exc:
        Shipment.objects.filter(pk=shipment.pk, tracking_number=code).update(
            waybill_error=(_("Cancel refused: %(reason)s") % {"reason": exc})[:255],
            updated_at=timezone.now(),
        )
        raise
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if locked.waybill == Waybill.CREATED and locked.tracking_number == code:
            locked.waybill = Waybill.CANCELLED
            locked.tracking_status = TrackingStatus.CANCELLED
            locked.tracking_at = timezone.now()
            locked.waybill_error = ""
            locked.save()
            _event(locked, _("Waybill %(code)s cancelled") % {"code": code}, actor=actor)
    return locked

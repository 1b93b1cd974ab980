"""A decision's parcels: the goods back from the buyer to the producer (a return) or a
replacement from the producer to the buyer, made with the carrier port (`shop.carriers`) once
per reference, and tracked until they arrive (task ``complaints.track_parcels``). A returned
parcel that reaches its producer moves the refund on (`remedies.remedy_execute`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.carriers import registry
from shop.carriers.ports import (
    TRACKING_RANK,
    CarrierError,
    CarrierUnavailable,
    TrackingStatus,
    WaybillRequest,
)
from shop.complaints.models import Complaint, ComplaintParcel, ComplaintStep, Role, State
from shop.complaints.remedies import RemedyRetry, failure_record
from shop.complaints.services import step_record
from shop.fulfilment import parcels as parcel_parts

Kind = ComplaintStep.Kind
Direction = ComplaintParcel.Direction
ParcelStatus = ComplaintParcel.Status


def parcel_carrier(complaint: Complaint) -> str:
    """The shipment's carrier, else the producer's usual one, else the first configured."""
    for name in (complaint.shipment.carrier, complaint.partner.default_carrier):
        if name and registry.is_configured(name):
            return name
    names = registry.names()
    return names[0] if names else ""


@dataclass(frozen=True)
class _Item:
    product: object
    title: str
    quantity: int
    unit_price_incl_tax: Decimal


def parcel_request(parcel: ComplaintParcel) -> WaybillRequest:
    """The waybill: the complained quantity of the line, between the buyer (the order's
    shipping address) and the producer (its pick-up address); nothing to collect."""
    complaint = parcel.complaint
    address = complaint.order.shipping_address
    if address is None:
        raise parcel_parts.AddressIncomplete("the order has no shipping address")
    buyer = parcel_parts.receiver_of(address)
    producer = parcel_parts.sender_of(complaint.partner)
    line = complaint.line
    goods = parcel_parts.parcel_of(
        [_Item(line.product, line.title, complaint.quantity, line.unit_price_incl_tax)],
        note=complaint.reference,
    )
    if parcel.direction == Direction.RETURN:
        sender, receiver = buyer, producer
    else:
        sender, receiver = producer, buyer
    return WaybillRequest(
        reference=parcel.reference, sender=sender, receiver=receiver, parcel=goods
    )


def _parcel_for(complaint: Complaint, direction: str) -> ComplaintParcel | None:
    """The complaint's live parcel in ``direction``, made (pending) when there is none."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.state != State.EXECUTING:
            return None
        existing = list(locked.parcels.filter(direction=direction).order_by("pk"))
        live = [
            p for p in existing if p.status not in (ParcelStatus.FAILED, ParcelStatus.CANCELLED)
        ]
        if live:
            return live[-1]
        letter = "TH" if direction == Direction.RETURN else "DT"
        return ComplaintParcel.objects.create(
            complaint=locked,
            direction=direction,
            carrier=parcel_carrier(complaint),
            reference=f"{locked.reference}-{letter}{len(existing) + 1}"[:40],
        )


def parcel_carry_out(complaint: Complaint, direction: str) -> ComplaintParcel | None:
    parcel = _parcel_for(complaint, direction)
    if parcel is None or parcel.status != ParcelStatus.PENDING:
        return parcel
    ComplaintParcel.objects.filter(pk=parcel.pk).update(attempts=F("attempts") + 1)
    try:
        if not parcel.carrier:
            raise CarrierError(_("No carrier is configured."))
        request = parcel_request(parcel)
        waybill = registry.carrier_for(parcel.carrier).create(request)  # idempotent, no lock
    except CarrierUnavailable as exc:
        message = str(exc) or _("The carrier did not answer.")
        ComplaintParcel.objects.filter(pk=parcel.pk).update(error=message[:255])
        failure_record(complaint, _("The carrier did not answer: %(error)s") % {"error": message})
        raise RemedyRetry(message) from exc
    except (CarrierError, parcel_parts.AddressIncomplete) as exc:
        if isinstance(exc, parcel_parts.AddressIncomplete):
            message = _("The pick-up or delivery address has no ward or phone: complete it first.")
        else:
            message = str(exc) or _("The carrier refused the waybill.")
        ComplaintParcel.objects.filter(pk=parcel.pk, status=ParcelStatus.PENDING).update(
            status=ParcelStatus.FAILED, error=message[:255], updated_at=timezone.now()
        )
        failure_record(complaint, _("The carrier refused the parcel: %(error)s") % {
            "error": message
        })  # fmt: skip
        return None
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        parcel = ComplaintParcel.objects.select_for_update().get(pk=parcel.pk)
        if parcel.status == ParcelStatus.PENDING:
            parcel.status = ParcelStatus.CREATED
            parcel.tracking_number = waybill.code[:64]
            parcel.tracking_status = TrackingStatus.READY_TO_PICK
            parcel.error = ""
            parcel.save()
            locked.execution_error = ""
            locked.save(update_fields=["execution_error"])
            label = registry.label(parcel.carrier)
            step_record(
                complaint=locked,
                kind=Kind.PARCEL,
                role=Role.SYSTEM,
                text=(
                    _("Return parcel %(code)s with %(carrier)s.")
                    if direction == Direction.RETURN
                    else _("Replacement parcel %(code)s with %(carrier)s.")
                )
                % {"code": parcel.tracking_number, "carrier": label},
            )
    return parcel


def parcels_track(*, now: datetime | None = None) -> dict[str, int]:
    """Ask the carriers where the complaints' parcels are (task ``complaints.track_parcels``):
    a delivered parcel moves its remedy on (through the outbox); a cancelled or lost one is
    shown to operators. Each carrier is asked outside any transaction."""
    counts = {"tracked": 0, "delivered": 0, "failed": 0, "unavailable": 0}
    parcels = list(
        ComplaintParcel.objects.filter(status=ParcelStatus.CREATED)
        .exclude(tracking_number="")
        .order_by("pk")
        .values_list("pk", "carrier", "tracking_number")
    )
    for pk, carrier, code in parcels:
        try:
            updates = registry.carrier_for(carrier).track(code)
        except CarrierError as exc:  # unavailable included: the next round asks again
            counts["unavailable"] += 1
            ComplaintParcel.objects.filter(pk=pk).update(error=str(exc)[:255])
            continue
        counts["tracked"] += 1
        outcome = parcel_update(parcel_id=pk, updates=updates, now=now)
        if outcome in counts:
            counts[outcome] += 1
    return counts


def parcel_update(*, parcel_id: int, updates, now: datetime | None = None) -> str:
    """Apply a carrier's statuses to a parcel (never backwards); returns ``delivered``,
    ``failed`` or ``moved``/``same``."""
    from shop.complaints import tasks
    from shop.notifications import notify

    if not updates:
        return "same"
    latest = max(updates, key=lambda u: (TRACKING_RANK.get(u.status, -1), u.at))
    with transaction.atomic():
        parcel = ComplaintParcel.objects.select_for_update().get(pk=parcel_id)
        if parcel.status != ParcelStatus.CREATED:
            return "same"
        rank = TRACKING_RANK.get(parcel.tracking_status, -1)
        if latest.status == parcel.tracking_status or TRACKING_RANK.get(latest.status, -1) < rank:
            return "same"  # nothing new, or an older status arriving late
        parcel.tracking_status = latest.status
        parcel.error = ""
        outcome = "moved"
        complaint = Complaint.objects.select_for_update().get(pk=parcel.complaint_id)
        if latest.status == TrackingStatus.DELIVERED:
            parcel.status, parcel.delivered_at = ParcelStatus.DELIVERED, latest.at
            step_record(
                complaint=complaint,
                kind=Kind.PARCEL_ARRIVED,
                role=Role.SYSTEM,
                text=(
                    _("The returned goods are back with the producer.")
                    if parcel.direction == Direction.RETURN
                    else _("The replacement was delivered.")
                ),
                at=latest.at,
            )
            notify(
                tasks.remedy_execute,
                complaint_id=complaint.pk,
                key=f"complaint-remedy:{complaint.pk}:parcel:{parcel.pk}",
            )
            outcome = "delivered"
        elif latest.status in TrackingStatus.FINAL:
            parcel.status = ParcelStatus.CANCELLED
            parcel.error = (latest.description or latest.carrier_status)[:255]
            outcome = "failed"
        parcel.save()
    if outcome == "failed":
        failure_record(complaint, _("The parcel %(code)s did not arrive (%(status)s).") % {
            "code": parcel.tracking_number, "status": latest.carrier_status
        })  # fmt: skip
    return outcome

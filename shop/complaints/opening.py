"""Opening a complaint: who may, on which line, until when (the window after delivery, or
after a promised date that passed), with its photos; a doubt about origin names the lot and
tells the inspectors."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shop.complaints.models import (
    OPEN_STATES,
    Complaint,
    ComplaintPhoto,
    ComplaintStep,
    Reason,
    Role,
)
from shop.complaints.services import (
    COMPLAINT_PHOTO,
    DESCRIPTION_MAX,
    WISHES,
    ComplaintRefused,
    payout_account_clean,
    step_record,
    text_clean,
)
from shop.fulfilment.models import Shipment
from shop.recipients import known_language
from shop.uploads.files import upload_clean

Kind = ComplaintStep.Kind


def line_shipment(line) -> Shipment | None:
    return (
        Shipment.objects.select_related("order")
        .filter(order_id=line.order_id, partner_id=line.partner_id)
        .first()
    )


def window_of(shipment: Shipment | None, *, now: datetime | None = None) -> datetime | None:
    """Until when a complaint may be opened on `shipment`'s lines, or None when it may not
    (yet, or any more): COMPLAINT_WINDOW_DAYS after delivery, or, while a shipped parcel is
    late (past its expected delivery day, in the floor's time zone), after that day ended."""
    if shipment is None:
        return None
    now = now or timezone.now()
    days = timedelta(days=settings.COMPLAINT_WINDOW_DAYS)
    if shipment.status == Shipment.Status.DELIVERED and shipment.delivered_at:
        end = shipment.delivered_at + days
    elif shipment.status == Shipment.Status.SHIPPED and shipment.expected_delivery:
        late_from = timezone.make_aware(
            datetime.combine(shipment.expected_delivery + timedelta(days=1), time.min)
        )
        if now < late_from:
            return None
        end = late_from + days
    else:
        return None
    return end if now <= end else None


def complaint_open(
    *,
    line,
    user,
    order_hash: str = "",
    reason: str,
    description: str,
    wish: str,
    quantity: int,
    photos=(),
    bank_bin: str = "",
    account_number: str = "",
    account_holder: str = "",
    language: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The buyer complains about one line of their order: delivered within the window, or
    late. One open complaint per line. A doubt about origin names the line's lot and the
    inspectors are told. Photos are checked by content and re-encoded, kept private. A refund
    wished on an order paid in cash or by bank transfer may come with the buyer's account
    (asked for later otherwise). The producer has COMPLAINT_ANSWER_HOURS to answer.

    Raises ComplaintRefused (nothing is changed) with the reason."""
    from shop.fulfilment.aftersale import buyer_owns

    now = now or timezone.now()
    shipment = line_shipment(line)
    if shipment is None or not buyer_owns(shipment=shipment, user=user, order_hash=order_hash):
        raise ComplaintRefused(_("This order is not yours."))
    if window_of(shipment, now=now) is None:
        if shipment.status in (Shipment.Status.DELIVERED, Shipment.Status.SHIPPED) and (
            shipment.delivered_at or shipment.expected_delivery
        ):
            raise ComplaintRefused(
                _(
                    "A complaint can be opened within %(days)d days of delivery (or of the day "
                    "a late parcel was expected); that time is over, or has not begun."
                )
                % {"days": settings.COMPLAINT_WINDOW_DAYS}
            )
        raise ComplaintRefused(
            _("A complaint can be opened once the parcel is delivered, or once it is late.")
        )
    if reason not in Reason.values:
        raise ComplaintRefused(_("Choose what is wrong from the list."))
    if wish not in WISHES:
        raise ComplaintRefused(
            _("Choose what you would like: a refund, a replacement or a return.")
        )
    description = text_clean(description, limit=DESCRIPTION_MAX)
    if len(description) < 10:
        raise ComplaintRefused(_("Tell us what happened, in a sentence or two."))
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= line.quantity:
        raise ComplaintRefused(
            _("The quantity concerned is between 1 and %(max)d (what you ordered).")
            % {"max": line.quantity}
        )
    photos = list(photos or ())
    if len(photos) > settings.COMPLAINT_MAX_PHOTOS:
        raise ComplaintRefused(
            _("Send at most %(limit)d photos.") % {"limit": settings.COMPLAINT_MAX_PHOTOS}
        )
    try:
        checked = [upload_clean(photo, policy=COMPLAINT_PHOTO) for photo in photos]
    except ValidationError as error:
        raise ComplaintRefused(" ".join(error.messages)) from None
    account = ("", "", "")
    if any((bank_bin, account_number, account_holder)):
        account = payout_account_clean(
            bank_bin=bank_bin, account_number=account_number, holder=account_holder
        )
    lot = None
    if reason == Reason.ORIGIN:
        lot_shipment = line.lot_shipments.select_related("lot").order_by("pk").first()
        lot = lot_shipment.lot if lot_shipment else None

    try:
        with transaction.atomic():
            # The constraint is the guard; this asks first to say it plainly.
            if Complaint.objects.filter(line=line, state__in=OPEN_STATES).exists():
                raise ComplaintRefused(
                    _("A complaint about this line is already open: follow it on its page.")
                )
            complaint = Complaint.objects.create(
                reference=f"KN-TMP-{uuid.uuid4().hex[:16]}",
                order_id=line.order_id,
                shipment=shipment,
                line=line,
                partner_id=line.partner_id,
                user=user if shipment.order.user_id else None,
                language=known_language(language or translation.get_language()),
                reason=reason,
                description=description,
                wish=wish,
                quantity=quantity,
                lot=lot,
                opened_at=now,
                answer_due_at=now + timedelta(hours=settings.COMPLAINT_ANSWER_HOURS),
                payout_bank_bin=account[0],
                payout_account_number=account[1],
                payout_account_holder=account[2],
            )
            complaint.reference = f"KN-{timezone.localtime(now).year}-{complaint.pk:06d}"
            complaint.save(update_fields=["reference"])
            for position, upload in enumerate(checked):
                ComplaintPhoto.objects.create(
                    complaint=complaint,
                    file=upload.file,
                    content_type=upload.content_type,
                    position=position,
                )
            step_record(
                complaint=complaint,
                kind=Kind.OPENED,
                role=Role.BUYER,
                actor=user,
                remedy=wish,
                text=description,
                at=now,
            )
            if reason == Reason.ORIGIN:
                _inspectors_tell(complaint, now=now)
    except IntegrityError:
        raise ComplaintRefused(
            _("A complaint about this line is already open: follow it on its page.")
        ) from None
    return complaint


def _inspectors_tell(complaint: Complaint, *, now: datetime) -> None:
    """A doubt about origin: each active inspector is e-mailed about the lot (step
    INSPECTORS; the parties are not e-mailed about this step)."""
    from shop.complaints import tasks
    from shop.notifications import notify

    if complaint.lot_id:
        text = _("Lot %(code)s linked; the inspectors are asked to look at it.") % {
            "code": complaint.lot.code
        }
    else:
        text = _("No lot is recorded for this line; the inspectors are asked to look into it.")
    step = step_record(
        complaint=complaint,
        kind=Kind.INSPECTORS,
        role=Role.SYSTEM,
        text=text,
        at=now,
        tell_parties=False,
    )
    notify(tasks.send_inspectors_email, step_id=step.pk, key=f"complaint-inspectors:{step.pk}")

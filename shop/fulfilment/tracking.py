"""Parcels' tracking: what carriers report moves a shipment forward, never backwards.

Every status a carrier reports, by callback (``webhook``) or by a tracking query (``track``),
goes through `tracking_apply`: it locks the shipment, records the status once (a CarrierEvent;
a repeated one is a *duplicate* and changes nothing), moves the parcel's ``tracking_status``
only forward (``TRACKING_RANK``; a lower rank, or an older report of the same rank, is *stale*:
kept, not applied), and moves the shipment with it (picked up: shipped; delivered; returned to
the producer: the goods come back). Cash the carrier says it collected is reported to
``cod``; e-mails to the buyer are queued once per step (``notify``).

`tracking_receive` is the callback's door: it finds each update's shipment (by the carrier's
order code, or our reference when the carrier echoes it), applies it, and logs the callback
(one CarrierCallback row, whatever became of it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.carriers import registry
from shop.carriers.ports import TRACKING_RANK, TrackingStatus, TrackingUpdate
from shop.fulfilment import aftersale, cod, services, tasks
from shop.fulfilment.models import CarrierCallback, CarrierEvent, Shipment
from shop.notifications import notify

logger = logging.getLogger(__name__)

Outcome = CarrierCallback.Outcome
Source = CarrierEvent.Source
Status = Shipment.Status
T = TrackingStatus

BODY_LOGGED = 2000  # characters of a callback's body kept in its log row

# The parcel is with the carrier: a shipment still packed has been shipped.
WITH_CARRIER = frozenset({T.PICKED, T.IN_TRANSIT, T.DELIVERING, T.FAILED_ATTEMPT, T.RETURNING})
# The steps the buyer is told of by e-mail (being picked up is the "shipped" e-mail that
# moving the shipment to shipped sends). A failed attempt is news each time; the others once.
EMAIL_STEPS = frozenset({T.DELIVERING, T.FAILED_ATTEMPT, T.DELIVERED, T.RETURNED})

# When a callback carries several updates, the row logs the most telling outcome.
_TELLING = [Outcome.APPLIED, Outcome.STALE, Outcome.DUPLICATE, Outcome.UNKNOWN, Outcome.REJECTED]


def shipment_for_update(*, carrier: str, update: TrackingUpdate) -> Shipment | None:
    """The shipment a carrier's update is about: its order code at that carrier, else our
    reference (the waybill's idempotency key) when the carrier echoes it."""
    match = Q(carrier=carrier, tracking_number=update.code) if update.code else Q(pk=None)
    if update.reference:
        match |= Q(carrier=carrier, waybill_reference=update.reference)
    return Shipment.objects.filter(match).order_by("pk").first()


@transaction.atomic
def tracking_apply(*, shipment: Shipment, update: TrackingUpdate, source: str) -> str:
    """Record one carrier status of `shipment` and move it forward when it is news. Returns
    the outcome: applied, duplicate (known already: nothing else done) or stale (kept, not
    applied: the parcel is further along). Idempotent."""
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    at = update.at if timezone.is_aware(update.at) else timezone.make_aware(update.at)
    event, created = CarrierEvent.objects.get_or_create(
        shipment=shipment,
        carrier_status=_text(update.carrier_status, 32),
        at=at,
        defaults={
            "carrier": shipment.carrier[:16],
            "status": update.status,
            "description": _text(update.description, 255),
            "source": source,
            "cod_collected": update.cod_collected,
        },
    )
    if not created:
        return Outcome.DUPLICATE
    if not _is_news(shipment, update.status, at):
        return Outcome.STALE
    event.applied = True
    event.save(update_fields=["applied"])
    previous = shipment.tracking_status
    shipment.tracking_status, shipment.tracking_at = update.status, at
    shipment.save(update_fields=["tracking_status", "tracking_at", "updated_at"])
    _follow(shipment, update.status, at)
    if update.cod_collected is not None:
        cod.cod_reported(
            shipment=shipment, amount=update.cod_collected, source=f"{source}:{shipment.carrier}"
        )
    if update.status in EMAIL_STEPS and shipment.status != Status.CANCELLED:
        once = event.pk if update.status == T.FAILED_ATTEMPT else update.status
        if update.status != previous or update.status == T.FAILED_ATTEMPT:
            notify(
                tasks.send_tracking_email,
                shipment_id=shipment.pk,
                step=update.status,
                key=f"tracking-email:{shipment.pk}:{once}",
            )
    return Outcome.APPLIED


def _text(value: str, length: int) -> str:
    """A carrier's words as a column keeps them (PostgreSQL text takes no NUL)."""
    return str(value).replace("\x00", "\ufffd")[:length]


def _is_news(shipment: Shipment, status: str, at: datetime) -> bool:
    """Whether `status` at `at` moves the parcel on from where the shipment has it."""
    if status not in TRACKING_RANK:
        return False
    current = shipment.tracking_status
    if current not in TRACKING_RANK:
        return True
    rank, current_rank = TRACKING_RANK[status], TRACKING_RANK[current]
    if rank != current_rank:
        return rank > current_rank
    # The same rank (out for delivery again after a failed attempt): the later report wins;
    # a final status is never swapped for another final one.
    if current in T.FINAL and status != current:
        return False
    return shipment.tracking_at is None or at >= shipment.tracking_at


def _follow(shipment: Shipment, status: str, at: datetime) -> None:
    """Move the shipment as its parcel moved: forward only, never out of a final state."""
    if status in WITH_CARRIER and shipment.status == Status.PACKED:
        services.shipment_carrier_move(shipment=shipment, to=Status.SHIPPED, at=at)
    elif status == T.DELIVERED and shipment.status in (Status.PACKED, Status.SHIPPED):
        if shipment.status == Status.PACKED:  # the pick-up was never reported
            services.shipment_carrier_move(shipment=shipment, to=Status.SHIPPED, at=at)
        services.shipment_carrier_move(shipment=shipment, to=Status.DELIVERED, at=at)
    elif status == T.RETURNED and shipment.status in (
        Status.PACKED,
        Status.SHIPPED,
        Status.DELIVERED,
    ):
        # Back with the producer: the shipment is returned, its stock released, its part
        # refunded when prepaid (after-sale's, once).
        aftersale.shipment_goods_back(
            shipment=shipment,
            reason=_("%(carrier)s returned the parcel to the producer.")
            % {"carrier": registry.label(shipment.carrier)},
            now=at,
        )


# --------------------------------------------------------------------------- callbacks


def tracking_receive(
    *, carrier: str, updates: Iterable[TrackingUpdate], body: bytes, source: str = Source.WEBHOOK
) -> str:
    """Apply a callback's updates, each to its shipment, and log the callback once. Returns
    the callback's outcome (an update about no shipment of ours is *unknown*)."""
    outcomes, notes, codes = [], [], []
    for update in updates:
        codes.append(update.code or update.reference)
        shipment = shipment_for_update(carrier=carrier, update=update)
        if shipment is None:
            outcome = Outcome.UNKNOWN
            logger.warning("%s callback about an unknown parcel %r", carrier, update.code)
        else:
            outcome = tracking_apply(shipment=shipment, update=update, source=source)
        outcomes.append(outcome)
        notes.append(f"{update.code or update.reference}: {update.carrier_status} {outcome}")
    outcome = min(outcomes, key=_TELLING.index) if outcomes else Outcome.UNKNOWN
    callback_log(
        carrier=carrier,
        outcome=outcome,
        reason="; ".join(notes) or "no status in the callback",
        code=",".join(c for c in codes if c),
        body=body,
    )
    return outcome


def callback_log(*, carrier: str, outcome: str, reason: str, code: str = "", body: bytes) -> None:
    CarrierCallback.objects.create(
        carrier=carrier[:16],
        outcome=outcome,
        reason=_text(reason, 255),
        code=_text(code, 64),
        body=_text(body[: BODY_LOGGED * 4].decode("utf-8", errors="replace"), BODY_LOGGED),
    )

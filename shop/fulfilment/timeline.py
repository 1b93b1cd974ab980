"""A parcel's journey in the buyer's words: each carrier status as a step of a timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from shop.carriers.ports import TrackingStatus as T

TRACKING_LABELS = {
    T.READY_TO_PICK: _("Waiting for pick-up"),
    T.PICKED: _("Picked up"),
    T.IN_TRANSIT: _("In transit"),
    T.DELIVERING: _("Out for delivery"),
    T.FAILED_ATTEMPT: _("Delivery attempt failed"),
    T.DELIVERED: _("Delivered"),
    T.RETURNING: _("Being returned"),
    T.RETURNED: _("Returned to the producer"),
    T.CANCELLED: _("Waybill cancelled"),
    T.LOST: _("Lost or damaged"),
}


def tracking_label(status: str) -> str:
    return str(TRACKING_LABELS.get(status, status))


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    at: datetime
    description: str  # the carrier's words: escaped where shown


@dataclass(frozen=True)
class Timeline:
    carrier_name: str
    code: str  # the carrier's order code
    current: str  # the parcel's status label, "" before any
    expected_delivery: object  # a date, or None
    steps: list[Step]  # oldest first

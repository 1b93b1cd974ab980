"""A parcel's journey in the buyer's words: each carrier status as a step of a timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import pgettext_lazy

from shop.carriers.ports import TrackingStatus as T

TRACKING_LABELS = {
    T.READY_TO_PICK: pgettext_lazy("parcel", "Waiting for pick-up"),
    T.PICKED: pgettext_lazy("parcel", "Picked up"),
    T.IN_TRANSIT: pgettext_lazy("parcel", "In transit"),
    T.DELIVERING: pgettext_lazy("parcel", "Out for delivery"),
    T.FAILED_ATTEMPT: pgettext_lazy("parcel", "Delivery attempt failed"),
    T.DELIVERED: pgettext_lazy("parcel", "Parcel delivered"),
    T.RETURNING: pgettext_lazy("parcel", "Being returned"),
    T.RETURNED: pgettext_lazy("parcel", "Parcel returned to the producer"),
    T.CANCELLED: pgettext_lazy("parcel", "Waybill cancelled"),
    T.LOST: pgettext_lazy("parcel", "Lost or damaged"),
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

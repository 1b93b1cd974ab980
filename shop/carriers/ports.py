"""The carrier port: the small, carrier-neutral vocabulary every carrier adapter speaks.

An adapter (``shop/carriers/adapters/<name>.py``) quotes a parcel between two of our official
units, creates a waybill (returning the carrier's order code and its label), cancels it, tracks
it, and reads the carrier's status callbacks (``parse_webhook``), each in the carrier's own
published protocol: its authentication, its master-data codes for provinces and wards (looked
up in ``shop/carriers/units``), its status vocabulary, its money fields. Everything here is
plain data: no Django, no Oscar, no network. ``shop/carriers/README.md`` gives the recipe.

Money is :class:`~decimal.Decimal` in whole đồng. Times are timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

__all__ = [
    "Acknowledgement",
    "Carrier",
    "CarrierCapabilities",
    "CarrierError",
    "CarrierUnavailable",
    "Parcel",
    "ParcelItem",
    "Party",
    "Quote",
    "TRACKING_RANK",
    "TrackingStatus",
    "TrackingUpdate",
    "UnitNotServed",
    "Waybill",
    "WaybillRequest",
    "WebhookRejected",
    "Webhook",
]


# --------------------------------------------------------------------------- errors


class CarrierError(Exception):
    """The carrier refused or garbled a request; retrying the same call will not help. The
    message is the carrier's reason, safe to show a producer or an operator."""


class CarrierUnavailable(CarrierError):
    """The carrier could not be reached, timed out or answered with a transient error."""


class UnitNotServed(CarrierError):
    """One of the parcel's units has no code at this carrier (shop/carriers/units)."""


class WebhookRejected(Exception):
    """A callback that is not the carrier's (bad token or signature) or cannot be read. The
    message says why, for the log; the caller answers as the carrier expects and changes
    nothing."""


# --------------------------------------------------------------------------- tracking states


class TrackingStatus:
    """Where a parcel is, in our words; every carrier's own statuses map onto these."""

    READY_TO_PICK = "ready_to_pick"  # waybill created, waiting for the pick-up
    PICKED = "picked"  # the carrier has the parcel
    IN_TRANSIT = "in_transit"
    DELIVERING = "delivering"  # out for delivery
    FAILED_ATTEMPT = "failed_attempt"  # a delivery attempt failed; another may follow
    DELIVERED = "delivered"
    RETURNING = "returning"  # on its way back to the producer
    RETURNED = "returned"  # back with the producer
    CANCELLED = "cancelled"  # the waybill was cancelled before the pick-up
    LOST = "lost"  # lost or damaged: an operator's case

    ALL = (
        READY_TO_PICK,
        PICKED,
        IN_TRANSIT,
        DELIVERING,
        FAILED_ATTEMPT,
        DELIVERED,
        RETURNING,
        RETURNED,
        CANCELLED,
        LOST,
    )
    FINAL = frozenset({DELIVERED, RETURNED, CANCELLED, LOST})


# How far along a status is: a parcel never moves to a lower rank (an out-of-order or repeated
# callback changes nothing). Delivering and a failed attempt share a rank: a parcel goes back
# and forth between them until it is delivered or sent back.
TRACKING_RANK: Mapping[str, int] = {
    TrackingStatus.READY_TO_PICK: 0,
    TrackingStatus.PICKED: 1,
    TrackingStatus.IN_TRANSIT: 2,
    TrackingStatus.DELIVERING: 3,
    TrackingStatus.FAILED_ATTEMPT: 3,
    TrackingStatus.DELIVERED: 5,
    TrackingStatus.RETURNING: 4,
    TrackingStatus.RETURNED: 6,
    TrackingStatus.CANCELLED: 6,
    TrackingStatus.LOST: 6,
}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """A sender or a receiver: one full name (Vietnamese order), a phone in E.164
    ("+84912345678"), the official units by code (shop/geo.py) and the street part."""

    name: str
    phone: str
    province_code: int
    ward_code: int
    street: str  # house number and street
    hamlet: str = ""  # thôn, xóm, tổ dân phố (optional)

    @property
    def national_phone(self) -> str:
        """The phone as carriers take it: "0912345678"."""
        digits = self.phone.removeprefix("+84")
        return digits if digits.startswith("0") else "0" + digits


@dataclass(frozen=True, slots=True, kw_only=True)
class ParcelItem:
    name: str
    quantity: int
    price: Decimal  # each, whole đồng
    weight_grams: int  # each
    code: str = ""  # our product code (UPC or SKU)


@dataclass(frozen=True, slots=True, kw_only=True)
class Parcel:
    """What travels: weight (grams) and size (cm), its goods' value (insurance), and the cash
    the carrier collects from the receiver (0: prepaid)."""

    weight_grams: int
    length_cm: int = 20
    width_cm: int = 15
    height_cm: int = 10
    goods_value: Decimal = Decimal(0)
    cod_amount: Decimal = Decimal(0)
    items: tuple[ParcelItem, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    fee: Decimal  # what the carrier charges, whole đồng
    expected_delivery: date | None  # the carrier's expected delivery date, when it gives one
    service: str = ""  # the carrier's service code the fee is for


@dataclass(frozen=True, slots=True, kw_only=True)
class WaybillRequest:
    """A waybill to create. ``reference`` is ours (the shipment's idempotency key): the
    carrier keeps it as its client/partner order code, so a retried creation finds the
    waybill the first one made instead of making a second."""

    reference: str
    sender: Party
    receiver: Party
    parcel: Parcel
    service: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Waybill:
    code: str  # the carrier's order code (what the parcel is tracked by)
    fee: Decimal | None = None
    expected_delivery: date | None = None
    label_url: str = ""  # the carrier's own printable label, when it gives one
    sort_code: str = ""  # the carrier's routing code, printed on our label


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackingUpdate:
    """One status of one parcel, as the carrier reported it (callback or tracking query)."""

    code: str  # the carrier's order code
    reference: str = ""  # ours, when the carrier echoes it
    status: str  # a TrackingStatus
    carrier_status: str  # the carrier's own status code or name, as sent
    at: datetime  # when it happened, by the carrier's clock (aware)
    description: str = ""  # the carrier's words (shown to the buyer, escaped)
    cod_collected: Decimal | None = None  # cash the carrier says it collected, when it says


@dataclass(frozen=True, slots=True, kw_only=True)
class Acknowledgement:
    """How the carrier expects a callback to be answered (it retries otherwise)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Webhook:
    """A callback as it arrived: the pieces a carrier may sign or put a token in."""

    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    path_token: str = ""  # the secret part of the callback URL, when the carrier has no other


@dataclass(frozen=True, slots=True, kw_only=True)
class CarrierCapabilities:
    cancel: bool = True
    label_url: bool = False  # the carrier gives its own printable label
    cod_in_webhook: bool = False  # its callbacks carry the cash collected


# --------------------------------------------------------------------------- the port


@runtime_checkable
class Carrier(Protocol):
    """What every carrier adapter does. Every method that talks to the carrier raises
    CarrierUnavailable (retry later), CarrierError (it refused) or UnitNotServed."""

    name: str
    capabilities: CarrierCapabilities

    def quote(self, *, sender: Party, receiver: Party, parcel: Parcel) -> Quote: ...

    def create(self, request: WaybillRequest) -> Waybill:
        """Idempotent on ``request.reference``: a second call returns the first waybill."""

    def cancel(self, code: str) -> None:
        """Cancel the waybill before the pick-up; CarrierError once picked up."""

    def track(self, code: str) -> list[TrackingUpdate]:
        """Every status the carrier has for the waybill, oldest first."""

    def parse_webhook(self, webhook: Webhook) -> list[TrackingUpdate]:
        """Verify and read a status callback; WebhookRejected when it is not the carrier's
        or cannot be read."""

    def acknowledge(self, *, accepted: bool) -> Acknowledgement:
        """The answer the carrier expects for a callback read (or refused)."""

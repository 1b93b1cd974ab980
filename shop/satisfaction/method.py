"""The index's method, pure (no database): five dimensions after SIPAS, Vietnam's index of
satisfaction with public administrative services, each on 0–100, and their weighted mean.

SIPAS asks citizens about (1) access to the service, (2) the procedure, (3) the civil servants'
conduct, (4) the result, and (5) how feedback and complaints are received and handled. A trading
floor has no questionnaire, so each dimension is measured from what buyers did and said:

1. access — goods listed were goods sold: the share of the month's orders (a producer's part of
   them) not cancelled;
2. ordering and payment — the share of online payments started that went through;
3. producer conduct — the buyers' average rating of 1 to 5 stars, mapped to 0–100;
4. goods as described and on time — the mean of the share delivered by the quoted date and the
   share of deliveries without a complaint;
5. complaint handling — the share of settled complaints settled within the deadline.

A dimension is measured only with enough data (MINIMUM); the index is the weighted mean of the
measured ones (their weights scaled to add up to 1), published when the scope had at least
MINIMUM_ORDERS orders and at least MINIMUM_DIMENSIONS dimensions were measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DIMENSIONS = ("access", "ordering", "conduct", "goods", "complaints")
LABELS = {
    "access": pgettext_lazy("satisfaction", "Access"),
    "ordering": _("Ordering and payment"),
    "conduct": _("Producer conduct"),
    "goods": _("Goods as described and on time"),
    "complaints": _("Complaint handling"),
}
WEIGHTS = {name: Decimal("0.2") for name in DIMENSIONS}  # equal, as SIPAS averages its five
MINIMUM = {"access": 5, "ordering": 5, "conduct": 3, "goods": 5, "complaints": 1}
MINIMUM_ORDERS = 5
MINIMUM_DIMENSIONS = 3
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Measures:
    orders: int = 0
    placed: int = 0  # shipments (producers' parts of orders) placed, not awaiting payment
    cancelled: int = 0
    attempts: int = 0  # online payments that ended (paid, failed, cancelled, expired)
    paid: int = 0
    delivered: int = 0  # delivered with a quoted date
    delivered_on_time: int = 0
    reviews: int = 0
    rating: float | Decimal | None = None
    complaints: int = 0
    complaints_resolved: int = 0
    complaints_resolved_in_time: int = 0


def _share(part: int, whole: int) -> Decimal:
    return HUNDRED * Decimal(part) / Decimal(whole)


def dimensions_measure(m: Measures) -> dict[str, Decimal]:
    """Each dimension measured with enough data, on 0–100 (unrounded)."""
    found: dict[str, Decimal] = {}
    if m.placed >= MINIMUM["access"]:
        found["access"] = _share(m.placed - m.cancelled, m.placed)
    if m.attempts >= MINIMUM["ordering"]:
        found["ordering"] = _share(m.paid, m.attempts)
    if m.reviews >= MINIMUM["conduct"] and m.rating is not None:
        found["conduct"] = (Decimal(str(m.rating)) - 1) / 4 * HUNDRED
    if m.delivered >= MINIMUM["goods"]:
        on_time = _share(m.delivered_on_time, m.delivered)
        without = max(Decimal(0), HUNDRED - _share(m.complaints, m.delivered))
        found["goods"] = (on_time + without) / 2
    if m.complaints_resolved >= MINIMUM["complaints"]:
        found["complaints"] = _share(m.complaints_resolved_in_time, m.complaints_resolved)
    return found


def score(m: Measures) -> tuple[dict[str, float], Decimal | None]:
    """The dimensions (rounded to a tenth, for storing) and the index, or None when there is
    too little data to publish one."""
    found = dimensions_measure(m)
    rounded = {
        name: float(value.quantize(TENTH, rounding=ROUND_HALF_UP)) for name, value in found.items()
    }
    if m.orders < MINIMUM_ORDERS or len(found) < MINIMUM_DIMENSIONS:
        return rounded, None
    total = sum(WEIGHTS[name] for name in found)
    index = sum(WEIGHTS[name] * value for name, value in found.items()) / total
    return rounded, index.quantize(TENTH, rounding=ROUND_HALF_UP)


def complaint_rate(*, complaints: int, delivered: int) -> Decimal | None:
    """Complaints per 100 deliveries."""
    if not delivered:
        return None
    return _share(complaints, delivered).quantize(TENTH, rounding=ROUND_HALF_UP)


def on_time_share(*, delivered: int, on_time: int) -> Decimal | None:
    if not delivered:
        return None
    return _share(on_time, delivered).quantize(TENTH, rounding=ROUND_HALF_UP)


def in_time_share(*, resolved: int, in_time: int) -> Decimal | None:
    if not resolved:
        return None
    return _share(in_time, resolved).quantize(TENTH, rounding=ROUND_HALF_UP)


ADVICE = {
    "access": _(
        "Keep your stock figures true: cancel less by updating stock as soon as something sells "
        "out, and pause a product out of season instead of letting orders come in."
    ),
    "ordering": _(
        "Make paying easy: accept cash on delivery if you can, and keep product prices and "
        "shipping rates clear so buyers are not surprised at checkout."
    ),
    "conduct": _(
        "Answer every review politely, thank buyers, and describe your products honestly with "
        "real photos, so what arrives matches what buyers expect."
    ),
    "goods": _(
        "Ship by the quoted date: confirm and pack new orders within a day, hand parcels to the "
        "carrier early, and check each parcel against the order before sealing it."
    ),
    "complaints": _(
        "Answer complaints within 48 hours, and offer a fair remedy (a refund, a replacement) "
        "straight away rather than waiting for the operators to decide."
    ),
}


def weakest(dimensions: dict[str, float]) -> str | None:
    """The dimension to work on first: the lowest measured (ties: the order of DIMENSIONS)."""
    measured = [
        (dimensions[name], i, name) for i, name in enumerate(DIMENSIONS) if name in dimensions
    ]
    return min(measured)[2] if measured else None

"""The payment port: the small, gateway-neutral vocabulary every adapter speaks.

An adapter (``payments/gateways/<name>.py``) turns a :class:`PaymentRequest` into a
:class:`NextAction` (a redirect URL or a QR payload), turns a signed callback into a
:class:`GatewayEvent`, and answers reconciliation queries and refunds. Everything here is
plain data: no Django, no Oscar, no network.

Money is :class:`~decimal.Decimal` in whole đồng with an explicit currency; conversion to
the integer units a gateway puts on the wire happens only in :func:`to_minor_units` and
:func:`from_minor_units`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import urlsplit

__all__ = [
    "CURRENCY_VND",
    "EventStatus",
    "Gateway",
    "GatewayError",
    "GatewayEvent",
    "GatewayUnavailable",
    "InvalidSignature",
    "Locale",
    "NextAction",
    "NextActionKind",
    "PaymentRequest",
    "RefundRequest",
    "RefundResult",
    "RefundStatus",
    "from_minor_units",
    "origins_of",
    "to_minor_units",
]

CURRENCY_VND = "VND"

Locale = Literal["vi", "en"]
NextActionKind = Literal["redirect", "qr", "none"]
EventStatus = Literal["paid", "failed", "cancelled", "pending"]
RefundStatus = Literal["accepted", "rejected"]

_SUPPORTED_CURRENCIES = frozenset({CURRENCY_VND})


# --------------------------------------------------------------------------- errors


class GatewayError(Exception):
    """A gateway refused or garbled a request; retrying the same call will not help."""


class InvalidSignature(GatewayError):
    """A callback or response failed signature (or freshness) verification."""


class GatewayUnavailable(GatewayError):
    """The gateway could not be reached or answered with a transient error; retry later."""


# --------------------------------------------------------------------------- money


def _check_money(amount: object, *, currency: str) -> Decimal:
    if currency not in _SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported currency {currency!r}")
    if isinstance(amount, bool) or not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"money must be finite, got {amount}")
    return amount


def to_minor_units(amount: Decimal, *, currency: str, multiplier: int) -> int:
    """Convert a whole-đồng amount to the integer a gateway puts on the wire.

    ``multiplier`` is the gateway's convention, not the currency's: VNPay sends
    ``amount x 100`` although the đồng has no minor unit, while VietQR and bank feeds
    carry plain đồng (``multiplier=1``).
    """
    value = _check_money(amount, currency=currency)
    if multiplier < 1:
        raise ValueError("multiplier must be a positive integer")
    if value != value.to_integral_value():
        raise ValueError(f"{currency} amounts must be whole đồng, got {value}")
    if value < 0:
        raise ValueError(f"amount must not be negative, got {value}")
    return int(value) * multiplier


def from_minor_units(value: int | str, *, currency: str, multiplier: int) -> Decimal:
    """Inverse of :func:`to_minor_units`; accepts the gateway's integer or digit string.

    The result is exact (a wire value that is not a multiple of ``multiplier`` yields a
    fractional Decimal, which no order amount will ever equal).
    """
    if currency not in _SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported currency {currency!r}")
    if multiplier < 1:
        raise ValueError("multiplier must be a positive integer")
    if isinstance(value, bool):
        raise TypeError("amount must be an integer or a digit string")
    if isinstance(value, str):
        if not value or not value.isascii() or not value.isdigit():
            raise ValueError(f"amount must be a string of digits, got {value!r}")
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        raise TypeError(f"amount must be an integer or a digit string, not {type(value)}")
    if number < 0:
        raise ValueError("amount must not be negative")
    return Decimal(number) / Decimal(multiplier)


def origins_of(*urls: str) -> tuple[str, ...]:
    """The ``scheme://host[:port]`` of each absolute http(s) URL (others are skipped)."""
    found = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            found.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return tuple(dict.fromkeys(found))


def _require_aware(name: str, moment: datetime | None) -> None:
    if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
        raise ValueError(f"{name} must be a timezone-aware datetime")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentRequest:
    """What the shop asks a gateway to collect. The order already exists as pending."""

    reference: str
    amount: Decimal
    description: str
    buyer_ip: str
    return_url: str
    notify_url: str
    created_at: datetime
    expires_at: datetime
    currency: str = CURRENCY_VND
    locale: Locale = "vi"

    def __post_init__(self) -> None:
        if not self.reference:
            raise ValueError("reference is required")
        to_minor_units(self.amount, currency=self.currency, multiplier=1)
        if self.amount <= 0:
            raise ValueError("amount must be positive")
        if self.locale not in ("vi", "en"):
            raise ValueError(f"locale must be 'vi' or 'en', got {self.locale!r}")
        _require_aware("created_at", self.created_at)
        _require_aware("expires_at", self.expires_at)
        if self.expires_at <= self.created_at:
            raise ValueError("expires_at must be after created_at")


@dataclass(frozen=True, slots=True, kw_only=True)
class NextAction:
    """What the buyer's browser does next: follow a URL, scan a QR payload, or nothing."""

    kind: NextActionKind
    url: str = ""
    qr_payload: str = ""

    def __post_init__(self) -> None:
        if self.kind == "redirect" and not self.url:
            raise ValueError("a redirect needs a url")
        if self.kind == "qr" and not self.qr_payload:
            raise ValueError("a qr action needs a qr_payload")
        if self.kind not in ("redirect", "qr", "none"):
            raise ValueError(f"unknown next action {self.kind!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class GatewayEvent:
    """A verified statement from a gateway about one payment.

    ``raw`` keeps the gateway's own fields (already authenticated) for the payment log.
    """

    reference: str
    status: EventStatus
    amount: Decimal
    currency: str
    gateway_txn_id: str
    response_code: str
    occurred_at: datetime | None = None
    raw: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        _check_money(self.amount, currency=self.currency)
        if self.status not in ("paid", "failed", "cancelled", "pending"):
            raise ValueError(f"unknown event status {self.status!r}")
        _require_aware("occurred_at", self.occurred_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundRequest:
    """Give back ``amount`` of the payment ``reference`` (full when it is the whole sum)."""

    reference: str
    amount: Decimal
    full: bool
    gateway_txn_id: str
    payment_created_at: datetime
    requested_by: str
    reason: str
    requester_ip: str = "127.0.0.1"
    currency: str = CURRENCY_VND

    def __post_init__(self) -> None:
        to_minor_units(self.amount, currency=self.currency, multiplier=1)
        if self.amount <= 0:
            raise ValueError("refund amount must be positive")
        _require_aware("payment_created_at", self.payment_created_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundResult:
    """The gateway's verified answer to a refund request."""

    reference: str
    status: RefundStatus
    amount: Decimal
    currency: str
    gateway_txn_id: str
    response_code: str
    message: str = ""
    raw: Mapping[str, str] = field(default_factory=dict, hash=False)


# --------------------------------------------------------------------------- port


@runtime_checkable
class Gateway(Protocol):
    """What every payment adapter offers. Errors leave only as :class:`GatewayError`."""

    def start(self, request: PaymentRequest) -> NextAction:
        """Prepare the buyer's next step for an already placed, pending order."""
        ...

    def parse_callback(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> GatewayEvent:
        """Verify a callback (return or IPN) and read it; raise InvalidSignature if forged."""
        ...

    def query(self, *, reference: str, created_at: datetime) -> GatewayEvent:
        """Ask the gateway what became of a payment (reconciliation)."""
        ...

    def refund(self, request: RefundRequest) -> RefundResult:
        """Ask the gateway to give money back."""
        ...

    @staticmethod
    def browser_origins(options: Mapping[str, Any]) -> tuple[str, ...]:
        """The origins the buyer's browser is sent to when paying, from the adapter's options
        (no adapter is built): our pages' Content-Security-Policy lets forms go there."""
        ...

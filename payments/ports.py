"""The payment port: the small, gateway-neutral vocabulary every adapter speaks.

An adapter (``payments/gateways/<name>.py``) turns a :class:`PaymentRequest` into a
:class:`NextAction` (a redirect URL or a QR payload), turns a signed callback into a
:class:`GatewayEvent` (or a server-to-server delivery into a :class:`Notification`), answers
it with its own :class:`Acknowledgement`, and answers reconciliation queries and refunds as
far as its :class:`Capabilities` say. Everything here is plain data: no Django, no Oscar, no
network. ``payments/README.md`` describes the port and how to add an adapter.

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
    "Acknowledgement",
    "CallbackRoute",
    "Capabilities",
    "Credit",
    "Notification",
    "AckOutcome",
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
    # What the adapter needs later to find this payment again (`query`), opaque to the shop,
    # which keeps it on the attempt: a session id, the payment's creation time on the wire...
    gateway_reference: str = ""

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


@dataclass(frozen=True, slots=True, kw_only=True)
class Credit:
    """Money a feed saw arrive without saying which payment it is for (a bank statement's
    credit line): the shop finds the payment reference in ``description`` and matches it."""

    amount: Decimal
    currency: str
    transaction_id: str
    description: str
    account_number: str
    occurred_at: datetime

    def __post_init__(self) -> None:
        _check_money(self.amount, currency=self.currency)
        if not self.transaction_id:
            raise ValueError("a credit needs the feed's transaction id")
        _require_aware("occurred_at", self.occurred_at)

    def to_event(self, *, reference: str) -> GatewayEvent:
        """The port's view of this credit as the payment of ``reference``."""
        return GatewayEvent(
            reference=reference,
            status="paid",
            amount=self.amount,
            currency=self.currency,
            gateway_txn_id=self.transaction_id,
            response_code="credit",
            occurred_at=self.occurred_at,
            raw={
                "amount": str(self.amount),
                "description": self.description,
                "bank_reference": self.transaction_id,
                "account_number": self.account_number,
                "time": self.occurred_at.isoformat(),
            },
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Notification:
    """A verified server-to-server delivery: events about named payments, credits the shop
    must match itself, and the delivery's idempotency key ("" when the state machine's own
    idempotency is enough: the service then applies a replay as a no-op)."""

    events: tuple[GatewayEvent, ...] = ()
    credits: tuple[Credit, ...] = ()
    key: str = ""
    # What the call log keeps of the delivery (already authenticated).
    log: Mapping[str, Any] = field(default_factory=dict, hash=False)


AckOutcome = Literal[
    "applied",  # the events moved a payment forward (or the credits were recorded)
    "ignored",  # genuine, but says nothing final ("pending")
    "already_final",
    "not_found",
    "amount_mismatch",
    "duplicate",  # the same delivery (idempotency key) came again
    "invalid_signature",
    "refused",  # verified but unusable: malformed, or about nothing of ours
    "error",  # our fault: the gateway should deliver it again later
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Acknowledgement:
    """The HTTP answer a gateway expects to a callback, as plain data."""

    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Capabilities:
    """What an adapter can do beyond taking payments: services ask this, never which
    adapter they hold."""

    can_query: bool = False  # reconciliation may ask it about pending payments
    can_refund: bool = False  # refunds go through it; otherwise money goes back by hand
    partial_refund: bool = False  # and not only the whole amount
    signed_return: bool = False  # the buyer comes back with a signed result naming the payment
    reports_credits: bool = False  # its feed reports credits the shop matches by reference
    retry_while_pending: bool = True  # False: an open attempt may still be paid at any time


@dataclass(frozen=True, slots=True, kw_only=True)
class CallbackRoute:
    """Where the gateway calls us: the path under ``/payments/`` registered with it, the URL's
    name, the one HTTP method it uses, and how the call log names such a call."""

    path: str
    name: str
    http_method: Literal["GET", "POST"]
    operation: str


# --------------------------------------------------------------------------- port


@runtime_checkable
class Gateway(Protocol):
    """What every payment adapter offers. Errors leave only as :class:`GatewayError`.

    Declarations, read without building the adapter: ``capabilities`` and ``callback``.
    """

    capabilities: Capabilities
    callback: CallbackRoute

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
        """Verify one signed message about one payment (IPN, webhook, signed return) and read
        it; raise InvalidSignature if forged, GatewayError if unusable."""
        ...

    def parse_notification(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Notification:
        """Verify and read a server-to-server delivery (what ``callback`` receives)."""
        ...

    def acknowledge(self, outcome: AckOutcome, *, count: int = 0) -> Acknowledgement:
        """The answer the gateway expects for a delivery that ended in ``outcome``
        (``count``: how many events or credits it carried)."""
        ...

    @staticmethod
    def claimed_reference(params: Mapping[str, str]) -> str:
        """The payment reference a callback or return names, before any check (for logs and
        the return page, never for a state change)."""
        ...

    def query(self, *, reference: str, gateway_reference: str) -> GatewayEvent:
        """Ask the gateway what became of a payment (reconciliation); ``gateway_reference`` is
        what :meth:`start` put in ``NextAction.gateway_reference``."""
        ...

    def refund(self, request: RefundRequest) -> RefundResult:
        """Ask the gateway to give money back."""
        ...

    @staticmethod
    def browser_origins(options: Mapping[str, Any]) -> tuple[str, ...]:
        """The origins the buyer's browser is sent to when paying, from the adapter's options
        (no adapter is built): our pages' Content-Security-Policy lets forms go there."""
        ...

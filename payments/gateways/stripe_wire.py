"""Stripe's wire as the Checkout adapter speaks it: session lifetimes, the webhook signature
check, and Stripe's objects and events read into the port's events. No network.

The adapter (:mod:`payments.gateways.stripe_checkout`) verifies a webhook with
:func:`verify_signature`, then :func:`event_from_payload` reads it; reconciliation reads a
retrieved Checkout Session with :func:`reconciled_status` and :func:`session_raw`. The Stripe
event id is in ``GatewayEvent.raw["event_id"]`` (:func:`event_id_of`).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import stripe

from payments.gateways._wire import MAX_JSON_DEPTH, header, nesting_depth
from payments.ports import (
    CURRENCY_VND,
    EventStatus,
    GatewayError,
    GatewayEvent,
    GatewayUnavailable,
    InvalidSignature,
    from_minor_units,
)

__all__ = [
    "AMOUNT_MULTIPLIER",
    "EXPIRY_MARGIN",
    "SIGNATURE_HEADER",
    "STRIPE_MAX_LIFETIME",
    "STRIPE_MIN_LIFETIME",
    "WEBHOOK_TOLERANCE",
    "HANDLED_EVENTS",
    "REFERENCE_RE",
    "STRIPE_CURRENCY",
    "STRIPE_ID_RE",
    "IgnoredEvent",
    "amount_of",
    "event_from_payload",
    "event_id_of",
    "id_of",
    "object_id",
    "reconciled_status",
    "reference_of",
    "scalar_text",
    "session_raw",
    "timestamp_of",
    "line_item_name",
    "session_expiry",
    "verify_signature",
    "with_query",
]

AMOUNT_MULTIPLIER: Final = 1
"""The đồng is zero-decimal at Stripe: 185 000 đồng is ``unit_amount=185000``."""

STRIPE_CURRENCY: Final = "vnd"

EVENT_SESSION_COMPLETED: Final = "checkout.session.completed"
EVENT_SESSION_ASYNC_SUCCEEDED: Final = "checkout.session.async_payment_succeeded"
EVENT_SESSION_ASYNC_FAILED: Final = "checkout.session.async_payment_failed"
EVENT_SESSION_EXPIRED: Final = "checkout.session.expired"
EVENT_PAYMENT_FAILED: Final = "payment_intent.payment_failed"
HANDLED_EVENTS: Final = frozenset(
    {
        EVENT_SESSION_COMPLETED,
        EVENT_SESSION_ASYNC_SUCCEEDED,
        EVENT_SESSION_ASYNC_FAILED,
        EVENT_SESSION_EXPIRED,
        EVENT_PAYMENT_FAILED,
    }
)

REFERENCE_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,200}")
STRIPE_ID_RE: Final = re.compile(r"[A-Za-z0-9_]{1,255}")


SIGNATURE_HEADER: Final = "Stripe-Signature"
WEBHOOK_TOLERANCE: Final = 300
"""Seconds a signed webhook stays acceptable (Stripe's default, a replay bound)."""
STRIPE_MIN_LIFETIME: Final = timedelta(minutes=30)
STRIPE_MAX_LIFETIME: Final = timedelta(hours=24)
EXPIRY_MARGIN: Final = timedelta(minutes=5)

_MAX_WEBHOOK_BYTES: Final = 1 << 20
_MAX_SIGNATURE_HEADER: Final = 4096


# --------------------------------------------------------------------------- pure helpers


def line_item_name(reference: str) -> str:
    """The single line item's name, as the buyer sees it on Stripe's page."""
    return f"Đơn hàng {reference}"


def session_expiry(*, created_at: datetime, expires_at: datetime) -> datetime:
    """``expires_at`` clamped into what Stripe accepts, measured from ``created_at``.

    Stripe takes 30 minutes to 24 hours after the session's creation; :data:`EXPIRY_MARGIN`
    on each side covers the call's latency and clock skew. The result is whole seconds.
    """
    earliest = created_at + STRIPE_MIN_LIFETIME + EXPIRY_MARGIN
    latest = created_at + STRIPE_MAX_LIFETIME - EXPIRY_MARGIN
    clamped = min(max(expires_at, earliest), latest)
    return clamped.astimezone(UTC).replace(microsecond=0)


def with_query(url: str, name: str, value: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query.append((name, value))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def verify_signature(
    body: bytes,
    headers: Mapping[str, str],
    *,
    secret: str,
    tolerance: int,
    scrub: Callable[[str], str],
) -> None:
    """Check ``Stripe-Signature`` over ``body`` with the ``stripe`` library; raise
    InvalidSignature if it fails (``scrub`` keeps secrets out of the message)."""
    if not isinstance(body, bytes | bytearray):
        raise GatewayError("the webhook body must be bytes")
    if len(body) > _MAX_WEBHOOK_BYTES:
        raise GatewayError("the webhook body is too large")
    signature = header(headers, SIGNATURE_HEADER)
    if not signature:
        raise InvalidSignature("Stripe-Signature header is missing")
    if (
        not isinstance(signature, str)
        or len(signature) > _MAX_SIGNATURE_HEADER
        or not signature.isascii()
    ):
        raise InvalidSignature("Stripe-Signature header is malformed")
    try:
        payload = bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidSignature("the webhook body is not UTF-8, so it cannot be signed") from None
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        raise InvalidSignature(f"Stripe webhook refused: {scrub(exc.user_message or '')}") from None
    except (ValueError, TypeError, OverflowError):
        raise InvalidSignature("Stripe-Signature header is unreadable") from None


class IgnoredEvent(GatewayError):
    """A genuine, verified Stripe event that says nothing about a shop payment.

    The webhook view should answer it with 2xx (after logging ``event_id`` and
    ``event_type``), otherwise Stripe redelivers it for days.
    """

    def __init__(self, message: str, *, event_id: str, event_type: str) -> None:
        super().__init__(message)
        self.event_id = event_id
        self.event_type = event_type


def event_id_of(event: GatewayEvent) -> str:
    """The Stripe event id a webhook event came from ("" for a reconciliation answer)."""
    return event.raw.get("event_id", "")


def scalar_text(value: object) -> str:
    """A JSON scalar as the text kept in ``raw`` (objects and lists are left out)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    return ""


def id_of(value: object) -> str:
    """An expandable field: the id string, or the ``id`` of the expanded object."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def metadata_reference(obj: Mapping[str, Any]) -> str | None:
    metadata = obj.get("metadata")
    if metadata is None:
        return None
    if not isinstance(metadata, Mapping):
        raise GatewayError("Stripe object has malformed metadata")
    value = metadata.get("reference")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise GatewayError("metadata[reference] is not a string")
    return value


def reference_of(obj: Mapping[str, Any]) -> str | None:
    """Our reference on a session or PaymentIntent; None if the object is not ours."""
    from_metadata = metadata_reference(obj)
    client_reference = obj.get("client_reference_id")
    if client_reference in (None, ""):
        client_reference = None
    elif not isinstance(client_reference, str):
        raise GatewayError("client_reference_id is not a string")
    if from_metadata and client_reference and from_metadata != client_reference:
        raise GatewayError("client_reference_id and metadata[reference] disagree")
    reference = from_metadata or client_reference
    if reference is not None and not REFERENCE_RE.fullmatch(reference):
        raise GatewayError("the object's reference is not a shop payment reference")
    return reference


def amount_of(obj: Mapping[str, Any], name: str) -> Decimal:
    currency = obj.get("currency")
    if not isinstance(currency, str) or currency.lower() != STRIPE_CURRENCY:
        raise GatewayError(f"Stripe object is in {currency!r}; the shop only charges VND")
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise GatewayError(f"Stripe object has no integer {name}")
    try:
        return from_minor_units(value, currency=CURRENCY_VND, multiplier=AMOUNT_MULTIPLIER)
    except ValueError as exc:
        raise GatewayError(f"Stripe object has an unusable {name}: {exc}") from exc


def timestamp_of(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise GatewayError("Stripe timestamp is not an integer")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise GatewayError("Stripe timestamp is out of range") from exc


def object_id(obj: Mapping[str, Any], *, kind: str) -> str:
    if obj.get("object") != kind:
        raise GatewayError(f"expected a Stripe {kind}, got {obj.get('object')!r}")
    object_id = obj.get("id")
    if not isinstance(object_id, str) or not STRIPE_ID_RE.fullmatch(object_id):
        raise GatewayError(f"Stripe {kind} has no usable id")
    return object_id


def session_status(*, event_type: str, session: Mapping[str, Any]) -> EventStatus:
    payment_status = session.get("payment_status")
    if event_type == EVENT_SESSION_EXPIRED:
        return "cancelled"
    if event_type == EVENT_SESSION_ASYNC_FAILED:
        return "failed"
    # completed, async_payment_succeeded: paid only once Stripe says the money is in.
    return "paid" if payment_status == "paid" else "pending"


def reconciled_status(session: Mapping[str, Any]) -> EventStatus:
    status = session.get("status")
    if status == "expired":
        return "cancelled"
    if status == "complete" and session.get("payment_status") == "paid":
        return "paid"
    if status in ("open", "complete"):
        return "pending"
    raise GatewayError(f"Checkout Session has an unknown status {status!r}")


def session_raw(session: Mapping[str, Any]) -> dict[str, str]:
    return {
        "session_id": scalar_text(session.get("id")),
        "payment_intent": id_of(session.get("payment_intent")),
        "payment_status": scalar_text(session.get("payment_status")),
        "status": scalar_text(session.get("status")),
        "amount_total": scalar_text(session.get("amount_total")),
        "currency": scalar_text(session.get("currency")),
        "client_reference_id": scalar_text(session.get("client_reference_id")),
        "livemode": scalar_text(session.get("livemode")),
        "expires_at": scalar_text(session.get("expires_at")),
    }


def event_from_session(
    session: Mapping[str, Any], *, event_id: str, event_type: str, occurred_at: datetime | None
) -> GatewayEvent:
    session_id = object_id(session, kind="checkout.session")
    reference = reference_of(session)
    if reference is None:
        raise IgnoredEvent(
            f"Checkout Session {session_id} carries no shop reference",
            event_id=event_id,
            event_type=event_type,
        )
    amount = amount_of(session, "amount_total")
    raw = session_raw(session)
    raw.update({"event_id": event_id, "event_type": event_type})
    return GatewayEvent(
        reference=reference,
        status=session_status(event_type=event_type, session=session),
        amount=amount,
        currency=CURRENCY_VND,
        gateway_txn_id=session_id,
        response_code=raw["payment_status"] or raw["status"],
        occurred_at=occurred_at,
        raw=raw,
    )


def event_from_failed_intent(
    intent: Mapping[str, Any], *, event_id: str, event_type: str, occurred_at: datetime | None
) -> GatewayEvent:
    intent_id = object_id(intent, kind="payment_intent")
    reference = reference_of(intent)
    if reference is None:
        raise IgnoredEvent(
            f"PaymentIntent {intent_id} carries no shop reference",
            event_id=event_id,
            event_type=event_type,
        )
    amount = amount_of(intent, "amount")
    error = intent.get("last_payment_error")
    error = error if isinstance(error, Mapping) else {}
    code = (
        scalar_text(error.get("decline_code")) or scalar_text(error.get("code")) or "payment_failed"
    )
    return GatewayEvent(
        reference=reference,
        status="failed",
        amount=amount,
        currency=CURRENCY_VND,
        gateway_txn_id=intent_id,
        response_code=code,
        occurred_at=occurred_at,
        raw={
            "event_id": event_id,
            "event_type": event_type,
            "payment_intent": intent_id,
            "status": scalar_text(intent.get("status")),
            "amount": scalar_text(intent.get("amount")),
            "currency": scalar_text(intent.get("currency")),
            "decline_code": scalar_text(error.get("decline_code")),
            "error_code": scalar_text(error.get("code")),
            "livemode": scalar_text(intent.get("livemode")),
        },
    )


def event_from_payload(payload: bytes) -> GatewayEvent:
    """Read an already verified webhook body into the port's event.

    Raises :class:`IgnoredEvent` for event types outside :data:`HANDLED_EVENTS` and for
    objects without a shop reference, :class:`~payments.ports.GatewayError` if malformed.
    """
    try:
        if nesting_depth(payload) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        document = json.loads(payload.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise GatewayError(f"Stripe webhook body is not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("object") != "event":
        raise GatewayError("Stripe webhook body is not an event")
    event_id = document.get("id")
    event_type = document.get("type")
    data = document.get("data")
    if not isinstance(event_id, str) or not STRIPE_ID_RE.fullmatch(event_id):
        raise GatewayError("Stripe event has no usable id")
    if not isinstance(event_type, str) or not event_type:
        raise GatewayError("Stripe event has no type")
    if event_type not in HANDLED_EVENTS:
        raise IgnoredEvent(
            f"Stripe event type {event_type!r} is not handled",
            event_id=event_id,
            event_type=event_type,
        )
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise GatewayError("Stripe event has no data.object")
    occurred_at = timestamp_of(document.get("created"))
    if event_type == EVENT_PAYMENT_FAILED:
        return event_from_failed_intent(
            data["object"], event_id=event_id, event_type=event_type, occurred_at=occurred_at
        )
    return event_from_session(
        data["object"], event_id=event_id, event_type=event_type, occurred_at=occurred_at
    )


# --------------------------------------------------------------------------- errors

_RETRYABLE_STATUS: Final = frozenset({408, 409, 429})


def translate_error(
    operation: str, exc: stripe.StripeError, *, scrub: Callable[[str], str]
) -> GatewayError:
    """The port's error for a ``stripe`` library error: :class:`GatewayUnavailable` when a
    retry may help (network, 408/409/429, 5xx), :class:`GatewayError` otherwise. ``scrub``
    takes the adapter's secrets out of Stripe's message."""
    if isinstance(exc, stripe.APIConnectionError):
        cause = type(exc.__cause__).__name__ if exc.__cause__ else "connection error"
        return GatewayUnavailable(f"Stripe {operation}: API unreachable ({cause})")
    status = exc.http_status if isinstance(exc.http_status, int) else 0
    details = [f"HTTP {status or '?'}", type(exc).__name__]
    if isinstance(exc.code, str) and exc.code:
        details.append(f"code {exc.code}")
    if isinstance(exc.request_id, str) and exc.request_id:
        details.append(f"request {exc.request_id}")
    message = scrub(exc.user_message or "")
    text = f"Stripe {operation} failed ({', '.join(details)})"
    if message:
        text = f"{text}: {message[:300]}"
    if (
        isinstance(exc, stripe.RateLimitError)
        or status in _RETRYABLE_STATUS
        or status >= 500
        or (isinstance(exc, stripe.APIError) and not status)
    ):
        return GatewayUnavailable(text)
    return GatewayError(text)

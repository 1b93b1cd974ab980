"""Stripe Checkout for international cards, charged in đồng, behind the payment port.

* Start: one Checkout Session (``mode=payment``) per payment reference, with a single line
  item "Đơn hàng <reference>". The reference is the session's ``client_reference_id``, its
  ``metadata[reference]`` and its PaymentIntent's ``metadata[reference]`` (so a failed
  card attempt can be traced back), and the idempotency key of the call: asking twice for
  the same :class:`~payments.ports.PaymentRequest` yields the same session. A reference
  therefore names one payment attempt; a new attempt needs a new reference.
* Money: the đồng is a zero-decimal currency at Stripe, so amounts go on the wire as plain
  đồng (:data:`AMOUNT_MULTIPLIER` is 1, not 100), with currency ``vnd``. Stripe caps an
  amount at eight digits (99,999,999 đồng).
* Lifetime: Stripe accepts ``expires_at`` from 30 minutes to 24 hours after it creates the
  session. The request's expiry is clamped into ``[created_at + 35 min, created_at + 23 h
  55 min]`` (:func:`session_expiry`): five minutes are left for latency and clock skew,
  and the bounds hang on ``created_at``, not on the clock, so a retried start sends the
  same parameters and Stripe replays the first answer. When the shop's own window is
  shorter than 35 minutes the session outlives it: a payment can then complete after the
  shop's expiry, and the payment service must accept or refund it.
* Webhook: ``Stripe-Signature`` is checked by the ``stripe`` library
  (:class:`stripe.WebhookSignature`, tolerance :data:`WEBHOOK_TOLERANCE` seconds) before
  the body is read. Handled events are listed in :data:`HANDLED_EVENTS`; any other genuine
  event raises :class:`IgnoredEvent`, a :class:`~payments.ports.GatewayError` the webhook
  view answers with 2xx so that Stripe stops redelivering it. The Stripe event id is in
  ``GatewayEvent.raw["event_id"]`` (:func:`event_id_of`): Stripe may deliver an event more
  than once, and the payment service processes each id once.
* A failed card attempt (``payment_intent.payment_failed``) does not close the session:
  the buyer may try another card, and ``checkout.session.completed`` may still follow for
  the same reference.
* Reconciliation (:meth:`StripeCheckoutGateway.query`) retrieves the session by id, or
  finds it by reference among the sessions created around ``created_at``. Refunds go
  through the Refunds API on the session's PaymentIntent.

Every error of the ``stripe`` library leaves this module as
:class:`~payments.ports.GatewayUnavailable` (network, timeouts, HTTP 408/409/429/5xx) or
:class:`~payments.ports.GatewayError` (any other refusal). The API key and the webhook
secret never appear in an exception message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import stripe

from payments.gateways._wire import check_http_url
from payments.gateways.base import BaseGateway, json_answer
from payments.gateways.stripe_wire import (
    AMOUNT_MULTIPLIER,
    HANDLED_EVENTS,
    REFERENCE_RE,
    SIGNATURE_HEADER,
    STRIPE_CURRENCY,
    STRIPE_ID_RE,
    WEBHOOK_TOLERANCE,
    IgnoredEvent,
    amount_of,
    event_from_payload,
    event_id_of,
    id_of,
    line_item_name,
    object_id,
    reconciled_status,
    reference_of,
    scalar_text,
    session_expiry,
    session_raw,
    timestamp_of,
    translate_error,
    verify_signature,
    with_query,
)
from payments.ports import (
    CURRENCY_VND,
    Acknowledgement,
    AckOutcome,
    CallbackRoute,
    Capabilities,
    GatewayError,
    GatewayEvent,
    NextAction,
    Notification,
    PaymentRequest,
    RefundRequest,
    RefundResult,
    RefundStatus,
    to_minor_units,
)

__all__ = [
    "AMOUNT_MULTIPLIER",
    "CANCEL_QUERY_PARAM",
    "CHECKOUT_ORIGIN",
    "DEFAULT_API_BASE",
    "HANDLED_EVENTS",
    "SIGNATURE_HEADER",
    "STRIPE_CURRENCY",
    "WEBHOOK_TOLERANCE",
    "CheckoutRedirect",
    "IgnoredEvent",
    "StripeCheckoutGateway",
    "StripeConfig",
    "event_from_payload",
    "event_id_of",
    "line_item_name",
    "session_expiry",
]

DEFAULT_API_BASE: Final = "https://api.stripe.com"
# Stripe's hosted Checkout page, where the buyer is redirected to pay.
CHECKOUT_ORIGIN: Final = "https://checkout.stripe.com"
CANCEL_QUERY_PARAM: Final = ("checkout", "cancelled")
"""Added to the return URL for ``cancel_url``: a display hint only, never a payment state."""


# Refund refusals that are answers about the payment, not faults of the request.
REFUND_REFUSALS: Final = frozenset({"charge_already_refunded", "amount_too_large"})

_METADATA_VALUE_LIMIT: Final = 500
_QUERY_WINDOW_BEFORE: Final = timedelta(hours=1)
_QUERY_WINDOW_AFTER: Final = timedelta(hours=25)
_QUERY_PAGE_SIZE: Final = 100
_QUERY_MAX_PAGES: Final = 20
_REDACTED: Final = "[redacted]"


# --------------------------------------------------------------------------- adapter


@dataclass(frozen=True, slots=True, kw_only=True)
class StripeConfig:
    """Account settings, passed in by whoever builds the adapter (never imported).

    ``api_base`` points the client elsewhere than Stripe (the development stub);
    ``timeout`` bounds every HTTP call, in seconds; ``stripe_version`` empty means the
    version the pinned ``stripe`` library was built for.
    """

    api_key: str = field(repr=False)
    webhook_secret: str = field(repr=False)
    api_base: str = DEFAULT_API_BASE
    timeout: float = 10.0
    max_network_retries: int = 2
    webhook_tolerance: int = WEBHOOK_TOLERANCE
    allowed_payment_method_types: tuple[str, ...] = ("card",)
    stripe_version: str = ""

    def __post_init__(self) -> None:
        if not self.api_key or not self.webhook_secret:
            raise ValueError("api_key and webhook_secret are required")
        check_http_url("api_base", self.api_base)
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if isinstance(self.max_network_retries, bool) or self.max_network_retries < 0:
            raise ValueError("max_network_retries must be a non-negative integer")
        if isinstance(self.webhook_tolerance, bool) or self.webhook_tolerance <= 0:
            raise ValueError("webhook_tolerance must be a positive number of seconds")
        if not isinstance(self.allowed_payment_method_types, tuple) or not all(
            isinstance(kind, str) and kind for kind in self.allowed_payment_method_types
        ):
            raise ValueError("allowed_payment_method_types must be a tuple of names")


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckoutRedirect(NextAction):
    """A redirect to Stripe's hosted page that also names the Checkout Session.

    Store ``session_id`` with the payment: :meth:`StripeCheckoutGateway.query` and
    :meth:`StripeCheckoutGateway.refund` find the payment fastest by it.
    """

    session_id: str
    expires_at: datetime


class StripeCheckoutGateway(BaseGateway):
    """Stripe Checkout behind the payment port (:class:`payments.ports.Gateway`)."""

    name = "stripe"
    capabilities = Capabilities(can_query=True, can_refund=True, partial_refund=True)
    callback = CallbackRoute(
        path="stripe/webhook", name="stripe-webhook", http_method="POST", operation="webhook"
    )

    def __init__(
        self, *, config: StripeConfig, http_client: stripe.HTTPClient | None = None
    ) -> None:
        self._config = config
        self._client = stripe.StripeClient(
            config.api_key,
            base_addresses={"api": config.api_base},
            max_network_retries=config.max_network_retries,
            stripe_version=config.stripe_version or None,
            http_client=http_client or stripe.RequestsClient(timeout=config.timeout),
        )

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> StripeCheckoutGateway:
        """Build from a settings dict: the fields of :class:`StripeConfig` (lists welcome)."""
        values = dict(options)
        if "allowed_payment_method_types" in values:
            values["allowed_payment_method_types"] = tuple(values["allowed_payment_method_types"])
        return cls(config=StripeConfig(**values))

    @staticmethod
    def browser_origins(options: Mapping[str, Any]) -> tuple[str, ...]:
        """Where the buyer's browser is sent (our pages' form-action): Stripe's hosted page."""
        return (CHECKOUT_ORIGIN,)

    # -- start -------------------------------------------------------------

    def session_params(self, request: PaymentRequest) -> dict[str, Any]:
        """The Checkout Session parameters for ``request`` (deterministic, so idempotent)."""
        if request.currency != CURRENCY_VND:
            raise GatewayError(f"the Stripe adapter charges VND, not {request.currency}")
        reference = request.reference
        if not REFERENCE_RE.fullmatch(reference):
            raise GatewayError(f"reference {reference!r} cannot name a Checkout Session")
        try:
            check_http_url("return_url", request.return_url)
        except ValueError as exc:
            raise GatewayError(str(exc)) from exc
        unit_amount = to_minor_units(
            request.amount, currency=request.currency, multiplier=AMOUNT_MULTIPLIER
        )
        product: dict[str, Any] = {"name": line_item_name(reference)}
        if request.description.strip():
            product["description"] = request.description.strip()[:_METADATA_VALUE_LIMIT]
        expires_at = session_expiry(created_at=request.created_at, expires_at=request.expires_at)
        return {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": STRIPE_CURRENCY,
                        "unit_amount": unit_amount,
                        "product_data": product,
                    },
                    "quantity": 1,
                }
            ],
            "allowed_payment_method_types": list(self._config.allowed_payment_method_types),
            "client_reference_id": reference,
            "metadata": {"reference": reference},
            "payment_intent_data": {
                "description": line_item_name(reference),
                "metadata": {"reference": reference},
            },
            "success_url": request.return_url,
            "cancel_url": with_query(request.return_url, *CANCEL_QUERY_PARAM),
            "expires_at": int(expires_at.timestamp()),
            "locale": request.locale,
        }

    def start(self, request: PaymentRequest) -> CheckoutRedirect:
        """Create (or, on a retry, get back) the Checkout Session and redirect to it."""
        params = self.session_params(request)
        session = self._call(
            "create checkout session",
            lambda: self._client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": request.reference},
            ),
        )
        session_id = object_id(session, kind="checkout.session")
        if reference_of(session) != request.reference:
            raise GatewayError("Stripe answered with a session for another payment")
        if amount_of(session, "amount_total") != request.amount:
            raise GatewayError("Stripe answered with a session for another amount")
        url = session.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise GatewayError("Stripe answered with a session without a checkout URL")
        expires_at = timestamp_of(session.get("expires_at"))
        if expires_at is None:
            raise GatewayError("Stripe answered with a session without expires_at")
        return CheckoutRedirect(
            kind="redirect",
            url=url,
            session_id=session_id,
            expires_at=expires_at,
            gateway_reference=session_id,
        )

    # -- webhook -----------------------------------------------------------

    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> None:
        """Check ``Stripe-Signature`` over ``body``; raise InvalidSignature if it fails.

        The check is the ``stripe`` library's: HMAC-SHA256 of ``"{t}.{body}"`` with the
        endpoint's secret, any ``v1`` signature matching, ``t`` at most
        ``webhook_tolerance`` seconds old.
        """
        verify_signature(
            body,
            headers,
            secret=self._config.webhook_secret,
            tolerance=self._config.webhook_tolerance,
            scrub=self._scrub,
        )

    def parse_callback(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> GatewayEvent:
        """Verify and read a webhook delivery (Stripe POSTs JSON; ``params`` are unused).

        Raises :class:`~payments.ports.InvalidSignature` (missing, forged, tampered or stale
        signature), :class:`IgnoredEvent` (genuine but not about a shop payment: answer
        2xx) or :class:`~payments.ports.GatewayError` (signed but malformed).
        """
        self.verify_webhook(body=body, headers=headers or {})
        return event_from_payload(bytes(body))

    def idempotency_key(self, event: GatewayEvent) -> str:
        """Stripe may deliver an event more than once: each event id is processed once."""
        return event_id_of(event)

    def parse_notification(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Notification:
        event = self.parse_callback(params=params, body=body, headers=headers)
        key = self.idempotency_key(event)
        return Notification(events=(event,), key=key, log={"event_id": key, "status": event.status})

    def acknowledge(self, outcome: AckOutcome, *, count: int = 0) -> Acknowledgement:
        """Any 2xx stops Stripe's redeliveries: a genuine event we ignore gets one too."""
        if outcome == "invalid_signature":
            return json_answer(400, {"error": "invalid signature"})
        if outcome == "refused":
            return json_answer(200, {"received": True, "ignored": True})
        if outcome == "error":
            return json_answer(500, {"error": "unexpected"})
        return json_answer(200, {"received": True})

    # -- query -------------------------------------------------------------

    def query(
        self,
        *,
        reference: str,
        gateway_reference: str = "",
        created_at: datetime | None = None,
        session_id: str = "",
    ) -> GatewayEvent:
        """What became of the payment ``reference`` (reconciliation).

        With ``session_id`` (from :class:`CheckoutRedirect`; it is also the gateway
        reference :meth:`start` gave) the session is retrieved
        directly; otherwise it is looked for among the sessions created from an hour before
        to a day after ``created_at``. No session at all reads as ``pending`` with amount
        0 and response code ``not_found``: the buyer never reached Stripe.
        """
        session_id = session_id or gateway_reference
        if session_id:
            session = self._retrieve_session(session_id)
            if reference_of(session) != reference:
                raise GatewayError(f"session {session_id} belongs to another payment")
        else:
            if created_at is None:
                raise GatewayError("a Stripe query needs the session id or created_at")
            found = self._find_session(reference=reference, created_at=created_at)
            if found is None:
                return GatewayEvent(
                    reference=reference,
                    status="pending",
                    amount=Decimal(0),
                    currency=CURRENCY_VND,
                    gateway_txn_id="",
                    response_code="not_found",
                )
            session = found
        raw = session_raw(session)
        return GatewayEvent(
            reference=reference,
            status=reconciled_status(session),
            amount=amount_of(session, "amount_total"),
            currency=CURRENCY_VND,
            gateway_txn_id=object_id(session, kind="checkout.session"),
            response_code=raw["payment_status"] or raw["status"],
            raw=raw,
        )

    def _retrieve_session(self, session_id: str) -> dict[str, Any]:
        if not STRIPE_ID_RE.fullmatch(session_id) or not session_id.startswith("cs_"):
            raise GatewayError(f"{session_id!r} is not a Checkout Session id")
        return self._call(
            "retrieve checkout session",
            lambda: self._client.v1.checkout.sessions.retrieve(session_id),
        )

    def _sessions_around(self, created_at: datetime) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {
            "created": {
                "gte": int((created_at - _QUERY_WINDOW_BEFORE).timestamp()),
                "lte": int((created_at + _QUERY_WINDOW_AFTER).timestamp()),
            },
            "limit": _QUERY_PAGE_SIZE,
        }
        for _ in range(_QUERY_MAX_PAGES):
            page = self._call(
                "list checkout sessions",
                functools.partial(self._client.v1.checkout.sessions.list, params=dict(params)),
            )
            items = page.get("data")
            if not isinstance(items, list):
                raise GatewayError("Stripe list answer has no data")
            for item in items:
                if isinstance(item, dict):
                    yield item
            if not page.get("has_more") or not items:
                return
            params["starting_after"] = id_of(items[-1])
        raise GatewayError("too many Checkout Sessions around created_at; query by session id")

    def _find_session(self, *, reference: str, created_at: datetime) -> dict[str, Any] | None:
        """The paid session for ``reference`` if any, else the newest one, else None."""
        newest: dict[str, Any] | None = None
        for session in self._sessions_around(created_at):
            try:
                if reference_of(session) != reference:
                    continue
            except GatewayError:
                continue  # somebody else's session with odd metadata
            if session.get("payment_status") == "paid":
                return session
            if newest is None:  # Stripe lists newest first
                newest = session
        return newest

    # -- refund ------------------------------------------------------------

    def refund(self, request: RefundRequest, *, idempotency_key: str | None = None) -> RefundResult:
        """Refund all or part of a paid session through the Refunds API.

        ``request.gateway_txn_id`` may be the Checkout Session id (``cs_…``), the
        PaymentIntent id (``pi_…``) or empty (the session is then looked up by reference
        around ``payment_created_at``). The default idempotency key,
        ``<reference>-refund-full`` or ``<reference>-refund-<đồng>``, makes a retry safe;
        pass a key of your own (a refund row's id) to make two equal partial refunds.
        """
        if request.currency != CURRENCY_VND:
            raise GatewayError(f"the Stripe adapter refunds VND, not {request.currency}")
        minor = to_minor_units(
            request.amount, currency=request.currency, multiplier=AMOUNT_MULTIPLIER
        )
        payment_intent = self._payment_intent_for(request)
        if not payment_intent:
            return RefundResult(
                reference=request.reference,
                status="rejected",
                amount=request.amount,
                currency=CURRENCY_VND,
                gateway_txn_id="",
                response_code="not_paid",
                message="Stripe holds no payment for this reference",
            )
        key = idempotency_key or (f"{request.reference}-refund-{'full' if request.full else minor}")
        params = {
            "payment_intent": payment_intent,
            "amount": minor,
            "metadata": {
                "reference": request.reference,
                "requested_by": request.requested_by[:_METADATA_VALUE_LIMIT],
                "reason": request.reason[:_METADATA_VALUE_LIMIT],
            },
        }
        try:
            refund = self._call(
                "create refund",
                lambda: self._client.v1.refunds.create(
                    params=params,  # type: ignore[arg-type]
                    options={"idempotency_key": key},
                ),
                refusals=REFUND_REFUSALS,
            )
        except _Refused as refused:
            return RefundResult(
                reference=request.reference,
                status="rejected",
                amount=request.amount,
                currency=CURRENCY_VND,
                gateway_txn_id="",
                response_code=refused.code,
                message=refused.message,
            )
        refund_id = object_id(refund, kind="refund")
        if amount_of(refund, "amount") != request.amount:
            raise GatewayError("Stripe answered with a refund of another amount")
        if id_of(refund.get("payment_intent")) not in ("", payment_intent):
            raise GatewayError("Stripe answered with a refund of another payment")
        refund_status = scalar_text(refund.get("status"))
        status: RefundStatus = "rejected" if refund_status in ("failed", "canceled") else "accepted"
        return RefundResult(
            reference=request.reference,
            status=status,
            amount=request.amount,
            currency=CURRENCY_VND,
            gateway_txn_id=refund_id,
            response_code=refund_status,
            message=scalar_text(refund.get("failure_reason")),
            raw={
                "refund_id": refund_id,
                "payment_intent": payment_intent,
                "status": refund_status,
                "amount": scalar_text(refund.get("amount")),
                "currency": scalar_text(refund.get("currency")),
            },
        )

    def _payment_intent_for(self, request: RefundRequest) -> str:
        txn = request.gateway_txn_id
        if txn.startswith("pi_") and STRIPE_ID_RE.fullmatch(txn):
            return txn
        if txn.startswith("cs_"):
            session = self._retrieve_session(txn)
            if reference_of(session) != request.reference:
                raise GatewayError(f"session {txn} belongs to another payment")
        elif not txn:
            found = self._find_session(
                reference=request.reference, created_at=request.payment_created_at
            )
            if found is None:
                return ""
            session = found
        else:
            raise GatewayError(f"{txn!r} is neither a Checkout Session nor a PaymentIntent id")
        if session.get("payment_status") != "paid":
            return ""
        return id_of(session.get("payment_intent"))

    # -- HTTP edge ---------------------------------------------------------

    def _call(
        self,
        operation: str,
        send: Callable[[], Any],
        *,
        refusals: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """Run one library call; return the answer as plain data or raise our errors."""
        try:
            answer = send()
        except stripe.StripeError as exc:
            code = exc.code if isinstance(exc.code, str) else ""
            if code in refusals and isinstance(exc, stripe.InvalidRequestError):
                raise _Refused(code=code, message=self._scrub(exc.user_message or "")) from None
            raise translate_error(operation, exc, scrub=self._scrub) from None
        try:
            data = answer.to_dict()
        except (AttributeError, TypeError, ValueError) as exc:
            raise GatewayError(f"Stripe {operation}: unreadable answer") from exc
        if not isinstance(data, dict):
            raise GatewayError(f"Stripe {operation}: the answer is not an object")
        return data

    def _scrub(self, text: str) -> str:
        for secret in (self._config.api_key, self._config.webhook_secret):
            text = text.replace(secret, _REDACTED)
        return text


class _Refused(Exception):
    """Internal: a refusal that is an answer (see :data:`REFUND_REFUSALS`)."""

    def __init__(self, *, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message

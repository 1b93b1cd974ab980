"""A local stand-in for Stripe's API, for development and tests only.

Never use this module with production settings: it accepts test keys only and keeps its
ledger in memory. It imports neither Django nor the ``stripe`` library (it is the other
side of the wire); the Django layer decides where, if anywhere, it may run.

:class:`StripeStub` serves, on ``127.0.0.1`` and an ephemeral port, the subset of Stripe's
REST API the shop calls, the way Stripe speaks it:

* ``POST /v1/checkout/sessions``, ``GET /v1/checkout/sessions`` (``created[gte|gt|lte|lt]``,
  ``limit``, ``starting_after``, ``status``, ``payment_intent``) and
  ``GET /v1/checkout/sessions/{id}``;
* ``POST /v1/refunds`` on a PaymentIntent, in full or in part.

Requests need ``Authorization: Bearer <api key>``; bodies are form-encoded with Stripe's
bracket syntax (``line_items[0][price_data][unit_amount]=185000``, :func:`decode_form`);
answers are Stripe-shaped JSON objects, and refusals Stripe-shaped ``{"error": {...}}``
bodies with Stripe's HTTP statuses. ``Idempotency-Key`` is honoured as Stripe does: the
same key with the same parameters replays the first answer (``Idempotent-Replayed:
true``), with other parameters it is an ``idempotency_error``; answers to requests that
fail validation are not kept.

The buyer's side happens through methods: :meth:`StripeStub.complete_session`,
:meth:`StripeStub.fail_payment`, :meth:`StripeStub.expire_session`; the webhook Stripe
would then send comes from :meth:`StripeStub.session_webhook` and
:meth:`StripeStub.payment_intent_webhook`, signed as Stripe signs them
(:func:`build_webhook`, ``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<body>">``). :meth:`StripeStub.fail_next` makes the next answers errors or slow.
"""

from __future__ import annotations

import copy
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from payments.simulators.stripe_server import StubServer
from payments.simulators.stripe_wire import (
    STUB_API_VERSION,
    Answer,
    ApiError,
    FormError,
    RecordedRequest,
    build_webhook,
    decode_form,
    error_answer,
    integer,
    line_items_total,
    metadata_param,
    new_id,
    required,
    signature_header,
    string,
    url_param,
)

__all__ = [
    "STUB_API_VERSION",
    "FormError",
    "RecordedRequest",
    "StripeStub",
    "build_webhook",
    "decode_form",
    "signature_header",
]

_MIN_LIFETIME: Final = 30 * 60
_MAX_LIFETIME: Final = 24 * 60 * 60
_LOCALES: Final = frozenset(
    {"auto", "en", "en-GB", "vi", "fr", "de", "ja", "ko", "zh", "zh-HK", "zh-TW", "th", "id"}
)
_SESSION_PARAMS: Final = frozenset(
    {
        "allowed_payment_method_types",
        "cancel_url",
        "client_reference_id",
        "currency",
        "customer_email",
        "excluded_payment_method_types",
        "expand",
        "expires_at",
        "line_items",
        "locale",
        "metadata",
        "mode",
        "payment_intent_data",
        "submit_type",
        "success_url",
    }
)
_PAYMENT_INTENT_DATA_PARAMS: Final = frozenset(
    {"description", "metadata", "receipt_email", "statement_descriptor_suffix"}
)
_REFUND_PARAMS: Final = frozenset({"amount", "expand", "metadata", "payment_intent", "reason"})
_REFUND_REASONS: Final = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
_LIVE_KEY_PREFIXES: Final = ("sk_live_", "rk_live_", "pk_live_")


@dataclass(slots=True)
class _Ledger:
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    payment_intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    intent_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


class StripeStub(StubServer):
    """An in-memory Stripe served over HTTP on 127.0.0.1 (development and tests only).

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. Point the adapter
    at :attr:`api_base` with :attr:`api_key`, and verify webhooks with
    :attr:`webhook_secret` (both random unless given). ``checkout_url`` is where session
    URLs point (``{id}`` is replaced by the session id); by default the stub's own
    ``/c/pay/{id}``, which it does not serve.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        checkout_url: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        api_key = new_id("sk_test_") if api_key is None else api_key
        if not api_key or api_key.startswith(_LIVE_KEY_PREFIXES):
            raise ValueError("the Stripe stub takes test keys only")
        if webhook_secret == "":
            raise ValueError("webhook_secret must not be empty")
        self.api_key = api_key
        self.webhook_secret = new_id("whsec_") if webhook_secret is None else webhook_secret
        self._checkout_url = checkout_url
        self._clock = clock
        self._ledger = _Ledger()

    # -- the ledger, from the buyer's side -----------------------------------

    def session(self, session_id: str) -> dict[str, Any]:
        """A copy of the Checkout Session as the API would show it."""
        with self._lock:
            return copy.deepcopy(self._session(session_id))

    def session_ids(self) -> list[str]:
        """Every Checkout Session created so far, oldest first."""
        with self._lock:
            return list(self._ledger.order)

    def payment_intent(self, payment_intent_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._payment_intent(payment_intent_id))

    def refunds_of(self, payment_intent_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                copy.deepcopy(refund)
                for refund in self._ledger.refunds.values()
                if refund["payment_intent"] == payment_intent_id
            ]

    def complete_session(self, session_id: str, *, paid: bool = True) -> dict[str, Any]:
        """The buyer pays: the session completes (``unpaid`` stands for a delayed method)."""
        with self._lock:
            session = self._open_session(session_id)
            intent = self._intent_for(session)
            intent["status"] = "succeeded" if paid else "processing"
            intent["amount_received"] = intent["amount"] if paid else 0
            intent["last_payment_error"] = None
            if paid:
                intent["latest_charge"] = new_id("ch_test_")
            session["status"] = "complete"
            session["payment_status"] = "paid" if paid else "unpaid"
            return copy.deepcopy(session)

    def fail_payment(
        self,
        session_id: str,
        *,
        code: str = "card_declined",
        decline_code: str = "generic_decline",
    ) -> dict[str, Any]:
        """A card attempt fails; the session stays open. Returns the PaymentIntent."""
        with self._lock:
            session = self._open_session(session_id)
            intent = self._intent_for(session)
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": code,
                "decline_code": decline_code,
                "message": "Your card was declined.",
            }
            return copy.deepcopy(intent)

    def expire_session(self, session_id: str) -> dict[str, Any]:
        """The session reaches ``expires_at`` unpaid (or the shop expires it)."""
        with self._lock:
            session = self._open_session(session_id)
            session["status"] = "expired"
            session["url"] = None
            return copy.deepcopy(session)

    def session_webhook(
        self, session_id: str, event_type: str, *, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The signed ``checkout.session.*`` delivery for the session as it stands."""
        return build_webhook(
            event_type=event_type,
            data_object=self.session(session_id),
            secret=self.webhook_secret,
            timestamp=timestamp,
        )

    def payment_intent_webhook(
        self, payment_intent_id: str, event_type: str, *, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The signed ``payment_intent.*`` delivery for the PaymentIntent as it stands."""
        return build_webhook(
            event_type=event_type,
            data_object=self.payment_intent(payment_intent_id),
            secret=self.webhook_secret,
            timestamp=timestamp,
        )

    def _route(
        self, *, method: str, path: str, query: dict[str, Any], form: dict[str, Any]
    ) -> Answer:
        try:
            if path == "/v1/checkout/sessions" and method == "POST":
                return Answer(200, self._create_session(form))
            if path == "/v1/checkout/sessions" and method == "GET":
                return Answer(200, self._list_sessions(query))
            if path.startswith("/v1/checkout/sessions/") and method == "GET":
                session_id = urllib.parse.unquote(path.removeprefix("/v1/checkout/sessions/"))
                return Answer(200, copy.deepcopy(self._session(session_id)))
            if path == "/v1/refunds" and method == "POST":
                return Answer(200, self._create_refund(form))
            raise ApiError(404, f"Unrecognized request URL ({method}: {path}).")
        except ApiError as exc:
            return error_answer(exc)

    # -- Checkout Sessions ---------------------------------------------------

    def _session(self, session_id: str) -> dict[str, Any]:
        try:
            return self._ledger.sessions[session_id]
        except KeyError:
            raise ApiError(
                404, f"No such checkout.session: '{session_id}'", code="resource_missing"
            ) from None

    def _open_session(self, session_id: str) -> dict[str, Any]:
        session = self._session(session_id)
        if session["status"] != "open":
            raise ValueError(f"session {session_id} is {session['status']}, not open")
        return session

    def _intent_for(self, session: dict[str, Any]) -> dict[str, Any]:
        intent_id = session["payment_intent"]
        if intent_id:
            return self._ledger.payment_intents[intent_id]
        intent_data = self._ledger.intent_data[session["id"]]
        intent = {
            "id": new_id("pi_test_"),
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": 0,
            "amount_refunded": 0,
            "created": int(self._clock()),
            "currency": session["currency"],
            "description": intent_data.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": dict(intent_data.get("metadata", {})),
            "payment_method_types": list(session["payment_method_types"]),
            "status": "requires_payment_method",
        }
        self._ledger.payment_intents[intent["id"]] = intent
        session["payment_intent"] = intent["id"]
        return intent

    def _payment_intent(self, payment_intent_id: str) -> dict[str, Any]:
        try:
            return self._ledger.payment_intents[payment_intent_id]
        except KeyError:
            raise ApiError(
                404,
                f"No such payment_intent: '{payment_intent_id}'",
                code="resource_missing",
                param="payment_intent",
            ) from None

    def _create_session(self, form: dict[str, Any]) -> dict[str, Any]:
        for name in form:
            if name not in _SESSION_PARAMS:
                raise ApiError(
                    400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name
                )
        mode = required(form, "mode")
        if mode != "payment":
            raise ApiError(400, "The stub only supports mode=payment.", param="mode")
        currency, total = line_items_total(form.get("line_items"))
        success_url = url_param(required(form, "success_url"), "success_url")
        cancel_url = url_param(form["cancel_url"], "cancel_url") if "cancel_url" in form else None
        reference = string(form.get("client_reference_id", ""), "client_reference_id")
        if len(reference) > 200:
            raise ApiError(400, "client_reference_id is too long.", param="client_reference_id")
        metadata = metadata_param(form.get("metadata", {}), "metadata")
        intent_data = form.get("payment_intent_data", {})
        if not isinstance(intent_data, dict):
            raise ApiError(400, "Invalid object", param="payment_intent_data")
        for name in intent_data:
            if name not in _PAYMENT_INTENT_DATA_PARAMS:
                raise ApiError(
                    400,
                    f"Received unknown parameter: payment_intent_data[{name}]",
                    code="parameter_unknown",
                    param=f"payment_intent_data[{name}]",
                )
        intent_data = {
            **intent_data,
            "metadata": metadata_param(
                intent_data.get("metadata", {}), "payment_intent_data[metadata]"
            ),
        }
        now = int(self._clock())
        expires_at = now + _MAX_LIFETIME
        if "expires_at" in form:
            expires_at = integer(form["expires_at"], "expires_at")
            if expires_at < now + _MIN_LIFETIME:
                raise ApiError(
                    400,
                    "The `expires_at` timestamp must be at least 30 minutes from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
            if expires_at > now + _MAX_LIFETIME:
                raise ApiError(
                    400,
                    "The `expires_at` timestamp must be less than 24 hours from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
        locale = form.get("locale", "auto")
        if locale not in _LOCALES:
            raise ApiError(400, f"Invalid locale: {locale}", param="locale")
        methods = form.get("allowed_payment_method_types", ["card"])
        if not isinstance(methods, list) or not all(isinstance(m, str) and m for m in methods):
            raise ApiError(400, "Invalid array", param="allowed_payment_method_types")
        session_id = new_id("cs_test_")
        checkout_url = self._checkout_url or f"{self.api_base}/c/pay/{{id}}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": cancel_url,
            "client_reference_id": reference or None,
            "created": now,
            "currency": currency,
            "customer_email": form.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "locale": locale,
            "metadata": metadata,
            "mode": "payment",
            "payment_intent": None,
            "payment_method_types": methods,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": success_url,
            "url": checkout_url.replace("{id}", session_id),
        }
        self._ledger.sessions[session_id] = session
        self._ledger.intent_data[session_id] = intent_data
        self._ledger.order.append(session_id)
        return copy.deepcopy(session)

    def _list_sessions(self, query: dict[str, Any]) -> dict[str, Any]:
        limit = integer(query.get("limit", "10"), "limit")
        if not 1 <= limit <= 100:
            raise ApiError(400, "limit must be between 1 and 100.", param="limit")
        created = query.get("created", {})
        if not isinstance(created, dict):
            created = {"eq": created}
        bounds = {op: integer(value, f"created[{op}]") for op, value in created.items()}
        tests = {
            "gt": lambda c, b: c > b,
            "gte": lambda c, b: c >= b,
            "lt": lambda c, b: c < b,
            "lte": lambda c, b: c <= b,
            "eq": lambda c, b: c == b,
        }
        for op in bounds:
            if op not in tests:
                raise ApiError(400, f"Invalid created[{op}]", param="created")
        matching = [
            self._ledger.sessions[sid]
            for sid in reversed(self._ledger.order)  # newest first, as Stripe lists
            if all(tests[op](self._ledger.sessions[sid]["created"], b) for op, b in bounds.items())
            and query.get("status") in (None, self._ledger.sessions[sid]["status"])
            and query.get("payment_intent") in (None, self._ledger.sessions[sid]["payment_intent"])
        ]
        after = query.get("starting_after")
        if after is not None:
            ids = [session["id"] for session in matching]
            if after not in ids:
                self._session(after)  # 404 if it does not exist at all
                raise ApiError(400, "starting_after is not in this list", param="starting_after")
            matching = matching[ids.index(after) + 1 :]
        page = matching[:limit]
        return {
            "object": "list",
            "data": [copy.deepcopy(session) for session in page],
            "has_more": len(matching) > limit,
            "url": "/v1/checkout/sessions",
        }

    # -- Refunds ---------------------------------------------------------------

    def _create_refund(self, form: dict[str, Any]) -> dict[str, Any]:
        for name in form:
            if name not in _REFUND_PARAMS:
                raise ApiError(
                    400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name
                )
        intent = self._payment_intent(required(form, "payment_intent"))
        if intent["status"] != "succeeded":
            raise ApiError(
                400,
                f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                code="payment_intent_unexpected_state",
                param="payment_intent",
            )
        remaining = intent["amount_received"] - intent["amount_refunded"]
        if remaining <= 0:
            raise ApiError(
                400,
                f"Charge {intent['latest_charge']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = integer(form["amount"], "amount") if "amount" in form else remaining
        if amount < 1:
            raise ApiError(
                400, "Refund amount must be positive.", code="amount_too_small", param="amount"
            )
        if amount > remaining:
            raise ApiError(
                400,
                f"Refund amount ({amount} {intent['currency']}) is greater than unrefunded "
                f"amount on charge ({remaining} {intent['currency']})",
                code="amount_too_large",
                param="amount",
            )
        reason = form.get("reason")
        if reason is not None and reason not in _REFUND_REASONS:
            raise ApiError(400, f"Invalid reason: {reason}", param="reason")
        intent["amount_refunded"] += amount
        refund = {
            "id": new_id("re_test_"),
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "created": int(self._clock()),
            "currency": intent["currency"],
            "metadata": metadata_param(form.get("metadata", {}), "metadata"),
            "payment_intent": intent["id"],
            "reason": reason,
            "status": "succeeded",
        }
        self._ledger.refunds[refund["id"]] = refund
        return copy.deepcopy(refund)

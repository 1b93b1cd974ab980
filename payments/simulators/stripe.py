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
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

__all__ = [
    "STUB_API_VERSION",
    "FormError",
    "RecordedRequest",
    "StripeStub",
    "build_webhook",
    "decode_form",
    "signature_header",
]

STUB_API_VERSION: Final = "2026-10-28.endive"
MAX_AMOUNT: Final = 99_999_999
"""Stripe takes amounts of up to eight digits."""

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
_KEY_RE: Final = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_BRACKET_RE: Final = re.compile(r"\[([^\[\]]*)\]")
_CURRENCY_RE: Final = re.compile(r"[a-z]{3}")
_DIGITS_RE: Final = re.compile(r"[0-9]{1,15}")
_LIVE_KEY_PREFIXES: Final = ("sk_live_", "rk_live_", "pk_live_")


# --------------------------------------------------------------------------- wire helpers


class FormError(ValueError):
    """A form body Stripe would refuse to read."""


def decode_form(text: str) -> dict[str, Any]:
    """Read a Stripe form body: ``a[b][0][c]=v`` nests, numeric keys ``0..n-1`` make lists."""
    root: dict[str, Any] = {}
    for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
        match = _KEY_RE.fullmatch(key)
        if not match:
            raise FormError(f"Invalid parameter name: {key}")
        path = [match.group(1), *_BRACKET_RE.findall(match.group(2))]
        if any(part == "" for part in path):
            raise FormError(f"Invalid parameter name: {key}")
        node = root
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise FormError(f"Invalid hash for parameter: {key}")
            node = child
        if isinstance(node.get(path[-1]), dict):
            raise FormError(f"Invalid hash for parameter: {key}")
        node[path[-1]] = value
    return {key: _listify(value) for key, value in root.items()}


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isascii() and key.isdigit() for key in converted):
        indices = sorted(converted, key=int)
        if [int(index) for index in indices] != list(range(len(indices))):
            raise FormError("Invalid array: indices must run from 0 without gaps")
        return [converted[index] for index in indices]
    return converted


def signature_header(*, payload: bytes, secret: str, timestamp: int) -> str:
    """``Stripe-Signature`` for ``payload``: ``t=<timestamp>,v1=<HMAC-SHA256 hex>``."""
    signed = str(timestamp).encode("ascii") + b"." + payload
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def build_webhook(
    *,
    event_type: str,
    data_object: Mapping[str, Any],
    secret: str,
    timestamp: int | None = None,
    event_id: str | None = None,
    livemode: bool = False,
) -> tuple[bytes, dict[str, str]]:
    """A Stripe event around ``data_object``, as body and headers, signed with ``secret``."""
    now = int(time.time()) if timestamp is None else timestamp
    event = {
        "id": event_id or _new_id("evt_test_"),
        "object": "event",
        "api_version": STUB_API_VERSION,
        "created": now,
        "data": {"object": dict(data_object)},
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    body = json.dumps(event, ensure_ascii=False, indent=2).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": signature_header(payload=body, secret=secret, timestamp=now),
    }
    return body, headers


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


# --------------------------------------------------------------------------- the stub


class _ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        error_type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {
            "error": {
                key: value
                for key, value in {
                    "type": error_type,
                    "code": code,
                    "message": message,
                    "param": param,
                    "doc_url": f"https://stripe.com/docs/error-codes/{code}" if code else None,
                }.items()
                if value is not None
            }
        }


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: dict[str, Any]
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedRequest:
    """One request the stub received (``Authorization`` left out)."""

    method: str
    path: str
    query: dict[str, Any]
    form: dict[str, Any]
    headers: dict[str, str]

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


@dataclass(slots=True, kw_only=True)
class _Fault:
    status: int
    error_type: str
    code: str | None
    delay: float
    should_retry: bool | None


@dataclass(slots=True)
class _Ledger:
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    payment_intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    intent_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[str, tuple[tuple[Any, ...], _Answer]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


class StripeStub:
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
        api_key = _new_id("sk_test_") if api_key is None else api_key
        if not api_key or api_key.startswith(_LIVE_KEY_PREFIXES):
            raise ValueError("the Stripe stub takes test keys only")
        if webhook_secret == "":
            raise ValueError("webhook_secret must not be empty")
        self.api_key = api_key
        self.webhook_secret = _new_id("whsec_") if webhook_secret is None else webhook_secret
        self._checkout_url = checkout_url
        self._clock = clock
        self._lock = threading.RLock()
        self._ledger = _Ledger()
        self._faults: list[_Fault] = []
        self.requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- serving -----------------------------------------------------------

    def start(self) -> StripeStub:
        """Listen on 127.0.0.1 on a free port, in a daemon thread."""
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="stripe-stub",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (the ledger is kept)."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StripeStub:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def api_base(self) -> str:
        """``http://127.0.0.1:<port>``, for ``StripeConfig.api_base``."""
        if self._server is None:
            raise RuntimeError("the Stripe stub is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- faults ------------------------------------------------------------

    def fail_next(
        self,
        *,
        status: int = 500,
        error_type: str = "api_error",
        code: str | None = None,
        times: int = 1,
        delay: float = 0.0,
        should_retry: bool | None = None,
    ) -> None:
        """Answer the next ``times`` requests with an error (``status=0``: none), after
        ``delay`` seconds. Like a fault before Stripe's code runs, nothing is recorded
        against the idempotency key."""
        with self._lock:
            self._faults.extend(
                _Fault(
                    status=status,
                    error_type=error_type,
                    code=code,
                    delay=delay,
                    should_retry=should_retry,
                )
                for _ in range(times)
            )

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
                intent["latest_charge"] = _new_id("ch_test_")
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

    # -- request handling ----------------------------------------------------

    def handle(
        self, *, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes, list[tuple[str, str]]]:
        """Answer one HTTP request: status, JSON body, headers. Every request is recorded."""
        lowered = {key.lower(): value for key, value in headers.items()}
        parts = urllib.parse.urlsplit(target)
        unreadable: _ApiError | None = None
        query: dict[str, Any] = {}
        form: dict[str, Any] = {}
        text = ""
        try:
            query = decode_form(parts.query)
            text = body.decode("utf-8")
            form = decode_form(text) if method == "POST" else {}
        except (FormError, UnicodeDecodeError) as exc:
            unreadable = _ApiError(400, str(exc))
        with self._lock:
            self.requests.append(
                RecordedRequest(
                    method=method,
                    path=parts.path,
                    query=query,
                    form=form,
                    headers={k: v for k, v in lowered.items() if k != "authorization"},
                )
            )
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.status:
            error = _ApiError(
                fault.status,
                "An error occurred with our connection to Stripe.",
                error_type=fault.error_type,
                code=fault.code,
            )
            answer = _Answer(error.status, error.body)
            if fault.should_retry is not None:
                retry = "true" if fault.should_retry else "false"
                answer = _Answer(answer.status, answer.body, (("Stripe-Should-Retry", retry),))
        elif unreadable is not None:
            answer = _error_answer(unreadable)
        else:
            with self._lock:
                answer = self._answer(
                    method=method,
                    path=parts.path,
                    headers=lowered,
                    query=query,
                    form=form,
                    text=text,
                )
        response_headers = [
            ("Request-Id", _new_id("req_")),
            ("Stripe-Version", lowered.get("stripe-version", STUB_API_VERSION)),
            *answer.headers,
        ]
        data = json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
        return answer.status, data, response_headers

    def _answer(
        self,
        *,
        method: str,
        path: str,
        headers: dict[str, str],
        query: dict[str, Any],
        form: dict[str, Any],
        text: str,
    ) -> _Answer:
        try:
            self._authenticate(headers.get("authorization", ""))
            if method == "POST" and "form-urlencoded" not in headers.get("content-type", ""):
                raise _ApiError(400, "Stripe takes form-encoded request bodies.")
        except _ApiError as exc:
            return _error_answer(exc)
        key = headers.get("idempotency-key")
        if method != "POST" or not key:
            return self._route(method=method, path=path, query=query, form=form)
        if len(key) > 255:
            return _error_answer(_ApiError(400, "Idempotency keys are at most 255 characters."))
        fingerprint = (path, tuple(sorted(urllib.parse.parse_qsl(text, keep_blank_values=True))))
        saved = self._ledger.idempotency.get(key)
        if saved is not None:
            if saved[0] != fingerprint:
                return _error_answer(
                    _ApiError(
                        400,
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with. Try using a key other than "
                        f"'{key}' if you meant to execute a different request.",
                        error_type="idempotency_error",
                    )
                )
            first = saved[1]
            return _Answer(first.status, first.body, (("Idempotent-Replayed", "true"),))
        answer = self._route(method=method, path=path, query=query, form=form)
        if answer.status < 400 or answer.status >= 500:
            self._ledger.idempotency[key] = (fingerprint, answer)
        return answer

    def _authenticate(self, authorization: str) -> None:
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            raise _ApiError(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth.",
            )
        if not hmac.compare_digest(token.encode("utf-8"), self.api_key.encode("utf-8")):
            raise _ApiError(401, f"Invalid API Key provided: {_mask(token)}")

    def _route(
        self, *, method: str, path: str, query: dict[str, Any], form: dict[str, Any]
    ) -> _Answer:
        try:
            if path == "/v1/checkout/sessions" and method == "POST":
                return _Answer(200, self._create_session(form))
            if path == "/v1/checkout/sessions" and method == "GET":
                return _Answer(200, self._list_sessions(query))
            if path.startswith("/v1/checkout/sessions/") and method == "GET":
                session_id = urllib.parse.unquote(path.removeprefix("/v1/checkout/sessions/"))
                return _Answer(200, copy.deepcopy(self._session(session_id)))
            if path == "/v1/refunds" and method == "POST":
                return _Answer(200, self._create_refund(form))
            raise _ApiError(404, f"Unrecognized request URL ({method}: {path}).")
        except _ApiError as exc:
            return _error_answer(exc)

    # -- Checkout Sessions ---------------------------------------------------

    def _session(self, session_id: str) -> dict[str, Any]:
        try:
            return self._ledger.sessions[session_id]
        except KeyError:
            raise _ApiError(
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
            "id": _new_id("pi_test_"),
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
            raise _ApiError(
                404,
                f"No such payment_intent: '{payment_intent_id}'",
                code="resource_missing",
                param="payment_intent",
            ) from None

    def _create_session(self, form: dict[str, Any]) -> dict[str, Any]:
        for name in form:
            if name not in _SESSION_PARAMS:
                raise _ApiError(
                    400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name
                )
        mode = _required(form, "mode")
        if mode != "payment":
            raise _ApiError(400, "The stub only supports mode=payment.", param="mode")
        currency, total = _line_items_total(form.get("line_items"))
        success_url = _url(_required(form, "success_url"), "success_url")
        cancel_url = _url(form["cancel_url"], "cancel_url") if "cancel_url" in form else None
        reference = _string(form.get("client_reference_id", ""), "client_reference_id")
        if len(reference) > 200:
            raise _ApiError(400, "client_reference_id is too long.", param="client_reference_id")
        metadata = _metadata(form.get("metadata", {}), "metadata")
        intent_data = form.get("payment_intent_data", {})
        if not isinstance(intent_data, dict):
            raise _ApiError(400, "Invalid object", param="payment_intent_data")
        for name in intent_data:
            if name not in _PAYMENT_INTENT_DATA_PARAMS:
                raise _ApiError(
                    400,
                    f"Received unknown parameter: payment_intent_data[{name}]",
                    code="parameter_unknown",
                    param=f"payment_intent_data[{name}]",
                )
        intent_data = {
            **intent_data,
            "metadata": _metadata(intent_data.get("metadata", {}), "payment_intent_data[metadata]"),
        }
        now = int(self._clock())
        expires_at = now + _MAX_LIFETIME
        if "expires_at" in form:
            expires_at = _integer(form["expires_at"], "expires_at")
            if expires_at < now + _MIN_LIFETIME:
                raise _ApiError(
                    400,
                    "The `expires_at` timestamp must be at least 30 minutes from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
            if expires_at > now + _MAX_LIFETIME:
                raise _ApiError(
                    400,
                    "The `expires_at` timestamp must be less than 24 hours from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
        locale = form.get("locale", "auto")
        if locale not in _LOCALES:
            raise _ApiError(400, f"Invalid locale: {locale}", param="locale")
        methods = form.get("allowed_payment_method_types", ["card"])
        if not isinstance(methods, list) or not all(isinstance(m, str) and m for m in methods):
            raise _ApiError(400, "Invalid array", param="allowed_payment_method_types")
        session_id = _new_id("cs_test_")
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
        limit = _integer(query.get("limit", "10"), "limit")
        if not 1 <= limit <= 100:
            raise _ApiError(400, "limit must be between 1 and 100.", param="limit")
        created = query.get("created", {})
        if not isinstance(created, dict):
            created = {"eq": created}
        bounds = {op: _integer(value, f"created[{op}]") for op, value in created.items()}
        tests = {
            "gt": lambda c, b: c > b,
            "gte": lambda c, b: c >= b,
            "lt": lambda c, b: c < b,
            "lte": lambda c, b: c <= b,
            "eq": lambda c, b: c == b,
        }
        for op in bounds:
            if op not in tests:
                raise _ApiError(400, f"Invalid created[{op}]", param="created")
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
                raise _ApiError(400, "starting_after is not in this list", param="starting_after")
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
                raise _ApiError(
                    400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name
                )
        intent = self._payment_intent(_required(form, "payment_intent"))
        if intent["status"] != "succeeded":
            raise _ApiError(
                400,
                f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                code="payment_intent_unexpected_state",
                param="payment_intent",
            )
        remaining = intent["amount_received"] - intent["amount_refunded"]
        if remaining <= 0:
            raise _ApiError(
                400,
                f"Charge {intent['latest_charge']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _integer(form["amount"], "amount") if "amount" in form else remaining
        if amount < 1:
            raise _ApiError(
                400, "Refund amount must be positive.", code="amount_too_small", param="amount"
            )
        if amount > remaining:
            raise _ApiError(
                400,
                f"Refund amount ({amount} {intent['currency']}) is greater than unrefunded "
                f"amount on charge ({remaining} {intent['currency']})",
                code="amount_too_large",
                param="amount",
            )
        reason = form.get("reason")
        if reason is not None and reason not in _REFUND_REASONS:
            raise _ApiError(400, f"Invalid reason: {reason}", param="reason")
        intent["amount_refunded"] += amount
        refund = {
            "id": _new_id("re_test_"),
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "created": int(self._clock()),
            "currency": intent["currency"],
            "metadata": _metadata(form.get("metadata", {}), "metadata"),
            "payment_intent": intent["id"],
            "reason": reason,
            "status": "succeeded",
        }
        self._ledger.refunds[refund["id"]] = refund
        return copy.deepcopy(refund)


# --------------------------------------------------------------------------- validation


def _error_answer(error: _ApiError) -> _Answer:
    return _Answer(error.status, error.body)


def _mask(token: str) -> str:
    prefix = "_".join(token.split("_")[:2]) if token.count("_") >= 2 else ""
    return f"{prefix}_{'*' * 4}{token[-4:]}" if prefix else f"{'*' * 4}{token[-4:]}"


def _required(form: Mapping[str, Any], name: str) -> Any:
    if name not in form or form[name] == "":
        raise _ApiError(
            400, f"Missing required param: {name}.", code="parameter_missing", param=name
        )
    return form[name]


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise _ApiError(400, f"Invalid string: {name}", param=name)
    return value


def _integer(value: Any, name: str) -> int:
    if not isinstance(value, str) or not _DIGITS_RE.fullmatch(value):
        raise _ApiError(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=name
        )
    return int(value)


def _url(value: Any, name: str) -> str:
    parts = urllib.parse.urlsplit(_string(value, name))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _ApiError(400, "Not a valid URL", code="url_invalid", param=name)
    return value


def _metadata(value: Any, name: str) -> dict[str, str]:
    if value == "":
        return {}
    if not isinstance(value, dict) or len(value) > 50:
        raise _ApiError(400, "Invalid metadata: at most 50 string keys.", param=name)
    for key, item in value.items():
        if not isinstance(item, str) or len(key) > 40 or len(item) > 500:
            raise _ApiError(
                400, "Metadata keys take up to 40 and values up to 500 characters.", param=name
            )
    return dict(value)


def _line_items_total(items: Any) -> tuple[str, int]:
    if not isinstance(items, list) or not items:
        raise _ApiError(
            400,
            "Missing required param: line_items.",
            code="parameter_missing",
            param="line_items",
        )
    if len(items) > 100:
        raise _ApiError(400, "At most 100 line items.", param="line_items")
    currencies: set[str] = set()
    total = 0
    for index, item in enumerate(items):
        where = f"line_items[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("price_data"), dict):
            raise _ApiError(400, "The stub only takes price_data line items.", param=where)
        price = item["price_data"]
        currency = price.get("currency")
        if not isinstance(currency, str) or not _CURRENCY_RE.fullmatch(currency):
            raise _ApiError(400, f"Invalid currency: {currency}", param=f"{where}[price_data]")
        product = price.get("product_data")
        if not isinstance(product, dict) or not product.get("name"):
            raise _ApiError(
                400,
                "Missing required param: product_data[name].",
                code="parameter_missing",
                param=f"{where}[price_data][product_data][name]",
            )
        unit_amount = _integer(price.get("unit_amount"), f"{where}[price_data][unit_amount]")
        quantity = _integer(item.get("quantity"), f"{where}[quantity]")
        if quantity < 1:
            raise _ApiError(400, "quantity must be at least 1", param=f"{where}[quantity]")
        currencies.add(currency)
        total += unit_amount * quantity
    if len(currencies) != 1:
        raise _ApiError(400, "All line items must share one currency.", param="line_items")
    if total > MAX_AMOUNT:
        raise _ApiError(
            400,
            "Amount must be no more than 99,999,999.",
            code="amount_too_large",
            param="line_items",
        )
    return currencies.pop(), total


# --------------------------------------------------------------------------- HTTP


def _handler_for(stub: StripeStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "StripeStub/1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _serve(self, method: str) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= 1 << 20:
                self.send_error(400, "bad Content-Length")
                return
            body = self.rfile.read(length)
            status, data, headers = stub.handle(
                method=method, target=self.path, headers=dict(self.headers.items()), body=body
            )
            try:
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (a timeout test); nothing to tell it

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

    return Handler

"""MoMo e-wallet, AIO payment gateway v2 (``captureWallet``), as MoMo publishes it.

* Create: JSON posted to ``{endpoint}/v2/gateway/api/create``. ``signature`` is the
  lowercase hex HMAC-SHA256, keyed with the secret key, of the raw (not URL-encoded)
  ``key=value`` pairs of :data:`CREATE_SIGNED` joined with ``&`` in that order; the access
  key is signed but never sent. MoMo answers ``resultCode`` 0 with ``payUrl`` (its wallet
  page, where the buyer is sent), ``deeplink`` (the app) and ``qrCodeUrl``.
* Result: MoMo posts the IPN as JSON to ``ipnUrl`` and sends the buyer back to
  ``redirectUrl`` with the same fields in the query string, both signed over
  :data:`RESULT_SIGNED`. The merchant answers the IPN with HTTP 204 and no body.
  ``resultCode`` 0 is paid; 1006 (the buyer declined), 1003 and 1017 are cancelled;
  1000, 7000, 7002, 8000 and 9000 are still in progress; anything else failed.
* Query and refund: JSON posted to ``/v2/gateway/api/query`` and ``/v2/gateway/api/refund``
  signed over :data:`QUERY_SIGNED` and :data:`REFUND_SIGNED`. A refund has its own new
  ``orderId`` and names the payment by MoMo's ``transId``; partial refunds are allowed.
  MoMo does not sign these answers: they come over TLS from the configured endpoint, and
  must echo our partner code, order and request ids.

Amounts are plain đồng on the wire (:data:`AMOUNT_MULTIPLIER` is 1), from 1,000 to
50,000,000. ``requestId`` is MoMo's idempotency key: a create is sent with the payment
reference as both ``orderId`` and ``requestId``, so starting the same payment twice gets
the same answer. Every HTTP or MoMo error leaves this module as
:class:`~payments.ports.GatewayError` or one of its subclasses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from payments.gateways._wire import (
    MAX_JSON_DEPTH,
    check_http_url,
    nesting_depth,
    post_json,
)
from payments.gateways.base import BaseGateway
from payments.ports import (
    CURRENCY_VND,
    Acknowledgement,
    AckOutcome,
    CallbackRoute,
    Capabilities,
    EventStatus,
    GatewayError,
    GatewayEvent,
    GatewayUnavailable,
    InvalidSignature,
    NextAction,
    PaymentRequest,
    RefundRequest,
    RefundResult,
    from_minor_units,
    origins_of,
    to_minor_units,
)

__all__ = [
    "AMOUNT_MULTIPLIER",
    "CREATE_PATH",
    "CREATE_SIGNED",
    "MAX_AMOUNT",
    "MIN_AMOUNT",
    "ORDER_ID_RE",
    "QUERY_PATH",
    "QUERY_SIGNED",
    "REFUND_PATH",
    "REFUND_SIGNED",
    "REQUEST_TYPE",
    "RESULT_SIGNED",
    "MoMoConfig",
    "MoMoGateway",
    "event_status",
    "load_json_object",
    "raw_signature",
    "result_fields",
    "sign",
    "sign_fields",
    "signature_matches",
    "wire_text",
]

AMOUNT_MULTIPLIER: Final = 1
MIN_AMOUNT: Final = 1_000
MAX_AMOUNT: Final = 50_000_000
REQUEST_TYPE: Final = "captureWallet"
CREATE_PATH: Final = "/v2/gateway/api/create"
QUERY_PATH: Final = "/v2/gateway/api/query"
REFUND_PATH: Final = "/v2/gateway/api/refund"

CREATE_SIGNED: Final = (
    "accessKey",
    "amount",
    "extraData",
    "ipnUrl",
    "orderId",
    "orderInfo",
    "partnerCode",
    "redirectUrl",
    "requestId",
    "requestType",
)
RESULT_SIGNED: Final = (
    "accessKey",
    "amount",
    "extraData",
    "message",
    "orderId",
    "orderInfo",
    "orderType",
    "partnerCode",
    "payType",
    "requestId",
    "responseTime",
    "resultCode",
    "transId",
)
QUERY_SIGNED: Final = ("accessKey", "orderId", "partnerCode", "requestId")
REFUND_SIGNED: Final = (
    "accessKey",
    "amount",
    "description",
    "orderId",
    "partnerCode",
    "requestId",
    "transId",
)

ORDER_ID_RE: Final = re.compile(r"[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*")
SUCCESS: Final = "0"
CANCELLED_CODES: Final = frozenset({"1003", "1006", "1017"})
IN_PROGRESS_CODES: Final = frozenset({"1000", "7000", "7002", "8000", "9000"})
ORDER_NOT_FOUND: Final = "42"
# Codes about the request, not the payment: retrying later may help (maintenance, a
# concurrent request for the same order, an unknown error) ...
_TRANSIENT_CODES: Final = frozenset({"10", "40", "43", "99"})
# ... or will not (access denied, bad version, bad signature, bad format, bad data).
_REFUSED_CODES: Final = frozenset({"11", "12", "13", "20", "21", "22", "41", "45", "47", "98"})
_FREE_TEXT: Final = re.compile(r"[&=\x00-\x1f\x7f]+")
_SPACES: Final = re.compile(r"\s+")
_MAX_RESPONSE_BYTES: Final = 1 << 20


# --------------------------------------------------------------------------- primitives


def wire_text(value: object) -> str:
    """A JSON or query value as it appears in the signed raw string."""
    if value is None:
        return ""
    if isinstance(value, bool | float):
        # MoMo sends neither; refusing them keeps the signed text unambiguous.
        raise ValueError(f"unexpected JSON value {value!r}")
    if isinstance(value, int | str):
        return str(value)
    raise ValueError(f"unexpected JSON value of type {type(value).__name__}")


def raw_signature(values: Mapping[str, object], fields: Iterable[str]) -> str:
    """The text MoMo signs: ``key=value`` for each field in order, ``&``-joined, unencoded."""
    return "&".join(f"{name}={wire_text(values.get(name))}" for name in fields)


def sign(data: str, *, secret: str) -> str:
    """Lowercase hex HMAC-SHA256 of ``data`` (UTF-8) keyed with ``secret``."""
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_fields(
    values: Mapping[str, object], fields: Iterable[str], *, access_key: str, secret: str
) -> str:
    """The ``signature`` of ``values`` over ``fields`` (the access key is added, not sent)."""
    return sign(raw_signature({**values, "accessKey": access_key}, fields), secret=secret)


def signature_matches(*, expected: str, received: object) -> bool:
    """Constant-time comparison that tolerates upper-case hex and junk input."""
    if not isinstance(received, str):
        return False
    candidate = received.strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected.encode("ascii"), candidate)


def result_fields(values: Mapping[str, object], *, access_key: str, secret: str) -> dict[str, str]:
    """Verify an IPN body or redirect query; return its signed fields as text.

    Raises :class:`InvalidSignature` when the signature is missing, unreadable or wrong.
    """
    try:
        expected = sign_fields(values, RESULT_SIGNED, access_key=access_key, secret=secret)
    except ValueError as exc:
        raise InvalidSignature(f"MoMo result is not signable: {exc}") from exc
    if not values.get("signature"):
        raise InvalidSignature("signature is missing")
    if not signature_matches(expected=expected, received=values.get("signature")):
        raise InvalidSignature("signature does not match")
    return {name: wire_text(values.get(name)) for name in RESULT_SIGNED if name != "accessKey"}


def load_json_object(body: bytes) -> dict[str, Any]:
    """A JSON object from a body, or ValueError (deep nesting is refused before parsing)."""
    if nesting_depth(body) > MAX_JSON_DEPTH:
        raise ValueError("JSON nested too deeply")
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    return document


def event_status(result_code: str) -> EventStatus:
    """Map a payment's ``resultCode`` to the port's status."""
    if result_code == SUCCESS:
        return "paid"
    if result_code in CANCELLED_CODES:
        return "cancelled"
    if result_code in IN_PROGRESS_CODES:
        return "pending"
    return "failed"


def order_info_text(description: str, *, limit: int = 255) -> str:
    """``orderInfo``: the description on one line, without the raw string's separators."""
    text = _SPACES.sub(" ", _FREE_TEXT.sub(" ", description)).strip()[:limit].strip()
    if not text:
        raise ValueError("description has nothing printable left for orderInfo")
    return text


def _moment(value: str) -> datetime | None:
    """``responseTime``: milliseconds since the epoch."""
    if not value.isascii() or not value.isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _amount(value: str, *, what: str) -> Decimal:
    try:
        return from_minor_units(value, currency=CURRENCY_VND, multiplier=AMOUNT_MULTIPLIER)
    except (TypeError, ValueError) as exc:
        raise GatewayError(f"{what} has no usable amount: {exc}") from exc


# --------------------------------------------------------------------------- adapter


def _new_request_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True, kw_only=True)
class MoMoConfig:
    """Merchant settings, passed in by whoever builds the adapter (never imported)."""

    partner_code: str
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    endpoint: str
    """MoMo's API origin: ``https://test-payment.momo.vn`` or ``https://payment.momo.vn``."""
    pay_origin: str = ""
    """Where ``payUrl`` sends the buyer, when not on ``endpoint`` (for the pages' CSP)."""
    timeout: float = 30.0
    """MoMo asks for at least 30 seconds."""

    def __post_init__(self) -> None:
        if not self.partner_code or not self.access_key or not self.secret_key:
            raise ValueError("partner_code, access_key and secret_key are required")
        check_http_url("endpoint", self.endpoint)
        if self.pay_origin:
            check_http_url("pay_origin", self.pay_origin)
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")


class MoMoGateway(BaseGateway):
    """The MoMo wallet behind the payment port (:class:`payments.ports.Gateway`)."""

    name = "momo"
    capabilities = Capabilities(
        can_query=True, can_refund=True, partial_refund=True, signed_return=True
    )
    callback = CallbackRoute(path="momo/ipn", name="momo-ipn", http_method="POST", operation="ipn")

    def __init__(
        self, *, config: MoMoConfig, request_id: Callable[[], str] = _new_request_id
    ) -> None:
        self._config = config
        self._request_id = request_id  # query and refund: a new requestId each

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> MoMoGateway:
        """Build from a settings dict: the fields of :class:`MoMoConfig`."""
        return cls(config=MoMoConfig(**options))

    @staticmethod
    def browser_origins(options: Mapping[str, Any]) -> tuple[str, ...]:
        """Where the buyer's browser is sent: MoMo's pay page origin."""
        return origins_of(options.get("pay_origin") or options.get("endpoint", ""))

    def _sign(self, values: Mapping[str, object], fields: Iterable[str]) -> str:
        config = self._config
        return sign_fields(values, fields, access_key=config.access_key, secret=config.secret_key)

    # -- create ------------------------------------------------------------

    def create_payload(self, request: PaymentRequest) -> dict[str, Any]:
        """The signed JSON body of ``/v2/gateway/api/create`` for ``request``."""
        if request.currency != CURRENCY_VND:
            raise GatewayError(f"MoMo only takes VND, not {request.currency}")
        if not ORDER_ID_RE.fullmatch(request.reference):
            raise GatewayError(f"reference {request.reference!r} is not a valid MoMo orderId")
        amount = to_minor_units(
            request.amount, currency=request.currency, multiplier=AMOUNT_MULTIPLIER
        )
        if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            raise GatewayError(f"MoMo takes {MIN_AMOUNT} to {MAX_AMOUNT} đồng, not {amount}")
        payload: dict[str, Any] = {
            "partnerCode": self._config.partner_code,
            "requestId": request.reference,
            "amount": amount,
            "orderId": request.reference,
            "orderInfo": order_info_text(request.description),
            "redirectUrl": request.return_url,
            "ipnUrl": request.notify_url,
            "requestType": REQUEST_TYPE,
            "extraData": "",
            "lang": request.locale,
        }
        payload["signature"] = self._sign(payload, CREATE_SIGNED)
        return payload

    def start(self, request: PaymentRequest) -> NextAction:
        payload = self.create_payload(request)
        answer = self._post_json(CREATE_PATH, payload)
        code = self._check_answer(answer, operation="create", sent=payload)
        if code != SUCCESS:
            raise GatewayError(f"MoMo create refused with code {code}: {_message(answer)}")
        if wire_text(answer.get("amount")) not in ("", str(payload["amount"])):
            raise GatewayError("MoMo create answer is for another amount")
        pay_url = wire_text(answer.get("payUrl"))
        try:
            check_http_url("payUrl", pay_url)
        except ValueError as exc:
            raise GatewayError(f"MoMo create answer has no usable payUrl: {exc}") from exc
        # query needs nothing but the reference (MoMo's orderId): no gateway reference.
        return NextAction(kind="redirect", url=pay_url)

    # -- IPN and redirect --------------------------------------------------

    def parse_callback(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> GatewayEvent:
        """Verify and read the IPN (a JSON body) or the buyer's redirect (query parameters)."""
        values: Mapping[str, object] = params
        if body:
            try:
                values = load_json_object(body)
            except ValueError as exc:
                raise InvalidSignature(f"MoMo IPN body is unreadable: {exc}") from exc
        config = self._config
        fields = result_fields(values, access_key=config.access_key, secret=config.secret_key)
        if fields["partnerCode"] != config.partner_code:
            raise GatewayError("callback is for another partner code")
        if not fields["orderId"]:
            raise GatewayError("signed callback has no orderId")
        result_code = fields["resultCode"]
        return GatewayEvent(
            reference=fields["orderId"],
            status=event_status(result_code),
            amount=_amount(fields["amount"], what="signed callback"),
            currency=CURRENCY_VND,
            gateway_txn_id=fields["transId"] if fields["transId"] not in ("", "0") else "",
            response_code=result_code,
            occurred_at=_moment(fields["responseTime"]),
            raw={**fields, "signature": wire_text(values.get("signature"))},
        )

    @staticmethod
    def claimed_reference(params: Mapping[str, str]) -> str:
        return params.get("orderId", "")

    def idempotency_key(self, event: GatewayEvent) -> str:
        """MoMo posts an IPN again until it is answered 204: one payment's result (its
        ``orderId``, ``transId`` and ``resultCode``) is applied once."""
        return f"momo:{event.reference}:{event.gateway_txn_id}:{event.response_code}"

    def acknowledge(self, outcome: AckOutcome, *, count: int = 0) -> Acknowledgement:
        """MoMo wants HTTP 204 and no body, within 15 seconds; anything else and it posts
        the IPN again. A forged one gets 400; our own failure 500, so that MoMo retries."""
        if outcome == "invalid_signature":
            return Acknowledgement(status=400, body=b"", content_type="text/plain")
        if outcome == "error":
            return Acknowledgement(status=500, body=b"", content_type="text/plain")
        return Acknowledgement(status=204, body=b"", content_type="text/plain")

    # -- query -------------------------------------------------------------

    def query(self, *, reference: str, gateway_reference: str = "") -> GatewayEvent:
        """Ask MoMo what became of the payment ``reference`` (its ``orderId``).

        The event's ``response_code`` is the payment's ``resultCode``; 42 (MoMo has no
        such order) reads as still pending.
        """
        payload: dict[str, Any] = {
            "partnerCode": self._config.partner_code,
            "requestId": self._request_id(),
            "orderId": reference,
            "lang": "vi",
        }
        payload["signature"] = self._sign(payload, QUERY_SIGNED)
        answer = self._post_json(QUERY_PATH, payload)
        code = self._check_answer(answer, operation="query", sent=payload)
        raw = _raw(answer)
        if code == ORDER_NOT_FOUND:
            return GatewayEvent(
                reference=reference,
                status="pending",
                amount=Decimal(0),
                currency=CURRENCY_VND,
                gateway_txn_id="",
                response_code=code,
                raw=raw,
            )
        trans_id = raw.get("transId", "")
        return GatewayEvent(
            reference=reference,
            status=event_status(code),
            amount=_amount(raw.get("amount", ""), what="query answer"),
            currency=CURRENCY_VND,
            gateway_txn_id=trans_id if trans_id != "0" else "",
            response_code=code,
            occurred_at=_moment(raw.get("responseTime", "")),
            raw=raw,
        )

    # -- refund ------------------------------------------------------------

    def refund(self, request: RefundRequest) -> RefundResult:
        """Ask MoMo to give back all or part of a paid payment (by its ``transId``)."""
        if request.currency != CURRENCY_VND:
            raise GatewayError(f"MoMo only refunds VND, not {request.currency}")
        trans_id = request.gateway_txn_id
        if not trans_id.isascii() or not trans_id.isdigit():
            raise GatewayError("a MoMo refund needs the payment's transId")
        amount = to_minor_units(
            request.amount, currency=request.currency, multiplier=AMOUNT_MULTIPLIER
        )
        request_id = self._request_id()
        payload: dict[str, Any] = {
            "partnerCode": self._config.partner_code,
            # A refund is a new MoMo order of its own, traced back to the payment.
            "orderId": f"{request.reference}-R{request_id[:12]}",
            "requestId": request_id,
            "amount": amount,
            "transId": int(trans_id),
            "lang": "vi",
            "description": order_info_text(request.reason or f"Hoàn tiền {request.reference}"),
        }
        payload["signature"] = self._sign(payload, REFUND_SIGNED)
        answer = self._post_json(REFUND_PATH, payload)
        code = self._check_answer(answer, operation="refund", sent=payload)
        raw = _raw(answer)
        if code in IN_PROGRESS_CODES:
            # MoMo has it but has not decided: the refund stays pending for an operator.
            raise GatewayUnavailable(f"MoMo refund still processing (code {code})")
        if code == SUCCESS and raw.get("amount") not in (None, "", str(amount)):
            raise GatewayError("refund answer is for another amount")
        return RefundResult(
            reference=request.reference,
            status="accepted" if code == SUCCESS else "rejected",
            amount=request.amount,
            currency=CURRENCY_VND,
            gateway_txn_id=raw.get("transId", "") if code == SUCCESS else "",
            response_code=code,
            message=raw.get("message", ""),
            raw=raw,
        )

    # -- HTTP edge ---------------------------------------------------------

    def _check_answer(
        self, answer: Mapping[str, Any], *, operation: str, sent: Mapping[str, Any]
    ) -> str:
        """Check an API answer echoes what we sent; return its ``resultCode`` or raise."""
        try:
            code = wire_text(answer.get("resultCode"))
        except ValueError as exc:
            raise GatewayError(f"MoMo {operation} answer has a bad resultCode") from exc
        if code in _TRANSIENT_CODES:
            raise GatewayUnavailable(f"MoMo {operation}: code {code}, retry later")
        if code in _REFUSED_CODES or not code:
            raise GatewayError(
                f"MoMo {operation} refused with code {code or '?'}: {_message(answer)}"
            )
        for name in ("partnerCode", "orderId", "requestId"):
            if answer.get(name) != sent[name]:
                raise GatewayError(f"MoMo {operation} answer is for another {name}")
        return code

    def _post_json(self, path: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        url = self._config.endpoint.rstrip("/") + path
        return post_json(url, payload, timeout=self._config.timeout, service="MoMo API")


def _message(answer: Mapping[str, Any]) -> str:
    message = answer.get("message")
    return message if isinstance(message, str) else ""


def _raw(answer: Mapping[str, Any]) -> dict[str, str]:
    """The answer's plain fields as text, for the payment log (lists and objects skipped)."""
    raw = {}
    for key, value in answer.items():
        try:
            raw[str(key)] = wire_text(value)
        except ValueError:
            continue
    return raw

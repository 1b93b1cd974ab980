"""VNPay payment gateway, API version 2.1.0, as VNPay publishes it.

* Pay: the buyer is redirected to ``pay_url`` with the ``vnp_*`` parameters sorted by key,
  each value encoded as :func:`urllib.parse.quote_plus` does, joined with ``&``; the
  lowercase hex HMAC-SHA512 of that exact string, keyed with the hash secret, is appended
  last as ``vnp_SecureHash``.
* Return URL and IPN: VNPay sends ``vnp_*`` parameters signed the same way. We re-hash
  every received ``vnp_`` parameter except ``vnp_SecureHash``/``vnp_SecureHashType`` and
  compare in constant time. Paid means ``vnp_ResponseCode`` and
  ``vnp_TransactionStatus`` are both ``00``; ``24`` means the buyer cancelled.
* ``querydr`` and ``refund``: JSON posted to ``api_url``; request and response are signed
  with HMAC-SHA512 over the ``|``-joined field values in VNPay's fixed order
  (:data:`QUERYDR_REQUEST_FIELDS`, :data:`REFUND_REQUEST_FIELDS`,
  :data:`QUERYDR_RESPONSE_FIELDS`, :data:`REFUND_RESPONSE_FIELDS`).

All dates on the wire are ``yyyyMMddHHmmss`` in GMT+7. Every HTTP or VNPay error leaves
this module as :class:`~payments.ports.GatewayError` or one of its subclasses.
The IPN view answers VNPay with one of the :class:`IpnAnswer` constants.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Final

from payments.gateways._text import fold_to_ascii
from payments.ports import (
    CURRENCY_VND,
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
    "IPN_ALREADY_CONFIRMED",
    "IPN_CONFIRM_SUCCESS",
    "IPN_INVALID_AMOUNT",
    "IPN_INVALID_SIGNATURE",
    "IPN_ORDER_NOT_FOUND",
    "IPN_UNKNOWN_ERROR",
    "QUERYDR_REQUEST_FIELDS",
    "QUERYDR_RESPONSE_FIELDS",
    "REFUND_REQUEST_FIELDS",
    "REFUND_RESPONSE_FIELDS",
    "VNPAY_TZ",
    "VNP_VERSION",
    "IpnAnswer",
    "VNPayConfig",
    "VNPayGateway",
    "canonical_query",
    "event_status",
    "format_vnp_datetime",
    "order_info_text",
    "parse_vnp_datetime",
    "pipe_data",
    "sign",
    "sign_params",
    "signature_matches",
    "verify_params",
]

VNP_VERSION: Final = "2.1.0"
VNPAY_TZ: Final = timezone(timedelta(hours=7), "GMT+7")
AMOUNT_MULTIPLIER: Final = 100
"""VNPay puts ``amount x 100`` on the wire although the đồng has no minor unit."""

SECURE_HASH: Final = "vnp_SecureHash"
SECURE_HASH_TYPE: Final = "vnp_SecureHashType"
_UNSIGNED_KEYS: Final = frozenset({SECURE_HASH, SECURE_HASH_TYPE})

RESPONSE_SUCCESS: Final = "00"
RESPONSE_CANCELLED: Final = "24"
TXN_STATUS_SUCCESS: Final = "00"
TXN_STATUS_PENDING: Final = "01"
TXN_STATUS_FAILED: Final = "02"
TXN_STATUS_SUSPECTED_FRAUD: Final = "07"
TXN_TYPE_PAYMENT: Final = "01"
TXN_TYPE_FULL_REFUND: Final = "02"
TXN_TYPE_PARTIAL_REFUND: Final = "03"

API_NOT_FOUND: Final = "91"
API_DUPLICATE_REQUEST: Final = "94"
API_REFUND_REFUSED: Final = "95"

QUERYDR_REQUEST_FIELDS: Final = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_REQUEST_FIELDS: Final = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS: Final = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_RESPONSE_FIELDS: Final = QUERYDR_RESPONSE_FIELDS[:13]

_DATE_FORMAT: Final = "%Y%m%d%H%M%S"
_DATE_RE: Final = re.compile(r"[0-9]{14}")
_TXN_REF_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,100}")
_ORDER_INFO_DROP: Final = re.compile(r"[^A-Za-z0-9 .,:_-]+")
_SPACES: Final = re.compile(r"\s+")
_MAX_RESPONSE_BYTES: Final = 1 << 20


# --------------------------------------------------------------------------- primitives


def format_vnp_datetime(moment: datetime) -> str:
    """``yyyyMMddHHmmss`` in GMT+7, VNPay's only date format."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("VNPay dates need a timezone-aware datetime")
    return moment.astimezone(VNPAY_TZ).strftime(_DATE_FORMAT)


def parse_vnp_datetime(text: str) -> datetime:
    """Read a ``yyyyMMddHHmmss`` GMT+7 value into an aware datetime (ValueError if bad)."""
    if not isinstance(text, str) or not _DATE_RE.fullmatch(text):
        raise ValueError(f"not a VNPay date: {text!r}")
    return datetime.strptime(text, _DATE_FORMAT).replace(tzinfo=VNPAY_TZ)


def canonical_query(params: Mapping[str, str]) -> str:
    """The string VNPay signs: keys sorted, values ``quote_plus``-encoded, ``&``-joined."""
    return "&".join(f"{key}={urllib.parse.quote_plus(str(params[key]))}" for key in sorted(params))


def sign(data: str, *, secret: str) -> str:
    """Lowercase hex HMAC-SHA512 of ``data`` (UTF-8) keyed with ``secret``."""
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def signature_matches(*, expected: str, received: object) -> bool:
    """Constant-time comparison that tolerates upper-case hex and junk input."""
    if not isinstance(received, str):
        return False
    candidate = received.strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected.encode("ascii"), candidate)


def _signed_subset(params: Mapping[str, str]) -> dict[str, str]:
    return {
        key: value
        for key, value in params.items()
        if key.startswith("vnp_") and key not in _UNSIGNED_KEYS
    }


def sign_params(params: Mapping[str, str], *, secret: str) -> dict[str, str]:
    """Return ``params`` plus ``vnp_SecureHash`` over every signed ``vnp_`` parameter."""
    signed = dict(params)
    signed[SECURE_HASH] = sign(canonical_query(_signed_subset(params)), secret=secret)
    return signed


def verify_params(params: Mapping[str, str], *, secret: str) -> dict[str, str]:
    """Check a return/IPN/pay query's signature; return its ``vnp_`` fields.

    Raises :class:`InvalidSignature` when the hash is missing or does not match.
    """
    if any(not isinstance(value, str) for value in params.values()):
        raise InvalidSignature("VNPay parameters must be plain strings")
    received = params.get(SECURE_HASH)
    if not received:
        raise InvalidSignature("vnp_SecureHash is missing")
    fields = _signed_subset(params)
    expected = sign(canonical_query(fields), secret=secret)
    if not signature_matches(expected=expected, received=received):
        raise InvalidSignature("vnp_SecureHash does not match")
    return fields


def _wire_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | float):
        # VNPay never sends either; refusing them keeps the hashed text unambiguous.
        raise ValueError(f"unexpected JSON value {value!r}")
    return str(value)


def pipe_data(payload: Mapping[str, Any], fields: Iterable[str]) -> str:
    """The ``|``-joined field values that querydr/refund sign (absent fields are empty)."""
    return "|".join(_wire_text(payload.get(name)) for name in fields)


def order_info_text(description: str, *, limit: int = 255) -> str:
    """``vnp_OrderInfo`` as VNPay wants it: unaccented, no special characters."""
    text = _ORDER_INFO_DROP.sub(" ", fold_to_ascii(description))
    text = _SPACES.sub(" ", text).strip()[:limit].strip()
    if not text:
        raise ValueError("description has nothing printable left for vnp_OrderInfo")
    return text


def event_status(*, response_code: str, transaction_status: str) -> EventStatus:
    """Map a return/IPN outcome to the port's status."""
    if response_code == RESPONSE_SUCCESS and transaction_status == TXN_STATUS_SUCCESS:
        return "paid"
    if response_code == RESPONSE_CANCELLED:
        return "cancelled"
    if transaction_status == TXN_STATUS_PENDING:
        return "pending"
    return "failed"


def _query_status(*, transaction_type: str, transaction_status: str) -> EventStatus:
    if transaction_type in (TXN_TYPE_FULL_REFUND, TXN_TYPE_PARTIAL_REFUND):
        # querydr reports the latest operation; a refund of it means it was paid.
        return "paid"
    if transaction_status == TXN_STATUS_SUCCESS:
        return "paid"
    if transaction_status in (TXN_STATUS_PENDING, TXN_STATUS_SUSPECTED_FRAUD):
        return "pending"
    return "failed"


# --------------------------------------------------------------------------- IPN answers


@dataclass(frozen=True, slots=True)
class IpnAnswer:
    """The JSON body VNPay expects back from the IPN URL."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}

    def as_json(self) -> bytes:
        return json.dumps(self.as_dict()).encode("utf-8")


IPN_CONFIRM_SUCCESS: Final = IpnAnswer("00", "Confirm Success")
IPN_ORDER_NOT_FOUND: Final = IpnAnswer("01", "Order not found")
IPN_ALREADY_CONFIRMED: Final = IpnAnswer("02", "Order already confirmed")
IPN_INVALID_AMOUNT: Final = IpnAnswer("04", "Invalid amount")
IPN_INVALID_SIGNATURE: Final = IpnAnswer("97", "Invalid signature")
IPN_UNKNOWN_ERROR: Final = IpnAnswer("99", "Unknown error")


# --------------------------------------------------------------------------- adapter


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _new_request_id() -> str:
    return uuid.uuid4().hex  # 32 alphanumerics: VNPay's maximum


def _check_http_url(name: str, url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an http(s) URL, got {url!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class VNPayConfig:
    """Merchant settings, passed in by whoever builds the adapter (never imported)."""

    tmn_code: str
    hash_secret: str = field(repr=False)
    pay_url: str
    api_url: str
    timeout: float = 10.0
    order_type: str = "other"
    server_ip: str = "127.0.0.1"

    def __post_init__(self) -> None:
        if not self.tmn_code or not self.hash_secret:
            raise ValueError("tmn_code and hash_secret are required")
        _check_http_url("pay_url", self.pay_url)
        _check_http_url("api_url", self.api_url)
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")


class VNPayGateway:
    """VNPay behind the payment port (:class:`payments.ports.Gateway`)."""

    name = "vnpay"

    def __init__(
        self,
        *,
        config: VNPayConfig,
        clock: Callable[[], datetime] = _utc_now,
        request_id: Callable[[], str] = _new_request_id,
    ) -> None:
        self._config = config
        self._clock = clock
        self._request_id = request_id

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> VNPayGateway:
        """Build from a settings dict: the fields of :class:`VNPayConfig`."""
        return cls(config=VNPayConfig(**options))

    @staticmethod
    def browser_origins(options: Mapping[str, Any]) -> tuple[str, ...]:
        """Where the buyer's browser is sent (our pages' form-action): the pay URL's origin."""
        return origins_of(options.get("pay_url", ""))

    # -- pay ---------------------------------------------------------------

    def pay_params(self, request: PaymentRequest) -> dict[str, str]:
        """The unsigned ``vnp_*`` parameters of the pay URL for ``request``."""
        if request.currency != CURRENCY_VND:
            raise GatewayError(f"VNPay only takes VND, not {request.currency}")
        if not _TXN_REF_RE.fullmatch(request.reference):
            raise GatewayError(f"reference {request.reference!r} is not a valid vnp_TxnRef")
        if not request.buyer_ip:
            raise GatewayError("VNPay needs the buyer's IP address")
        minor = to_minor_units(
            request.amount, currency=request.currency, multiplier=AMOUNT_MULTIPLIER
        )
        return {
            "vnp_Version": VNP_VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self._config.tmn_code,
            "vnp_Amount": str(minor),
            "vnp_CurrCode": CURRENCY_VND,
            "vnp_TxnRef": request.reference,
            "vnp_OrderInfo": order_info_text(request.description),
            "vnp_OrderType": self._config.order_type,
            "vnp_Locale": "vn" if request.locale == "vi" else "en",
            "vnp_ReturnUrl": request.return_url,
            "vnp_IpAddr": request.buyer_ip,
            "vnp_CreateDate": format_vnp_datetime(request.created_at),
            "vnp_ExpireDate": format_vnp_datetime(request.expires_at),
        }

    def pay_url(self, request: PaymentRequest) -> str:
        """The signed URL the buyer is redirected to."""
        query = canonical_query(self.pay_params(request))
        secure_hash = sign(query, secret=self._config.hash_secret)
        joiner = "&" if "?" in self._config.pay_url else "?"
        return f"{self._config.pay_url}{joiner}{query}&{SECURE_HASH}={secure_hash}"

    def start(self, request: PaymentRequest) -> NextAction:
        return NextAction(kind="redirect", url=self.pay_url(request))

    # -- return URL and IPN ------------------------------------------------

    def parse_callback(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> GatewayEvent:
        """Verify and read a return-URL or IPN query (VNPay sends both as GET)."""
        fields = verify_params(params, secret=self._config.hash_secret)
        if fields.get("vnp_TmnCode") != self._config.tmn_code:
            raise GatewayError("callback is for another merchant code")
        try:
            reference = fields["vnp_TxnRef"]
            amount = from_minor_units(
                fields["vnp_Amount"], currency=CURRENCY_VND, multiplier=AMOUNT_MULTIPLIER
            )
            response_code = fields["vnp_ResponseCode"]
        except (KeyError, ValueError) as exc:
            raise GatewayError(f"signed callback is incomplete: {exc}") from exc
        transaction_status = fields.get("vnp_TransactionStatus", "")
        return GatewayEvent(
            reference=reference,
            status=event_status(response_code=response_code, transaction_status=transaction_status),
            amount=amount,
            currency=CURRENCY_VND,
            gateway_txn_id=fields.get("vnp_TransactionNo", ""),
            response_code=response_code,
            occurred_at=_optional_date(fields.get("vnp_PayDate")),
            raw=dict(params),
        )

    # -- querydr -----------------------------------------------------------

    def query(self, *, reference: str, created_at: datetime, order_info: str = "") -> GatewayEvent:
        """Ask VNPay about ``reference``; ``created_at`` is the pay URL's ``vnp_CreateDate``.

        The event's ``response_code`` is VNPay's ``vnp_TransactionStatus`` for the
        payment (``00`` paid, ``01`` unfinished, ``02`` failed...), or ``91`` when VNPay
        has no such transaction, which reads as still pending.
        """
        payload: dict[str, Any] = {
            "vnp_RequestId": self._request_id(),
            "vnp_Version": VNP_VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self._config.tmn_code,
            "vnp_TxnRef": reference,
            "vnp_OrderInfo": order_info_text(order_info or f"Truy van giao dich {reference}"),
            "vnp_TransactionDate": format_vnp_datetime(created_at),
            "vnp_CreateDate": format_vnp_datetime(self._clock()),
            "vnp_IpAddr": self._config.server_ip,
        }
        payload[SECURE_HASH] = sign(
            pipe_data(payload, QUERYDR_REQUEST_FIELDS), secret=self._config.hash_secret
        )
        answer = self._post_json(payload)
        code = self._check_api_answer(
            answer, command="querydr", reference=reference, fields=QUERYDR_RESPONSE_FIELDS
        )
        raw = {key: _wire_text(value) for key, value in answer.items()}
        if code == API_NOT_FOUND:
            # VNPay has no such payment: the buyer never finished. Nothing happened yet.
            return GatewayEvent(
                reference=reference,
                status="pending",
                amount=Decimal(0),
                currency=CURRENCY_VND,
                gateway_txn_id="",
                response_code=code,
                raw=raw,
            )
        try:
            amount = from_minor_units(
                raw["vnp_Amount"], currency=CURRENCY_VND, multiplier=AMOUNT_MULTIPLIER
            )
        except (KeyError, ValueError) as exc:
            raise GatewayError(f"querydr answer has no usable amount: {exc}") from exc
        transaction_status = raw.get("vnp_TransactionStatus", "")
        return GatewayEvent(
            reference=reference,
            status=_query_status(
                transaction_type=raw.get("vnp_TransactionType", TXN_TYPE_PAYMENT),
                transaction_status=transaction_status,
            ),
            amount=amount,
            currency=CURRENCY_VND,
            gateway_txn_id=raw.get("vnp_TransactionNo", ""),
            response_code=transaction_status,
            occurred_at=_optional_date(raw.get("vnp_PayDate")),
            raw=raw,
        )

    # -- refund ------------------------------------------------------------

    def refund(self, request: RefundRequest) -> RefundResult:
        """Ask VNPay to refund (``02`` full, ``03`` partial) a paid transaction."""
        if request.currency != CURRENCY_VND:
            raise GatewayError(f"VNPay only refunds VND, not {request.currency}")
        minor = to_minor_units(
            request.amount, currency=request.currency, multiplier=AMOUNT_MULTIPLIER
        )
        refund_type = TXN_TYPE_FULL_REFUND if request.full else TXN_TYPE_PARTIAL_REFUND
        payload: dict[str, Any] = {
            "vnp_RequestId": self._request_id(),
            "vnp_Version": VNP_VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self._config.tmn_code,
            "vnp_TransactionType": refund_type,
            "vnp_TxnRef": request.reference,
            "vnp_Amount": minor,
            "vnp_OrderInfo": order_info_text(request.reason or f"Hoan tien {request.reference}"),
            "vnp_TransactionDate": format_vnp_datetime(request.payment_created_at),
            "vnp_CreateBy": request.requested_by,
            "vnp_CreateDate": format_vnp_datetime(self._clock()),
            "vnp_IpAddr": request.requester_ip,
        }
        if request.gateway_txn_id:
            payload["vnp_TransactionNo"] = request.gateway_txn_id
        payload[SECURE_HASH] = sign(
            pipe_data(payload, REFUND_REQUEST_FIELDS), secret=self._config.hash_secret
        )
        answer = self._post_json(payload)
        code = self._check_api_answer(
            answer, command="refund", reference=request.reference, fields=REFUND_RESPONSE_FIELDS
        )
        raw = {key: _wire_text(value) for key, value in answer.items()}
        if code == RESPONSE_SUCCESS and raw.get("vnp_Amount") not in (None, "", str(minor)):
            raise GatewayError("refund answer is for another amount")
        return RefundResult(
            reference=request.reference,
            # 94: VNPay already holds a refund request for this payment; a retry is fine.
            status="accepted" if code in (RESPONSE_SUCCESS, API_DUPLICATE_REQUEST) else "rejected",
            amount=request.amount,
            currency=CURRENCY_VND,
            gateway_txn_id=raw.get("vnp_TransactionNo", ""),
            response_code=code,
            message=raw.get("vnp_Message", ""),
            raw=raw,
        )

    # -- HTTP edge ---------------------------------------------------------

    def _check_api_answer(
        self,
        answer: Mapping[str, Any],
        *,
        command: str,
        reference: str,
        fields: tuple[str, ...],
    ) -> str:
        """Verify a querydr/refund answer; return its response code or raise."""
        code = _wire_text(answer.get("vnp_ResponseCode"))
        received = answer.get(SECURE_HASH)
        if received or code == RESPONSE_SUCCESS:
            try:
                data = pipe_data(answer, fields)
            except ValueError as exc:
                raise InvalidSignature(f"{command} answer is not signable: {exc}") from exc
            expected = sign(data, secret=self._config.hash_secret)
            if not signature_matches(expected=expected, received=received):
                raise InvalidSignature(f"{command} answer signature does not match")
        if code == RESPONSE_SUCCESS:
            if answer.get("vnp_TmnCode") != self._config.tmn_code:
                raise GatewayError(f"{command} answer is for another merchant code")
            if answer.get("vnp_TxnRef") != reference:
                raise GatewayError(f"{command} answer is for another transaction")
            if answer.get("vnp_Command") not in (None, "", command):
                raise GatewayError(f"{command} answer is for another command")
            return code
        if code == API_NOT_FOUND:
            return code
        if command == "refund" and code in (API_DUPLICATE_REQUEST, API_REFUND_REFUSED):
            # 94 on a refund: VNPay already holds a refund request for this payment.
            return code
        if code == API_DUPLICATE_REQUEST:
            raise GatewayUnavailable(f"VNPay {command}: duplicate request, retry later")
        message = _wire_text(answer.get("vnp_Message"))
        raise GatewayError(f"VNPay {command} refused with code {code or '?'}: {message}")

    def _post_json(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        http_request = urllib.request.Request(  # noqa: S310 - api_url is checked to be http(s)
            self._config.api_url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 - api_url is checked to be http(s)
                http_request, timeout=self._config.timeout
            ) as response:
                raw = response.read(_MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code >= 500 or exc.code in (408, 429):
                raise GatewayUnavailable(f"VNPay API answered HTTP {exc.code}") from exc
            raise GatewayError(f"VNPay API answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise GatewayUnavailable(f"VNPay API unreachable: {exc}") from exc
        if len(raw) > _MAX_RESPONSE_BYTES:
            raise GatewayError("VNPay API answer is too large")
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise GatewayError("VNPay API answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise GatewayError("VNPay API answer is not a JSON object")
        return answer


def _optional_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_vnp_datetime(text)
    except ValueError:
        return None

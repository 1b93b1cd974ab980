"""VNPay's wire protocol, API version 2.1.0, as VNPay publishes it: pure functions and data.

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

All dates on the wire are ``yyyyMMddHHmmss`` in GMT+7. The IPN is answered with one of the
:class:`IpnAnswer` constants. Both the adapter (:mod:`payments.gateways.vnpay`) and the
simulator (:mod:`payments.simulators.vnpay`) speak through these helpers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Final

from payments.gateways._wire import ascii_text
from payments.ports import EventStatus, InvalidSignature

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
TXN_REF_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,100}")
_ORDER_INFO_DROP: Final = re.compile(r"[^A-Za-z0-9 .,:_-]+")
_SPACES: Final = re.compile(r"\s+")
MAX_RESPONSE_BYTES: Final = 1 << 20


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


def wire_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | float):
        # VNPay never sends either; refusing them keeps the hashed text unambiguous.
        raise ValueError(f"unexpected JSON value {value!r}")
    return str(value)


def pipe_data(payload: Mapping[str, Any], fields: Iterable[str]) -> str:
    """The ``|``-joined field values that querydr/refund sign (absent fields are empty)."""
    return "|".join(wire_text(payload.get(name)) for name in fields)


def order_info_text(description: str, *, limit: int = 255) -> str:
    """``vnp_OrderInfo`` as VNPay wants it: unaccented, no special characters."""
    text = _ORDER_INFO_DROP.sub(" ", ascii_text(description))
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


def query_status(*, transaction_type: str, transaction_status: str) -> EventStatus:
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


def optional_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_vnp_datetime(text)
    except ValueError:
        return None

"""Bank-statement webhooks: the push feed of incoming transfers to the shop's account.

Vietnamese bank-feed services POST the account's new statement lines as JSON::

    {"transactions": [
        {"amount": 185000,                      # integer đồng; negative for a debit
         "description": "CHUYEN TIEN CP7K2M9Q",  # the buyer's transfer message
         "bank_reference": "FT26326123456789",  # the bank's id for the line
         "account_number": "1012345678",
         "time": "2026-11-22T12:03:00+07:00"}  # naive times are read as GMT+7
    ]}

Authentication: ``X-Timestamp`` is the sending time in Unix seconds and ``X-Signature``
the lowercase hex HMAC-SHA256, keyed with the shared secret, of
``<X-Timestamp> + "." + <raw body>``. The timestamp is inside the MAC, otherwise a
captured delivery could be replayed with a fresh timestamp; deliveries older or newer
than the tolerance are refused. Within the window, a replay carries the same
``bank_reference`` values, which the payment service records uniquely.

A VietQR code puts the payment reference in the transfer message, but buyers and banks
mangle it (case, spaces, prefixes); :func:`reference_in_description` and
:func:`candidate_references` find it anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Final

from payments.gateways._wire import MAX_JSON_DEPTH, compact_alnum, header, nesting_depth
from payments.ports import (
    CURRENCY_VND,
    Credit,
    GatewayError,
    GatewayEvent,
    InvalidSignature,
)
from payments.references import references_in

__all__ = [
    "DEFAULT_TOLERANCE",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "StatementLine",
    "StatementWebhook",
    "build_webhook",
    "candidate_references",
    "compute_signature",
    "find_reference",
    "parse_statement_body",
    "parse_webhook",
    "reference_in_description",
    "verify_webhook",
]

SIGNATURE_HEADER: Final = "X-Signature"
TIMESTAMP_HEADER: Final = "X-Timestamp"
DEFAULT_TOLERANCE: Final = timedelta(minutes=5)
_BANK_TZ: Final = timezone(timedelta(hours=7), "GMT+7")
_TIMESTAMP_RE: Final = re.compile(r"[0-9]{1,12}")
_HEX_RE: Final = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementLine:
    """One movement on the shop's bank account."""

    amount: Decimal
    description: str
    bank_reference: str
    account_number: str
    occurred_at: datetime
    currency: str = CURRENCY_VND

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or self.amount != self.amount.to_integral_value():
            raise ValueError("statement amounts are whole đồng Decimals")
        if not self.bank_reference:
            raise ValueError("a statement line needs the bank's reference")
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must be timezone-aware")

    @property
    def is_credit(self) -> bool:
        return self.amount > 0

    def as_credit(self) -> Credit:
        """The port's view of this line: money the shop matches itself."""
        if not self.is_credit:
            raise ValueError("only a credit can pay for an order")
        return Credit(
            amount=self.amount,
            currency=self.currency,
            transaction_id=self.bank_reference,
            description=self.description,
            account_number=self.account_number,
            occurred_at=self.occurred_at,
        )

    def to_event(self, *, reference: str) -> GatewayEvent:
        """The port's view of this credit as the payment of ``reference``."""
        return self.as_credit().to_event(reference=reference)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementWebhook:
    """A verified delivery: when it was sent and the lines it carries."""

    sent_at: datetime
    lines: tuple[StatementLine, ...]


# --------------------------------------------------------------------------- signing


def compute_signature(*, body: bytes, timestamp: int, secret: str) -> str:
    """Hex HMAC-SHA256 of ``b"<timestamp>." + body``."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_webhook(
    *,
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> datetime:
    """Check signature and freshness; return the sending time. Raises InvalidSignature."""
    raw_timestamp = header(headers, TIMESTAMP_HEADER)
    signature = header(headers, SIGNATURE_HEADER)
    if not raw_timestamp or not signature:
        raise InvalidSignature("signature or timestamp header missing")
    if not _TIMESTAMP_RE.fullmatch(raw_timestamp.strip()):
        raise InvalidSignature("malformed timestamp header")
    timestamp = int(raw_timestamp.strip())
    expected = compute_signature(body=body, timestamp=timestamp, secret=secret)
    received = signature.strip().lower()
    if not _HEX_RE.fullmatch(received) or not hmac.compare_digest(
        expected.encode("ascii"), received.encode("ascii")
    ):
        raise InvalidSignature("signature does not match")
    try:
        sent_at = datetime.fromtimestamp(timestamp, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise InvalidSignature("timestamp is out of range") from exc
    if abs(now - sent_at) > tolerance:
        raise InvalidSignature("delivery is outside the accepted time window")
    return sent_at


def parse_webhook(
    *,
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> StatementWebhook:
    """Verify a delivery, then read its lines (GatewayError if the signed body is bad)."""
    sent_at = verify_webhook(
        body=body, headers=headers, secret=secret, now=now, tolerance=tolerance
    )
    return StatementWebhook(sent_at=sent_at, lines=parse_statement_body(body))


def _line_from_json(item: Any) -> StatementLine:
    if not isinstance(item, dict):
        raise ValueError("a transaction must be an object")
    amount = item.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError("amount must be an integer number of đồng")
    texts = {}
    for name in ("description", "bank_reference", "account_number", "time"):
        value = item.get(name, "" if name == "description" else None)
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string")
        texts[name] = value
    occurred_at = datetime.fromisoformat(texts["time"])
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=_BANK_TZ)
    return StatementLine(
        amount=Decimal(amount),
        description=texts["description"],
        bank_reference=texts["bank_reference"],
        account_number=texts["account_number"],
        occurred_at=occurred_at,
    )


def parse_statement_body(body: bytes) -> tuple[StatementLine, ...]:
    """Read the JSON body into statement lines; GatewayError if it is malformed."""
    try:
        if nesting_depth(body) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        document = json.loads(body.decode("utf-8"))
        if not isinstance(document, dict) or not isinstance(document.get("transactions"), list):
            raise ValueError("expected an object with a transactions list")
        return tuple(_line_from_json(item) for item in document["transactions"])
    except (ValueError, OverflowError, RecursionError) as exc:
        raise GatewayError(f"malformed bank statement webhook: {exc}") from exc


def build_webhook(
    *, lines: Iterable[StatementLine], secret: str, sent_at: datetime
) -> tuple[bytes, dict[str, str]]:
    """A signed delivery (body and headers), as a bank feed would send it."""
    document = {
        "transactions": [
            {
                "amount": int(line.amount),
                "description": line.description,
                "bank_reference": line.bank_reference,
                "account_number": line.account_number,
                "time": line.occurred_at.isoformat(),
            }
            for line in lines
        ]
    }
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    timestamp = int(sent_at.timestamp())
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: compute_signature(body=body, timestamp=timestamp, secret=secret),
    }
    return body, headers


# --------------------------------------------------------------------------- matching


def reference_in_description(reference: str, description: str) -> bool:
    """Whether ``reference`` appears in a transfer message, ignoring case, accents,
    spaces and punctuation (``CP7K2M9Q`` is found in ``"chuyen tien cp 7k2m9q"``)."""
    wanted = compact_alnum(reference)
    return bool(wanted) and wanted in compact_alnum(description)


def find_reference(description: str, *, candidates: Iterable[str]) -> str | None:
    """The one candidate reference found in ``description``; None if none or several."""
    matches = {ref for ref in candidates if reference_in_description(ref, description)}
    return matches.pop() if len(matches) == 1 else None


def candidate_references(description: str, *, prefix: str, length: int) -> list[str]:
    """Every ``length``-character run starting with ``prefix`` in the compacted message
    (:func:`payments.references.references_in`, with the prefix and length given).

    Use it to look pending payments up by reference; then confirm with
    :func:`find_reference` among what the lookup returned.
    """
    return references_in(description, prefix=prefix, length=length)

"""The gateway call log: every call to or from a gateway is a `GatewayCall` row."""

from datetime import datetime
from decimal import Decimal

from payments.models import GatewayCall, PaymentAttempt
from shop.db.rows import rows_insert


def call_log(
    *,
    gateway: str,
    direction: str,
    operation: str,
    attempt: PaymentAttempt | None = None,
    reference: str = "",
    request: dict | None = None,
    response: dict | None = None,
    signature_valid: bool | None = None,
    outcome: str = "",
    remote_addr: str | None = None,
) -> GatewayCall:
    call = GatewayCall(
        gateway=gateway,
        direction=direction,
        operation=operation,
        attempt=attempt,
        reference=clean_text(reference or (attempt.reference if attempt else ""))[:64],
        request=_jsonable(request or {}),
        response=_jsonable(response or {}),
        signature_valid=signature_valid,
        outcome=clean_text(outcome)[:255],
        remote_addr=remote_addr or None,
    )
    rows_insert(call)  # one per callback and per request to a gateway: the hot path's INSERT
    return call


def _jsonable(value):
    if isinstance(value, dict):
        return {clean_text(str(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal | datetime):
        return str(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return clean_text(value)[:10_000]
    return value


def clean_text(value: str) -> str:
    """Text as PostgreSQL can store it: NUL, which it refuses, becomes U+FFFD."""
    return value.replace("\x00", "\ufffd")

"""Stripe's wire format as the local stub speaks it: form bodies, signed webhooks, Stripe-shaped
errors, parameter checks and the HTTP handler. No Django, no ``stripe`` library.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, Final

__all__ = [
    "MAX_AMOUNT",
    "STUB_API_VERSION",
    "Answer",
    "ApiError",
    "FormError",
    "RecordedRequest",
    "build_webhook",
    "decode_form",
    "error_answer",
    "handler_for",
    "integer",
    "line_items_total",
    "mask",
    "metadata_param",
    "new_id",
    "required",
    "signature_header",
    "string",
    "url_param",
]

STUB_API_VERSION: Final = "2026-10-28.endive"
MAX_AMOUNT: Final = 99_999_999
"""Stripe takes amounts of up to eight digits."""
_KEY_RE: Final = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_BRACKET_RE: Final = re.compile(r"\[([^\[\]]*)\]")
_CURRENCY_RE: Final = re.compile(r"[a-z]{3}")
_DIGITS_RE: Final = re.compile(r"[0-9]{1,15}")


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
        "id": event_id or new_id("evt_test_"),
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


def new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


class ApiError(Exception):
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
class Answer:
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


# --------------------------------------------------------------------------- validation


def error_answer(error: ApiError) -> Answer:
    return Answer(error.status, error.body)


def mask(token: str) -> str:
    prefix = "_".join(token.split("_")[:2]) if token.count("_") >= 2 else ""
    return f"{prefix}_{'*' * 4}{token[-4:]}" if prefix else f"{'*' * 4}{token[-4:]}"


def required(form: Mapping[str, Any], name: str) -> Any:
    if name not in form or form[name] == "":
        raise ApiError(
            400, f"Missing required param: {name}.", code="parameter_missing", param=name
        )
    return form[name]


def string(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ApiError(400, f"Invalid string: {name}", param=name)
    return value


def integer(value: Any, name: str) -> int:
    if not isinstance(value, str) or not _DIGITS_RE.fullmatch(value):
        raise ApiError(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=name
        )
    return int(value)


def url_param(value: Any, name: str) -> str:
    parts = urllib.parse.urlsplit(string(value, name))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(400, "Not a valid URL", code="url_invalid", param=name)
    return value


def metadata_param(value: Any, name: str) -> dict[str, str]:
    if value == "":
        return {}
    if not isinstance(value, dict) or len(value) > 50:
        raise ApiError(400, "Invalid metadata: at most 50 string keys.", param=name)
    for key, item in value.items():
        if not isinstance(item, str) or len(key) > 40 or len(item) > 500:
            raise ApiError(
                400, "Metadata keys take up to 40 and values up to 500 characters.", param=name
            )
    return dict(value)


def line_items_total(items: Any) -> tuple[str, int]:
    if not isinstance(items, list) or not items:
        raise ApiError(
            400,
            "Missing required param: line_items.",
            code="parameter_missing",
            param="line_items",
        )
    if len(items) > 100:
        raise ApiError(400, "At most 100 line items.", param="line_items")
    currencies: set[str] = set()
    total = 0
    for index, item in enumerate(items):
        where = f"line_items[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("price_data"), dict):
            raise ApiError(400, "The stub only takes price_data line items.", param=where)
        price = item["price_data"]
        currency = price.get("currency")
        if not isinstance(currency, str) or not _CURRENCY_RE.fullmatch(currency):
            raise ApiError(400, f"Invalid currency: {currency}", param=f"{where}[price_data]")
        product = price.get("product_data")
        if not isinstance(product, dict) or not product.get("name"):
            raise ApiError(
                400,
                "Missing required param: product_data[name].",
                code="parameter_missing",
                param=f"{where}[price_data][product_data][name]",
            )
        unit_amount = integer(price.get("unit_amount"), f"{where}[price_data][unit_amount]")
        quantity = integer(item.get("quantity"), f"{where}[quantity]")
        if quantity < 1:
            raise ApiError(400, "quantity must be at least 1", param=f"{where}[quantity]")
        currencies.add(currency)
        total += unit_amount * quantity
    if len(currencies) != 1:
        raise ApiError(400, "All line items must share one currency.", param="line_items")
    if total > MAX_AMOUNT:
        raise ApiError(
            400,
            "Amount must be no more than 99,999,999.",
            code="amount_too_large",
            param="line_items",
        )
    return currencies.pop(), total


# --------------------------------------------------------------------------- HTTP


def handler_for(
    handle: Callable[..., tuple[int, bytes, list[tuple[str, str]]]],
) -> type[BaseHTTPRequestHandler]:
    """An HTTP handler class that hands every request to ``handle`` (the stub's)."""

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
            status, data, headers = handle(
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

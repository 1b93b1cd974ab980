"""Wire helpers every adapter shares: URLs, headers, clocks, ASCII text, JSON bodies and JSON
over HTTP.

Pure standard library: no Django, no Oscar. Every HTTP failure leaves
:func:`post_json` as the port's :class:`~payments.ports.GatewayUnavailable` (transient: the
network, timeouts, HTTP 408/429/5xx) or :class:`~payments.ports.GatewayError` (the rest).
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from payments.ports import GatewayError, GatewayUnavailable
from shop.text import strip_marks

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_RESPONSE_BYTES",
    "ascii_text",
    "check_http_url",
    "compact_alnum",
    "header",
    "nesting_depth",
    "post_json",
    "utc_now",
]

MAX_JSON_DEPTH: Final = 16
MAX_RESPONSE_BYTES: Final = 1 << 20
_NOT_ALNUM: Final = re.compile(r"[^A-Za-z0-9]+")


def ascii_text(text: str) -> str:
    """Vietnamese as gateways and transfer messages carry it: unaccented ASCII ("tiếng Việt
    không dấu"); any other non-ASCII character is dropped.

    >>> ascii_text("Đặc sản Hà Giang")
    'Dac san Ha Giang'
    """
    return strip_marks(text).encode("ascii", "ignore").decode("ascii")


def compact_alnum(text: str) -> str:
    """ASCII, upper-case, letters and digits only: how a reference is compared with what a
    buyer typed, which banking apps change in case and spacing.

    >>> compact_alnum("chuyen tien cp 7k2m9q!")
    'CHUYENTIENCP7K2M9Q'
    """
    return _NOT_ALNUM.sub("", ascii_text(text)).upper()


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_http_url(name: str, url: str) -> None:
    """ValueError unless ``url`` is an absolute http(s) URL (a setting checked up front)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an http(s) URL, got {url!r}")


def header(headers: Mapping[Any, Any], name: str) -> Any:
    """A header's value whatever the case of its name; None when absent."""
    wanted = name.lower()
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == wanted:
            return value
    return None


def nesting_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in `body`, found without parsing it.

    The C JSON decoder recurses once per level and trusts the interpreter's recursion limit,
    which some libraries raise far above what the C stack holds; a hostile body of nested
    brackets must be refused before it reaches the decoder.
    """
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def post_json(url: str, payload: Mapping[str, Any], *, timeout: float, service: str) -> dict:
    """POST ``payload`` as JSON to ``url`` and return the JSON object answered.

    ``service`` names the other side in error messages ("VNPay API"). ``url`` must have been
    checked with :func:`check_http_url` when the adapter was configured.
    """
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    http_request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http(s)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 - the URL is checked to be http(s)
            http_request, timeout=timeout
        ) as response:
            raw = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code >= 500 or exc.code in (408, 429):
            raise GatewayUnavailable(f"{service} answered HTTP {exc.code}") from exc
        raise GatewayError(f"{service} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise GatewayUnavailable(f"{service} unreachable: {exc}") from exc
    if len(raw) > MAX_RESPONSE_BYTES:
        raise GatewayError(f"{service} answer is too large")
    try:
        if nesting_depth(raw) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise GatewayError(f"{service} answer is not JSON") from exc
    if not isinstance(answer, dict):
        raise GatewayError(f"{service} answer is not a JSON object")
    return answer

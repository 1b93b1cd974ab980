"""Wire helpers every adapter shares: URLs, headers, clocks, ASCII text, JSON bodies and JSON
over HTTP.

Pure standard library: no Django, no Oscar. Every HTTP failure leaves
:func:`post_json` as the port's :class:`~payments.ports.GatewayUnavailable` (transient: the
network, timeouts, HTTP 408/429/5xx) or :class:`~payments.ports.GatewayError` (the rest).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from payments.ports import GatewayError, GatewayUnavailable
from shop.httpjson import MAX_JSON_DEPTH, MAX_RESPONSE_BYTES, nesting_depth, request_json
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


def post_json(url: str, payload: Mapping[str, Any], *, timeout: float, service: str) -> dict:
    """POST ``payload`` as JSON to ``url`` and return the JSON object answered.

    ``service`` names the other side in error messages ("VNPay API"). ``url`` must have been
    checked with :func:`check_http_url` when the adapter was configured.
    """
    return request_json(
        url,
        method="POST",
        payload=payload,
        timeout=timeout,
        service=service,
        unavailable=GatewayUnavailable,
        refused=GatewayError,
    )

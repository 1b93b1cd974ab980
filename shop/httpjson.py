"""JSON over HTTP for the site's outside services (payment gateways, carriers): one request,
one JSON object back, every failure turned into the caller's two exceptions: ``unavailable``
(transient: the network, timeouts, HTTP 408/429/5xx; retry later) or ``refused`` (the rest).

Pure standard library: no Django.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["MAX_JSON_DEPTH", "MAX_RESPONSE_BYTES", "nesting_depth", "parse_json", "request_json"]

MAX_JSON_DEPTH: Final = 16
MAX_RESPONSE_BYTES: Final = 1 << 20


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


def parse_json(raw: bytes) -> Any:
    """``raw`` decoded as JSON; ValueError when it is not JSON or nests too deeply."""
    if nesting_depth(raw) > MAX_JSON_DEPTH:
        raise ValueError("JSON nested too deeply")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ValueError("not JSON") from exc


def request_json(
    url: str,
    *,
    method: str = "POST",
    payload: Mapping[str, Any] | None = None,
    form: Mapping[str, str] | None = None,
    query: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float,
    service: str,
    unavailable: type[Exception],
    refused: type[Exception],
    error_answers: bool = False,
) -> dict:
    """Send ``payload`` (JSON, when given) to ``url`` and return the JSON object answered.

    ``form``, instead of ``payload``, is sent form-encoded (OAuth token endpoints take that).
    ``service`` names the other side in error messages ("VNPay API"). ``url`` must be an
    absolute http(s) URL checked when the adapter was configured. With ``error_answers``, a
    4xx answer (other than 408/429) whose body is a JSON object is returned like a success,
    for services that explain a refusal in the body of an HTTP error (GHN answers 400 with
    its ``{code, message}`` envelope, GHTK 401 or 422 with ``{success: false, message}``);
    the caller reads the refusal from it.
    """
    if query:
        url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(query)}"
    sent = {"Accept": "application/json", **(headers or {})}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode("ascii")
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    elif payload is not None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        sent["Content-Type"] = "application/json"
    http_request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http(s)
        url, data=body, method=method, headers=sent
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 - the URL is checked to be http(s)
            http_request, timeout=timeout
        ) as response:
            raw = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        transient = exc.code >= 500 or exc.code in (408, 429)
        explained = _error_answer(exc) if error_answers and not transient else None
        exc.close()
        if explained is not None:
            return explained
        if transient:
            raise unavailable(f"{service} answered HTTP {exc.code}") from exc
        raise refused(f"{service} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise unavailable(f"{service} unreachable: {exc}") from exc
    if len(raw) > MAX_RESPONSE_BYTES:
        raise refused(f"{service} answer is too large")
    try:
        answer = parse_json(raw)
    except ValueError as exc:
        raise refused(f"{service} answer is not JSON") from exc
    if not isinstance(answer, dict):
        raise refused(f"{service} answer is not a JSON object")
    return answer


def _error_answer(exc: urllib.error.HTTPError) -> dict | None:
    """The JSON object in an HTTP error's body, or None when it holds none."""
    try:
        raw = exc.read(MAX_RESPONSE_BYTES + 1)
    except (OSError, http.client.HTTPException):
        return None
    if len(raw) > MAX_RESPONSE_BYTES:
        return None
    try:
        answer = parse_json(raw)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None

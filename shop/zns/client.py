"""Zalo's notification service (ZNS) behind the port: ``POST {api_url}/message/template``.

Zalo's protocol, as this adapter speaks it:

- The request carries the Official Account's access token in the ``access_token`` header and
  a JSON body ``{phone, template_id, template_data, tracking_id}``; ``phone`` is "84…".
- Every answer is HTTP 200 with ``{error, message, data}``: ``error`` 0 is sent, and ``data``
  has ``msg_id``, ``sent_time`` (milliseconds since the epoch) and ``quota``
  (``dailyQuota``, ``remainingQuota``). Anything else is a refusal, by code (Zalo's table of
  ZNS error codes): -124 the access token is invalid or expired; -108 the phone number is
  invalid, -118 no Zalo account has it, -119 the account cannot receive ZNS, -114 the person
  is inactive, refuses the message or has an old Zalo, -110 their Zalo is too old, -139 they
  refused the OA's messages: undeliverable; -115 no quota or balance left, -144 the OA's
  daily quota is used up; -100 unknown error: transient. Other codes (an invalid template,
  data, application) are refusals an operator must look at.
- Access tokens expire (Zalo gives ``expires_in`` seconds, 25 hours today). A new one comes
  from ``POST {oauth_url}`` (``https://oauth.zaloapp.com/v4/oa/access_token``), form-encoded
  ``refresh_token``, ``app_id``, ``grant_type=refresh_token`` with the application's secret
  in the ``secret_key`` header; the answer is ``{access_token, refresh_token, expires_in}``
  or ``{error, error_name, error_description}``. The refresh token works once: the new pair
  is saved in the token store before anything else.

On -124 the adapter refreshes once and sends again; a second -124 is ZnsAuthError. Network
errors, timeouts and HTTP errors become ZnsUnavailable or ZnsError at this edge
(``shop.httpjson``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from shop.httpjson import request_json
from shop.zns.ports import (
    Sent,
    TemplateMessage,
    Tokens,
    TokenStore,
    ZnsAuthError,
    ZnsError,
    ZnsQuotaExceeded,
    ZnsUnavailable,
    ZnsUndeliverable,
)

__all__ = ["ZaloZnsClient"]

TOKEN_INVALID = -124
UNDELIVERABLE = frozenset({-108, -110, -114, -118, -119, -139})
QUOTA = frozenset({-115, -144})
TRANSIENT = frozenset({-100})
# A token is refreshed this long before Zalo says it expires.
EXPIRY_MARGIN = timedelta(minutes=5)


class ZaloZnsClient:
    """``ZaloZnsClient(options=, tokens=)``; options: ``app_id``, ``secret_key``,
    ``refresh_token`` (the first one, from Zalo's console: later ones are in the store),
    ``api_url``, ``oauth_url``, ``timeout`` (seconds)."""

    def __init__(
        self,
        *,
        options: Mapping[str, Any],
        tokens: TokenStore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.app_id = str(options.get("app_id", ""))
        self.secret_key = str(options.get("secret_key", ""))
        self.first_refresh_token = str(options.get("refresh_token", ""))
        self.api_url = str(options.get("api_url", "")).rstrip("/")
        self.oauth_url = str(options.get("oauth_url", ""))
        self.timeout = float(options.get("timeout", 5.0))
        for url in (self.api_url, self.oauth_url):
            if not url.startswith(("https://", "http://")):
                raise ZnsError(f"ZNS is misconfigured: {url!r} is not an http(s) URL")
        self.tokens = tokens
        self.clock = clock

    def send(self, message: TemplateMessage) -> Sent:
        tokens = self._usable_tokens()
        answer = self._post(tokens.access_token, message)
        if _code(answer) == TOKEN_INVALID:
            tokens = self.refresh(stale=tokens)
            answer = self._post(tokens.access_token, message)
            if _code(answer) == TOKEN_INVALID:
                raise ZnsAuthError("Zalo refused a fresh access token", code=TOKEN_INVALID)
        return self._read(answer)

    def refresh(self, *, stale: Tokens | None = None) -> Tokens:
        """A new access token from the refresh token, saved. When another worker refreshed
        since ``stale`` was read, its tokens are used instead (a refresh token works once)."""
        latest = self.tokens.current()
        moved_on = latest is not None and stale is not None and latest != stale
        if moved_on and latest.access_token and not self._expired(latest):
            return latest
        refresh_token = (latest.refresh_token if latest else "") or self.first_refresh_token
        answer = request_json(
            self.oauth_url,
            form={
                "refresh_token": refresh_token,
                "app_id": self.app_id,
                "grant_type": "refresh_token",
            },
            headers={"secret_key": self.secret_key},
            timeout=self.timeout,
            service="Zalo OAuth",
            unavailable=ZnsUnavailable,
            refused=ZnsAuthError,
            error_answers=True,
        )
        access_token = answer.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            reason = answer.get("error_description") or answer.get("error_name") or "no token"
            raise ZnsAuthError(f"Zalo refused the refresh token: {reason}", code=_code(answer))
        try:
            expires_in = int(answer.get("expires_in") or 0)
        except (TypeError, ValueError):
            expires_in = 0
        tokens = Tokens(
            access_token=access_token,
            refresh_token=str(answer.get("refresh_token") or refresh_token),
            expires_at=self.clock() + timedelta(seconds=expires_in) if expires_in else None,
        )
        self.tokens.save(tokens)
        return tokens

    def _usable_tokens(self) -> Tokens:
        tokens = self.tokens.current()
        if tokens is None or not tokens.access_token or self._expired(tokens):
            return self.refresh(stale=tokens)
        return tokens

    def _expired(self, tokens: Tokens) -> bool:
        return tokens.expires_at is not None and tokens.expires_at - EXPIRY_MARGIN <= self.clock()

    def _post(self, access_token: str, message: TemplateMessage) -> dict:
        return request_json(
            f"{self.api_url}/message/template",
            payload={
                "phone": message.phone,
                "template_id": message.template_id,
                "template_data": dict(message.data),
                "tracking_id": message.tracking_id,
            },
            headers={"access_token": access_token},
            timeout=self.timeout,
            service="Zalo ZNS",
            unavailable=ZnsUnavailable,
            refused=ZnsError,
            error_answers=True,
        )

    def _read(self, answer: dict) -> Sent:
        code = _code(answer)
        reason = str(answer.get("message") or "")[:200]
        if code is None:
            raise ZnsError("Zalo ZNS answered without an error code")
        if code != 0:
            if code in UNDELIVERABLE:
                raise ZnsUndeliverable(reason or "undeliverable", code=code)
            if code in QUOTA:
                raise ZnsQuotaExceeded(reason or "out of quota", code=code)
            if code in TRANSIENT:
                raise ZnsUnavailable(reason or "unknown error", code=code)
            raise ZnsError(reason or f"refused ({code})", code=code)
        data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
        msg_id = data.get("msg_id")
        if not msg_id:
            raise ZnsError("Zalo ZNS answered success without a message id", code=0)
        quota = data.get("quota") if isinstance(data.get("quota"), dict) else {}
        return Sent(
            msg_id=str(msg_id),
            sent_at=_from_millis(data.get("sent_time")),
            remaining_quota=_int(quota.get("remainingQuota")),
        )


def _code(answer: Mapping[str, Any]) -> int | None:
    return _int(answer.get("error"))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _from_millis(value: Any) -> datetime | None:
    millis = _int(value)
    return datetime.fromtimestamp(millis / 1000, UTC) if millis else None

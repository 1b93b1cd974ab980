"""The ZNS port: what the site asks of Zalo's notification service, in plain data.

One call: send a template message (a template Zalo approved, its parameters, a phone number)
and get Zalo's message id back. Every failure is one of the exceptions below, raised at the
adapter's edge: the caller decides what to do (``shop.notifications.message_send`` sends the
e-mail instead). No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = [
    "Sent",
    "TemplateMessage",
    "TokenStore",
    "Tokens",
    "ZnsAuthError",
    "ZnsError",
    "ZnsQuotaExceeded",
    "ZnsUnavailable",
    "ZnsUndeliverable",
    "zalo_phone",
]


class ZnsError(Exception):
    """Zalo refused or garbled the message. ``code`` is Zalo's error code, when it gave one;
    the message is its reason (for operators, never shown to buyers)."""

    def __init__(self, reason: str, *, code: int | None = None):
        super().__init__(reason)
        self.code = code


class ZnsUnavailable(ZnsError):
    """Zalo could not be reached, timed out or answered with a transient error."""


class ZnsUndeliverable(ZnsError):
    """This person cannot get a ZNS message: the number is not on Zalo, is not valid, or its
    owner refuses messages from businesses."""


class ZnsQuotaExceeded(ZnsError):
    """The Official Account has no quota (or balance) left for today."""


class ZnsAuthError(ZnsError):
    """Our application or its tokens were refused (a refresh token that no longer works, a
    wrong secret key): an operator must act."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateMessage:
    phone: str  # Zalo's form: "84912345678"
    template_id: str
    data: Mapping[str, str | int]  # the template's parameters
    tracking_id: str  # ours, echoed in Zalo's reports


@dataclass(frozen=True, slots=True, kw_only=True)
class Sent:
    msg_id: str
    sent_at: datetime | None
    remaining_quota: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tokens:
    """The Official Account's tokens. Zalo's refresh token works once: every refresh gives a
    new pair, which must be kept."""

    access_token: str
    refresh_token: str
    expires_at: datetime | None = None


class TokenStore(Protocol):
    def current(self) -> Tokens | None: ...

    def save(self, tokens: Tokens) -> None: ...


def zalo_phone(e164: str) -> str:
    """A Vietnamese number as Zalo takes it: "+84912345678" → "84912345678"."""
    digits = "".join(ch for ch in e164 if ch.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits

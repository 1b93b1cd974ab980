"""Zalo's notification service on this machine (no Django): the two endpoints the adapter
uses, with Zalo's fields, answers and error codes, and access tokens that expire.

``POST /message/template`` (header ``access_token``; JSON ``phone``, ``template_id``,
``template_data``, ``tracking_id``) and ``POST /v4/oa/access_token`` (form ``refresh_token``,
``app_id``, ``grant_type``; header ``secret_key``). Every answer is HTTP 200 with Zalo's
envelope. A refresh token works once and is replaced, as at Zalo. It is served on its own
port (``server.py``): Zalo's headers have underscores, which Django's development server
drops.

Who is on Zalo: every valid Vietnamese number, except those in ``not_on_zalo`` (error -118)
or ``refusing`` (-139), and, so a person can try it from the shop's pages, numbers ending in
``404`` (not on Zalo) or ``403`` (refuses the OA's messages). ``quota`` messages a day
(-115 when used up). Sent messages are kept in ``messages``, newest last.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import parse_qsl

from shop.carriers.simulators._shared import read_state, write_state

__all__ = ["ZnsSimulatorCore"]

TOKEN_TTL = 90000  # seconds, as Zalo gives today
NOT_ON_ZALO_SUFFIX = "404"
REFUSING_SUFFIX = "403"


class ZnsSimulatorCore:
    def __init__(
        self,
        *,
        app_id: str,
        secret_key: str,
        refresh_token: str,
        token_ttl: int = TOKEN_TTL,
        quota: int = 500,
        clock: Callable[[], float] = time.time,
        state_path: Path | None = None,
    ):
        self.app_id = app_id
        self.secret_key = secret_key
        self.token_ttl = token_ttl
        self.clock = clock
        self.state_path = state_path
        self._lock = threading.Lock()
        self.first_refresh_token = refresh_token
        self.daily_quota = quota
        self.access_tokens: dict[str, float] = {}
        self.refresh_tokens: set[str] = {refresh_token}
        self.messages: list[dict] = []
        self.quota = quota
        self.not_on_zalo: set[str] = set()
        self.refusing: set[str] = set()
        self._load()

    def _load(self) -> None:
        """The saved state, when there is a file: in development the web server (its page)
        and the worker (which sends) each run a simulator and share it."""
        if self.state_path is None:
            return
        state = read_state(self.state_path)
        self.access_tokens = dict(state.get("access_tokens", {}))
        # The first refresh token (the one in the settings) always works here, so a development
        # database that lost the later ones still starts.
        self.refresh_tokens = {*state.get("refresh_tokens", []), self.first_refresh_token}
        self.messages = list(state.get("messages", []))
        self.quota = int(state.get("quota", self.daily_quota))

    # ------------------------------------------------------------------ the protocol

    def handle(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict]:
        headers = {k.lower(): v for k, v in headers.items()}
        if method != "POST":
            return 200, {"error": -106, "message": "Method unsupported"}
        with self._lock:
            self._load()
            if path.rstrip("/") == "/message/template":
                answer = self._send(headers, body)
            elif path.rstrip("/") == "/v4/oa/access_token":
                answer = self._refresh(headers, body)
            else:
                return 404, {"error": 404, "message": "Not found"}
            self._save()
        return 200, answer

    def _send(self, headers: Mapping[str, str], body: bytes) -> dict:
        expiry = self.access_tokens.get(headers.get("access_token", ""))
        if expiry is None or expiry <= self.clock():
            return {"error": -124, "message": "Access token invalid"}
        try:
            fields = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {"error": -121, "message": "Body is not JSON"}
        if not isinstance(fields, dict):
            return {"error": -121, "message": "Body is not JSON"}
        phone = str(fields.get("phone", ""))
        template_data = fields.get("template_data")
        if not (phone.isdigit() and phone.startswith("84") and 10 <= len(phone) <= 12):
            return {"error": -108, "message": "Phone number invalid"}
        if not str(fields.get("template_id", "")).isdigit():
            return {"error": -109, "message": "Template ID invalid"}
        if not template_data:
            return {"error": -111, "message": "Template data empty"}
        if not isinstance(template_data, dict):
            return {"error": -112, "message": "Template data invalid"}
        if phone in self.not_on_zalo or phone.endswith(NOT_ON_ZALO_SUFFIX):
            return {"error": -118, "message": "Zalo account not existed"}
        if phone in self.refusing or phone.endswith(REFUSING_SUFFIX):
            return {"error": -139, "message": "User refused to receive ZNS messages"}
        if self.quota <= 0:
            return {"error": -115, "message": "Out of quota"}
        self.quota -= 1
        msg_id = secrets.token_hex(16)
        sent_time = str(int(self.clock() * 1000))
        self.messages.append(
            {
                "msg_id": msg_id,
                "sent_time": sent_time,
                "phone": phone,
                "template_id": str(fields["template_id"]),
                "template_data": {str(k): str(v) for k, v in template_data.items()},
                "tracking_id": str(fields.get("tracking_id", "")),
            }
        )
        del self.messages[:-500]
        return {
            "error": 0,
            "message": "Success",
            "data": {
                "msg_id": msg_id,
                "sent_time": sent_time,
                "quota": {
                    "dailyQuota": str(self.daily_quota),
                    "remainingQuota": str(self.quota),
                },
            },
        }

    def _refresh(self, headers: Mapping[str, str], body: bytes) -> dict:
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        if not secrets.compare_digest(headers.get("secret_key", ""), self.secret_key):
            return {"error": -14002, "error_name": "Invalid secret key"}
        if form.get("app_id") != self.app_id:
            return {"error": -14001, "error_name": "Invalid app id"}
        if form.get("grant_type") != "refresh_token":
            return {"error": -14003, "error_name": "Invalid grant type"}
        refresh_token = form.get("refresh_token", "")
        if refresh_token not in self.refresh_tokens:
            return {
                "error": -14014,
                "error_name": "Invalid refresh token",
                "error_description": "The refresh token is invalid or was used already",
            }
        self.refresh_tokens.discard(refresh_token)
        access_token, new_refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.refresh_tokens.add(new_refresh)
        self.access_tokens = {t: e for t, e in self.access_tokens.items() if e > self.clock()}
        self.access_tokens[access_token] = self.clock() + self.token_ttl
        return {
            "access_token": access_token,
            "refresh_token": new_refresh,
            "expires_in": str(self.token_ttl),
        }

    # ------------------------------------------------------------------ for pages and tests

    def expire_tokens(self) -> None:
        """Every access token expires now (the next message is refused with -124)."""
        with self._lock:
            self._load()
            self.access_tokens.clear()
            self._save()

    def sent(self) -> list[dict]:
        """Every message delivered, newest first."""
        with self._lock:
            self._load()
            return list(reversed(self.messages))

    def sent_to(self, phone: str) -> list[dict]:
        return [m for m in self.sent() if m["phone"] == phone][::-1]

    def _save(self) -> None:
        write_state(
            self.state_path,
            {
                "access_tokens": self.access_tokens,
                "refresh_tokens": sorted(self.refresh_tokens),
                "messages": self.messages,
                "quota": self.quota,
            },
        )

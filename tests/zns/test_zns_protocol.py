"""The ZNS adapter against the simulator core on a real socket: Zalo's fields and answers,
the access token refreshed once when Zalo says it is invalid (and the refresh token rotated),
each refusal mapped onto our errors, and HTTP failures translated at the edge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from shop.zns.client import ZaloZnsClient
from shop.zns.ports import (
    TemplateMessage,
    Tokens,
    ZnsAuthError,
    ZnsError,
    ZnsQuotaExceeded,
    ZnsUnavailable,
    ZnsUndeliverable,
    zalo_phone,
)
from shop.zns.simulator.core import ZnsSimulatorCore

APP = {"app_id": "1234567890", "secret_key": "app-secret", "refresh_token": "first-refresh"}


class MemoryTokens:
    def __init__(self, tokens: Tokens | None = None):
        self.tokens = tokens
        self.saved: list[Tokens] = []

    def current(self) -> Tokens | None:
        return self.tokens

    def save(self, tokens: Tokens) -> None:
        self.tokens = tokens
        self.saved.append(tokens)


def zalo_app(core: ZnsSimulatorCore):
    def app(method, target, headers, body):
        status, answer = core.handle(method, urlsplit(target).path, headers, body)
        return status, "application/json", json.dumps(answer).encode()

    return app


@pytest.fixture
def zalo(http_stub):
    core = ZnsSimulatorCore(**APP)
    served = http_stub(zalo_app(core))
    store = MemoryTokens()
    client = ZaloZnsClient(
        options={
            **APP,
            "api_url": served.url,
            "oauth_url": f"{served.url}/v4/oa/access_token",
            "timeout": 0.5,
        },
        tokens=store,
    )
    return core, served, store, client


def lower(headers: dict) -> dict:
    return {name.lower(): value for name, value in headers.items()}


def message(phone="+84912345678", **data) -> TemplateMessage:
    return TemplateMessage(
        phone=zalo_phone(phone),
        template_id="300101",
        data={"order_code": "100042", "amount": "350000", **data},
        tracking_id="t-1",
    )


def test_a_message_is_sent_with_zalos_fields_and_a_fresh_token(zalo):
    core, served, store, client = zalo
    sent = client.send(message())
    assert sent.msg_id and sent.sent_at and sent.remaining_quota == 499
    (delivered,) = core.messages
    assert delivered["phone"] == "84912345678" and delivered["template_id"] == "300101"
    assert delivered["template_data"]["order_code"] == "100042"
    assert delivered["tracking_id"] == "t-1"
    refresh, send = served.requests
    assert refresh[1] == "/v4/oa/access_token" and lower(refresh[2])["secret_key"] == "app-secret"
    assert dict(parse_qsl(refresh[3].decode())) == {
        "refresh_token": "first-refresh",
        "app_id": "1234567890",
        "grant_type": "refresh_token",
    }
    assert send[1] == "/message/template"
    assert lower(send[2])["access_token"] == store.tokens.access_token
    assert store.tokens.refresh_token != "first-refresh"  # Zalo gave a new one: kept


def test_an_expired_token_is_refreshed_once_and_the_message_sent_again(zalo):
    core, served, store, client = zalo
    client.send(message())
    first = store.tokens
    core.expire_tokens()  # Zalo now answers -124 to the stored token
    client.send(message())
    assert len(core.messages) == 2 and store.tokens.access_token != first.access_token
    paths = [request[1] for request in served.requests]
    assert paths == [
        "/v4/oa/access_token",
        "/message/template",
        "/message/template",  # -124
        "/v4/oa/access_token",
        "/message/template",
    ]
    # The first refresh token was used once: Zalo refuses it now.
    core.expire_tokens()
    store.tokens = Tokens(access_token="gone", refresh_token="first-refresh")
    with pytest.raises(ZnsAuthError, match="refresh token"):
        client.send(message())


def test_a_token_past_its_expiry_is_refreshed_before_sending(zalo):
    core, served, store, client = zalo
    client.send(message())
    store.tokens = Tokens(
        access_token=store.tokens.access_token,
        refresh_token=store.tokens.refresh_token,
        expires_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    client.send(message())
    assert [r[1] for r in served.requests][-2:] == ["/v4/oa/access_token", "/message/template"]


@pytest.mark.parametrize(
    ("phone", "error", "code"),
    [
        ("+84912345404", ZnsUndeliverable, -118),  # not on Zalo
        ("+84912345403", ZnsUndeliverable, -139),  # refuses the OA's messages
        ("+8491", ZnsUndeliverable, -108),  # not a phone number
    ],
)
def test_people_zalo_cannot_reach_are_undeliverable(zalo, phone, error, code):
    core, _served, _store, client = zalo
    with pytest.raises(error) as raised:
        client.send(message(phone))
    assert raised.value.code == code and core.messages == []


def test_no_quota_left_is_its_own_error(zalo):
    core, _served, _store, client = zalo
    core.quota = 0
    with pytest.raises(ZnsQuotaExceeded) as raised:
        client.send(message())
    assert raised.value.code == -115


def test_a_wrong_secret_key_is_an_auth_error(zalo):
    core, _served, _store, client = zalo
    client.secret_key = "not-the-secret"
    with pytest.raises(ZnsAuthError):
        client.send(message())
    assert core.messages == []


@pytest.mark.parametrize(
    ("mode", "error"),
    [("error500", ZnsUnavailable), ("garbage", ZnsError), ("slow", ZnsUnavailable)],
)
def test_http_failures_are_translated_at_the_edge(zalo, mode, error):
    _core, served, _store, client = zalo
    served.mode, served.delay = mode, 1.0
    with pytest.raises(error):
        client.send(message())


def test_phones_go_in_zalos_form():
    assert zalo_phone("+84912345678") == "84912345678"
    assert zalo_phone("0912 345 678") == "84912345678"

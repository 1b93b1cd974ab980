"""The Stripe stub speaks Stripe's wire format: forms, auth, idempotency, errors, signing.

These talk to the stub with plain ``urllib`` so that the stub is checked independently of
the ``stripe`` library; the signer is checked against the library's own verifier.
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import stripe
from hypothesis import given
from hypothesis import strategies as st

from payments.simulators.stripe import (
    FormError,
    StripeStub,
    build_webhook,
    decode_form,
    signature_header,
)

NOW = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)
NOW_TS = int(NOW.timestamp())


@pytest.fixture
def stub() -> Iterator[StripeStub]:
    with StripeStub(clock=NOW.timestamp) as running:
        yield running


def call(
    stub: StripeStub,
    method: str,
    path: str,
    form: list[tuple[str, str]] | None = None,
    *,
    key: str | None = None,
    idempotency_key: str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> tuple[int, dict[str, Any], dict[str, str]]:
    data = urllib.parse.urlencode(form or []).encode() if method == "POST" else None
    headers = {"Content-Type": content_type}
    if key != "":
        headers["Authorization"] = f"Bearer {key or stub.api_key}"
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    http_request = urllib.request.Request(  # noqa: S310 - the stub's own http URL
        stub.api_base + path, data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(http_request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read()), dict(exc.headers)


def session_form(**overrides: str) -> list[tuple[str, str]]:
    values = {
        "mode": "payment",
        "line_items[0][price_data][currency]": "vnd",
        "line_items[0][price_data][unit_amount]": "185000",
        "line_items[0][price_data][product_data][name]": "Đơn hàng CP7K2M9Q",
        "line_items[0][quantity]": "1",
        "client_reference_id": "CP7K2M9Q",
        "metadata[reference]": "CP7K2M9Q",
        "payment_intent_data[metadata][reference]": "CP7K2M9Q",
        "success_url": "https://chophien.example/ok",
        "expires_at": str(NOW_TS + 3600),
    }
    values.update(overrides)
    return [(name, value) for name, value in values.items() if value is not None]


# --------------------------------------------------------------------------- form decoding


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("mode=payment", {"mode": "payment"}),
        ("metadata[reference]=CP1", {"metadata": {"reference": "CP1"}}),
        ("a[0]=x&a[1]=y", {"a": ["x", "y"]}),
        ("a[1]=y&a[0]=x", {"a": ["x", "y"]}),
        (
            "line_items[0][price_data][unit_amount]=5&line_items[0][quantity]=1",
            {"line_items": [{"price_data": {"unit_amount": "5"}, "quantity": "1"}]},
        ),
        ("name=%C4%90%C6%A1n+h%C3%A0ng", {"name": "Đơn hàng"}),
        ("empty=", {"empty": ""}),
    ],
)
def test_decode_form(text: str, expected: dict[str, Any]) -> None:
    assert decode_form(text) == expected


@pytest.mark.parametrize(
    "text", ["a=1&a[b]=2", "a[b]=2&a=1", "a[0]=x&a[2]=y", "[x]=1", "a[]=1", "a]=1"]
)
def test_decode_form_refuses_what_stripe_refuses(text: str) -> None:
    with pytest.raises(FormError):
        decode_form(text)


@given(st.text(max_size=200))
def test_decode_form_raises_only_form_errors(text: str) -> None:
    with contextlib.suppress(FormError):
        decode_form(text)


# --------------------------------------------------------------------------- signing


def test_the_signer_agrees_with_the_stripe_library() -> None:
    payload = '{"id": "evt_1", "object": "event", "note": "Đơn hàng"}'
    ours = signature_header(payload=payload.encode(), secret="whsec_x", timestamp=1795300000)
    theirs = stripe.WebhookSignature.generate_signature_header(
        payload, "whsec_x", timestamp=1795300000
    )
    assert ours == theirs


def test_built_webhooks_pass_the_stripe_library_check() -> None:
    body, headers = build_webhook(
        event_type="checkout.session.completed",
        data_object={"id": "cs_test_1", "object": "checkout.session"},
        secret="whsec_x",
    )
    assert stripe.WebhookSignature.verify_header(
        body.decode(), headers["Stripe-Signature"], "whsec_x", 300
    )
    event = json.loads(body)
    assert event["object"] == "event"
    assert event["type"] == "checkout.session.completed"
    assert event["id"].startswith("evt_test_")
    assert event["data"]["object"]["id"] == "cs_test_1"
    assert abs(event["created"] - time.time()) < 60


# --------------------------------------------------------------------------- keys and auth


@pytest.mark.parametrize("key", ["sk_live_abc", "rk_live_abc", ""])
def test_the_stub_refuses_live_keys(key: str) -> None:
    with pytest.raises(ValueError):
        StripeStub(api_key=key)


def test_keys_are_random_unless_given() -> None:
    first, second = StripeStub(), StripeStub()
    assert first.api_key.startswith("sk_test_")
    assert first.webhook_secret.startswith("whsec_")
    assert first.api_key != second.api_key
    assert first.webhook_secret != second.webhook_secret


def test_the_stub_listens_on_loopback_only(stub: StripeStub) -> None:
    assert stub.api_base.startswith("http://127.0.0.1:")


def test_requests_need_the_bearer_key(stub: StripeStub) -> None:
    status, body, _ = call(stub, "GET", "/v1/checkout/sessions", key="")
    assert status == 401
    assert body["error"]["type"] == "invalid_request_error"

    status, body, _ = call(stub, "GET", "/v1/checkout/sessions", key="sk_test_wrong_key_9876")
    assert status == 401
    assert body["error"]["message"] == "Invalid API Key provided: sk_test_****9876"


def test_unknown_routes_are_stripe_shaped_404s(stub: StripeStub) -> None:
    status, body, headers = call(stub, "GET", "/v1/charges")
    assert status == 404
    assert "Unrecognized request URL" in body["error"]["message"]
    assert headers["Request-Id"].startswith("req_")


def test_post_bodies_must_be_form_encoded(stub: StripeStub) -> None:
    status, _, _ = call(stub, "POST", "/v1/checkout/sessions", [], content_type="text/plain")
    assert status == 400


# --------------------------------------------------------------------------- sessions


def test_a_session_is_created_and_retrieved(stub: StripeStub) -> None:
    status, created, _ = call(stub, "POST", "/v1/checkout/sessions", session_form())
    assert status == 200
    assert created["object"] == "checkout.session"
    assert created["id"].startswith("cs_test_")
    assert (created["amount_total"], created["currency"]) == (185000, "vnd")
    assert (created["status"], created["payment_status"]) == ("open", "unpaid")
    assert created["url"] == f"{stub.api_base}/c/pay/{created['id']}"
    assert created["created"] == NOW_TS
    assert "_payment_intent_data" not in created

    status, fetched, _ = call(stub, "GET", f"/v1/checkout/sessions/{created['id']}")
    assert (status, fetched) == (200, created)

    status, missing, _ = call(stub, "GET", "/v1/checkout/sessions/cs_test_nope")
    assert status == 404
    assert missing["error"]["code"] == "resource_missing"


def test_the_checkout_url_can_point_elsewhere() -> None:
    with StripeStub(clock=NOW.timestamp, checkout_url="http://dev.local/pay/{id}/") as stub:
        _, created, _ = call(stub, "POST", "/v1/checkout/sessions", session_form())
    assert created["url"] == f"http://dev.local/pay/{created['id']}/"


@pytest.mark.parametrize(
    ("overrides", "param", "code"),
    [
        ({"payment_method_types[0]": "card"}, "payment_method_types", "parameter_unknown"),
        ({"mode": None}, "mode", "parameter_missing"),
        ({"success_url": "not a url"}, "success_url", "url_invalid"),
        ({"expires_at": str(NOW_TS + 29 * 60)}, "expires_at", None),
        ({"expires_at": str(NOW_TS + 24 * 3600 + 1)}, "expires_at", None),
        ({"expires_at": "soon"}, "expires_at", "parameter_invalid_integer"),
        ({"line_items[0][price_data][unit_amount]": "100000000"}, "line_items", "amount_too_large"),
        ({"line_items[0][price_data][unit_amount]": "1.5"}, None, "parameter_invalid_integer"),
        ({"line_items[0][price_data][currency]": "VND"}, None, None),
        ({"locale": "xx"}, "locale", None),
        ({"client_reference_id": "x" * 201}, "client_reference_id", None),
        ({"metadata[reference]": "x" * 501}, "metadata", None),
        ({"payment_intent_data[capture]": "x"}, "payment_intent_data[capture]", None),
    ],
)
def test_invalid_sessions_are_refused_like_stripe(
    stub: StripeStub, overrides: dict[str, str], param: str | None, code: str | None
) -> None:
    status, body, _ = call(stub, "POST", "/v1/checkout/sessions", session_form(**overrides))
    assert status == 400
    assert body["error"]["type"] == "invalid_request_error"
    if param:
        assert body["error"]["param"] == param
    if code:
        assert body["error"]["code"] == code
    assert stub.session_ids() == []


def test_sessions_are_listed_newest_first_in_pages(stub: StripeStub) -> None:
    ids = [
        call(stub, "POST", "/v1/checkout/sessions", session_form(client_reference_id=f"CP{n}"))[1][
            "id"
        ]
        for n in range(3)
    ]
    status, page, _ = call(stub, "GET", f"/v1/checkout/sessions?limit=2&created[gte]={NOW_TS}")
    assert status == 200
    assert page["object"] == "list"
    assert [item["id"] for item in page["data"]] == [ids[2], ids[1]]
    assert page["has_more"] is True
    _, rest, _ = call(stub, "GET", f"/v1/checkout/sessions?limit=2&starting_after={ids[1]}")
    assert [item["id"] for item in rest["data"]] == [ids[0]]
    assert rest["has_more"] is False
    _, none, _ = call(stub, "GET", f"/v1/checkout/sessions?created[gt]={NOW_TS}")
    assert none["data"] == []


# --------------------------------------------------------------------------- idempotency


def test_the_same_key_replays_the_first_answer(stub: StripeStub) -> None:
    _, first, first_headers = call(
        stub, "POST", "/v1/checkout/sessions", session_form(), idempotency_key="CP7K2M9Q"
    )
    _, second, headers = call(
        stub, "POST", "/v1/checkout/sessions", session_form(), idempotency_key="CP7K2M9Q"
    )
    assert second == first
    assert headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first_headers
    assert len(stub.session_ids()) == 1


def test_the_same_key_with_other_parameters_is_an_idempotency_error(stub: StripeStub) -> None:
    call(stub, "POST", "/v1/checkout/sessions", session_form(), idempotency_key="K1")
    status, body, _ = call(
        stub,
        "POST",
        "/v1/checkout/sessions",
        session_form(**{"line_items[0][price_data][unit_amount]": "1000"}),
        idempotency_key="K1",
    )
    assert status == 400
    assert body["error"]["type"] == "idempotency_error"


def test_validation_failures_are_not_kept_against_the_key(stub: StripeStub) -> None:
    status, _, _ = call(
        stub, "POST", "/v1/checkout/sessions", session_form(mode=None), idempotency_key="K2"
    )
    assert status == 400
    status, _, _ = call(stub, "POST", "/v1/checkout/sessions", session_form(), idempotency_key="K2")
    assert status == 200


def test_injected_faults_are_not_kept_against_the_key(stub: StripeStub) -> None:
    stub.fail_next(status=500, should_retry=True)
    status, body, headers = call(
        stub, "POST", "/v1/checkout/sessions", session_form(), idempotency_key="K3"
    )
    assert (status, body["error"]["type"], headers["Stripe-Should-Retry"]) == (
        500,
        "api_error",
        "true",
    )
    status, _, _ = call(stub, "POST", "/v1/checkout/sessions", session_form(), idempotency_key="K3")
    assert status == 200
    assert [sent.idempotency_key for sent in stub.requests] == ["K3", "K3"]


# --------------------------------------------------------------------------- the buyer's side


def test_a_declined_card_then_a_payment(stub: StripeStub) -> None:
    _, created, _ = call(stub, "POST", "/v1/checkout/sessions", session_form())
    intent = stub.fail_payment(created["id"])
    assert intent["status"] == "requires_payment_method"
    assert intent["metadata"] == {"reference": "CP7K2M9Q"}
    assert intent["last_payment_error"]["code"] == "card_declined"
    assert stub.session(created["id"])["status"] == "open"

    paid = stub.complete_session(created["id"])
    assert (paid["status"], paid["payment_status"]) == ("complete", "paid")
    assert paid["payment_intent"] == intent["id"]
    assert stub.payment_intent(intent["id"])["status"] == "succeeded"
    with pytest.raises(ValueError):
        stub.expire_session(created["id"])


def test_webhooks_for_the_ledger_are_signed_with_the_stub_secret(stub: StripeStub) -> None:
    _, created, _ = call(stub, "POST", "/v1/checkout/sessions", session_form())
    stub.expire_session(created["id"])
    body, headers = stub.session_webhook(created["id"], "checkout.session.expired")
    assert stripe.WebhookSignature.verify_header(
        body.decode(), headers["Stripe-Signature"], stub.webhook_secret, 300
    )
    assert json.loads(body)["data"]["object"]["status"] == "expired"


def test_refunds_follow_stripe_rules(stub: StripeStub) -> None:
    _, created, _ = call(stub, "POST", "/v1/checkout/sessions", session_form())
    unpaid_intent = stub.fail_payment(created["id"])["id"]
    status, body, _ = call(stub, "POST", "/v1/refunds", [("payment_intent", unpaid_intent)])
    assert (status, body["error"]["code"]) == (400, "payment_intent_unexpected_state")

    stub.complete_session(created["id"])
    status, refund, _ = call(
        stub, "POST", "/v1/refunds", [("payment_intent", unpaid_intent), ("amount", "85000")]
    )
    assert status == 200
    assert (refund["object"], refund["amount"], refund["status"]) == ("refund", 85000, "succeeded")
    status, body, _ = call(
        stub, "POST", "/v1/refunds", [("payment_intent", unpaid_intent), ("amount", "100001")]
    )
    assert (status, body["error"]["code"]) == (400, "amount_too_large")
    status, rest, _ = call(stub, "POST", "/v1/refunds", [("payment_intent", unpaid_intent)])
    assert (status, rest["amount"]) == (200, 100000)
    status, body, _ = call(stub, "POST", "/v1/refunds", [("payment_intent", unpaid_intent)])
    assert (status, body["error"]["code"]) == (400, "charge_already_refunded")
    status, body, _ = call(stub, "POST", "/v1/refunds", [("payment_intent", "pi_test_nope")])
    assert (status, body["error"]["code"]) == (404, "resource_missing")
    status, body, _ = call(stub, "POST", "/v1/refunds", [("charge", "ch_1")])
    assert (status, body["error"]["code"]) == (400, "parameter_unknown")


@pytest.mark.parametrize(("text", "expected"), [("0=x", {"0": "x"}), ("a[²]=1", {"a": {"²": "1"}})])
def test_only_nested_ascii_indices_make_lists(text: str, expected: dict[str, Any]) -> None:
    assert decode_form(text) == expected

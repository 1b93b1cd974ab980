"""Stripe webhooks: signature checks by the ``stripe`` library, then events on the port.

Good, tampered, stale, wrong-secret, truncated and missing inputs, and properties: no
body or header makes ``parse_callback`` raise anything but the port's errors.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.gateways.stripe_checkout import (
    IgnoredEvent,
    StripeCheckoutGateway,
    StripeConfig,
    event_id_of,
)
from payments.ports import GatewayError, GatewayEvent, InvalidSignature
from payments.simulators.stripe import build_webhook, signature_header

SECRET = "whsec_test_chophien_webhook_secret"
API_KEY = "sk_test_chophien_api_key"
REFERENCE = "CP7K2M9Q"


def gateway(**overrides: Any) -> StripeCheckoutGateway:
    values: dict[str, Any] = {
        "api_key": API_KEY,
        "webhook_secret": SECRET,
        "api_base": "http://127.0.0.1:9",
    }
    values.update(overrides)
    return StripeCheckoutGateway(config=StripeConfig(**values))


def session(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": "cs_test_a1b2c3",
        "object": "checkout.session",
        "amount_subtotal": 185000,
        "amount_total": 185000,
        "client_reference_id": REFERENCE,
        "created": 1795300000,
        "currency": "vnd",
        "expires_at": 1795307200,
        "livemode": False,
        "metadata": {"reference": REFERENCE},
        "mode": "payment",
        "payment_intent": "pi_test_d4e5f6",
        "payment_status": "paid",
        "status": "complete",
        "url": None,
    }
    values.update(overrides)
    return values


def payment_intent(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": "pi_test_d4e5f6",
        "object": "payment_intent",
        "amount": 185000,
        "currency": "vnd",
        "livemode": False,
        "metadata": {"reference": REFERENCE},
        "status": "requires_payment_method",
        "last_payment_error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
        },
    }
    values.update(overrides)
    return values


def delivery(
    event_type: str = "checkout.session.completed",
    data_object: dict[str, Any] | None = None,
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    event_id: str = "evt_test_1",
) -> tuple[bytes, dict[str, str]]:
    return build_webhook(
        event_type=event_type,
        data_object=session() if data_object is None else data_object,
        secret=secret,
        timestamp=timestamp,
        event_id=event_id,
    )


def parse(body: bytes, headers: dict[str, str] | None) -> GatewayEvent:
    return gateway().parse_callback(params={}, body=body, headers=headers)


def signed(body: bytes, *, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    header = signature_header(payload=body, secret=secret, timestamp=int(time.time()))
    return body, {"Stripe-Signature": header}


# --------------------------------------------------------------------------- good events


def test_a_paid_session_is_paid() -> None:
    event = parse(*delivery(timestamp=int(time.time())))

    assert event.reference == REFERENCE
    assert event.status == "paid"
    assert event.amount == Decimal("185000")  # đồng, zero-decimal at Stripe
    assert event.currency == "VND"
    assert event.gateway_txn_id == "cs_test_a1b2c3"
    assert event.response_code == "paid"
    assert event.raw["payment_intent"] == "pi_test_d4e5f6"
    assert event_id_of(event) == "evt_test_1"
    assert event.raw["event_type"] == "checkout.session.completed"
    assert event.occurred_at is not None and event.occurred_at.tzinfo is UTC


def test_the_header_name_is_case_insensitive() -> None:
    body, headers = delivery()
    assert parse(body, {"stripe-signature": headers["Stripe-Signature"]}).status == "paid"


@pytest.mark.parametrize(
    ("event_type", "overrides", "status"),
    [
        ("checkout.session.completed", {"payment_status": "unpaid"}, "pending"),
        ("checkout.session.async_payment_succeeded", {}, "paid"),
        ("checkout.session.async_payment_failed", {"payment_status": "unpaid"}, "failed"),
        (
            "checkout.session.expired",
            {"status": "expired", "payment_status": "unpaid", "payment_intent": None},
            "cancelled",
        ),
    ],
)
def test_session_events(event_type: str, overrides: dict[str, Any], status: str) -> None:
    event = parse(*delivery(event_type, session(**overrides)))
    assert (event.reference, event.status, event.amount) == (REFERENCE, status, 185000)
    assert event.raw["event_type"] == event_type


def test_a_failed_card_attempt_is_failed_with_the_reference_from_the_intent() -> None:
    event = parse(*delivery("payment_intent.payment_failed", payment_intent()))
    assert event.reference == REFERENCE
    assert event.status == "failed"
    assert event.amount == Decimal("185000")
    assert event.gateway_txn_id == "pi_test_d4e5f6"
    assert event.response_code == "insufficient_funds"
    assert event_id_of(event) == "evt_test_1"


def test_a_session_known_only_by_client_reference_id_is_read() -> None:
    event = parse(*delivery(data_object=session(metadata={})))
    assert event.reference == REFERENCE


@pytest.mark.parametrize("event_type", ["charge.refunded", "customer.created", "payout.paid"])
def test_other_event_types_are_ignored_with_their_id(event_type: str) -> None:
    with pytest.raises(IgnoredEvent) as caught:
        parse(*delivery(event_type, {"id": "ch_1", "object": "charge"}, event_id="evt_test_9"))
    assert isinstance(caught.value, GatewayError)
    assert (caught.value.event_id, caught.value.event_type) == ("evt_test_9", event_type)


@pytest.mark.parametrize(
    ("event_type", "data_object"),
    [
        ("checkout.session.completed", session(metadata={}, client_reference_id=None)),
        ("payment_intent.payment_failed", payment_intent(metadata={})),
    ],
)
def test_objects_without_a_shop_reference_are_ignored(
    event_type: str, data_object: dict[str, Any]
) -> None:
    with pytest.raises(IgnoredEvent):
        parse(*delivery(event_type, data_object))


# --------------------------------------------------------------------------- bad signatures


def test_a_tampered_body_is_refused() -> None:
    body, headers = delivery()
    forged = body.replace(b"185000", b"100")
    assert forged != body
    with pytest.raises(InvalidSignature):
        parse(forged, headers)


def test_a_tampered_signature_is_refused() -> None:
    body, headers = delivery()
    header = headers["Stripe-Signature"]
    last = header[-1]
    headers["Stripe-Signature"] = header[:-1] + ("0" if last != "0" else "1")
    with pytest.raises(InvalidSignature):
        parse(body, headers)


def test_a_signature_moved_to_a_new_timestamp_is_refused() -> None:
    body, headers = delivery(timestamp=int(time.time()) - 3600)
    signature = headers["Stripe-Signature"].split(",v1=")[1]
    with pytest.raises(InvalidSignature):
        parse(body, {"Stripe-Signature": f"t={int(time.time())},v1={signature}"})


def test_a_replay_after_the_tolerance_is_refused() -> None:
    with pytest.raises(InvalidSignature, match="tolerance"):
        parse(*delivery(timestamp=int(time.time()) - 301))


def test_a_delivery_within_the_tolerance_is_accepted() -> None:
    assert parse(*delivery(timestamp=int(time.time()) - 240)).status == "paid"


def test_the_tolerance_is_configurable() -> None:
    body, headers = delivery(timestamp=int(time.time()) - 120)
    with pytest.raises(InvalidSignature):
        gateway(webhook_tolerance=60).parse_callback(params={}, body=body, headers=headers)


def test_a_wrong_secret_is_refused_without_showing_secrets() -> None:
    with pytest.raises(InvalidSignature) as caught:
        parse(*delivery(secret="whsec_somebody_else"))
    assert SECRET not in str(caught.value)
    assert API_KEY not in str(caught.value)


def test_any_matching_v1_signature_is_enough() -> None:
    """During a secret roll Stripe signs with both secrets."""
    body, headers = delivery()
    old = signature_header(payload=body, secret="whsec_old", timestamp=int(time.time()))
    header = headers["Stripe-Signature"]
    headers["Stripe-Signature"] = f"{old},{header.split(',', 1)[1]}"
    assert parse(body, headers).status == "paid"


@pytest.mark.parametrize("keep", [0, 1, 10, -1])
def test_a_truncated_body_is_refused(keep: int) -> None:
    body, headers = delivery()
    with pytest.raises(InvalidSignature):
        parse(body[:keep], headers)


@pytest.mark.parametrize("cut", [1, 20, 64, 70])
def test_a_truncated_header_is_refused(cut: int) -> None:
    body, headers = delivery()
    headers["Stripe-Signature"] = headers["Stripe-Signature"][:-cut]
    with pytest.raises(InvalidSignature):
        parse(body, headers)


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {},
        {"Stripe-Signature": ""},
        {"Content-Type": "application/json"},
        {"X-Signature": "t=1,v1=00"},
    ],
)
def test_a_missing_signature_is_refused(headers: dict[str, str] | None) -> None:
    body, _ = delivery()
    with pytest.raises(InvalidSignature):
        parse(body, headers)


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        "t=,v1=",
        "t=abc,v1=00",
        "v1=00",
        "t=1700000000",
        "t=1700000000,v0=00",
        "t=١٢٣,v1=00",
        "t=1700000000,v1=ü",
        "t=" + "9" * 5000 + ",v1=00",
        "t=1,v1=" + "a" * 10000,
    ],
)
def test_a_malformed_header_is_refused(header: str) -> None:
    body, _ = delivery()
    with pytest.raises(InvalidSignature):
        parse(body, {"Stripe-Signature": header})


def test_a_body_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(InvalidSignature):
        parse(*signed(b'{"id": "\xff"}'))


# --------------------------------------------------------------------------- bad payloads


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"object": "event"}',
        b'{"object": "event", "id": "evt_1", "type": "checkout.session.completed"}',
        b'{"object": "event", "id": "evt_1", "type": "checkout.session.completed", "data": {}}',
        b"[" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    ],
)
def test_signed_but_malformed_bodies_are_gateway_errors(body: bytes) -> None:
    with pytest.raises(GatewayError) as caught:
        parse(*signed(body))
    assert not isinstance(caught.value, InvalidSignature | IgnoredEvent)


@pytest.mark.parametrize(
    ("event_type", "data_object"),
    [
        ("checkout.session.completed", session(currency="usd")),
        ("checkout.session.completed", session(amount_total="185000")),
        ("checkout.session.completed", session(amount_total=185000.0)),
        ("checkout.session.completed", session(amount_total=None)),
        ("checkout.session.completed", session(amount_total=True)),
        ("checkout.session.completed", session(amount_total=-1)),
        ("checkout.session.completed", session(object="payment_intent")),
        ("checkout.session.completed", session(id=None)),
        ("checkout.session.completed", session(client_reference_id="CPOTHER1")),
        ("checkout.session.completed", session(metadata={"reference": 7})),
        ("checkout.session.completed", session(metadata="CP7K2M9Q")),
        ("checkout.session.completed", session(metadata={"reference": "CP 7K2"})),
        ("payment_intent.payment_failed", payment_intent(currency="eur")),
        ("payment_intent.payment_failed", session()),
    ],
)
def test_signed_events_with_bad_objects_are_gateway_errors(
    event_type: str, data_object: dict[str, Any]
) -> None:
    with pytest.raises(GatewayError) as caught:
        parse(*delivery(event_type, data_object))
    assert not isinstance(caught.value, InvalidSignature | IgnoredEvent)


def test_an_event_with_an_impossible_timestamp_is_a_gateway_error() -> None:
    body, _ = delivery()
    document = json.loads(body)
    document["created"] = 10**20
    with pytest.raises(GatewayError):
        parse(*signed(json.dumps(document).encode()))


def test_a_body_too_large_is_refused_before_verification() -> None:
    with pytest.raises(GatewayError):
        parse(b" " * (2 << 20), {"Stripe-Signature": "t=1,v1=00"})


# --------------------------------------------------------------------------- properties

_header_values = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda t, sig: f"t={t},v1={sig}",
        st.integers(min_value=-(10**12), max_value=10**12),
        st.text(alphabet="0123456789abcdef", max_size=70),
    ),
    st.builds(
        lambda parts: ",".join(parts),
        st.lists(st.text(alphabet="tv01=,abc9 ", max_size=20), max_size=6),
    ),
)
_headers = st.dictionaries(
    st.sampled_from(["Stripe-Signature", "stripe-signature", "Content-Type", "X-Other"])
    | st.text(max_size=20),
    _header_values,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=2000), headers=_headers)
def test_arbitrary_deliveries_raise_only_port_errors(body: bytes, headers: dict[str, str]) -> None:
    try:
        parse(body, headers)
    except GatewayError:
        return
    raise AssertionError("an unsigned delivery was accepted")


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
_EVENT_TYPES = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "payment_intent.payment_failed",
    "charge.refunded",
)


@st.composite
def _mutated_events(draw: st.DrawFn) -> Any:
    """A well-formed event with up to three fields deleted or replaced by any JSON."""
    event_type = draw(st.sampled_from(_EVENT_TYPES))
    obj = payment_intent() if event_type.startswith("payment_intent") else session()
    document = json.loads(delivery(event_type, obj)[0])
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        data = document.get("data")
        inner = data.get("object") if isinstance(data, dict) else None
        container = document if not isinstance(inner, dict) or draw(st.booleans()) else inner
        key = draw(st.sampled_from(sorted(container)) | st.text(max_size=5))
        if draw(st.booleans()):
            container.pop(key, None)
        else:
            container[key] = draw(_json)
    return document


@settings(max_examples=300, deadline=None)
@given(document=_mutated_events() | _json)
def test_signed_documents_become_events_or_port_errors(document: Any) -> None:
    body = json.dumps(document).encode("utf-8")
    try:
        event = parse(*signed(body))
    except InvalidSignature as exc:  # pragma: no cover - the signature is good
        raise AssertionError("a correct signature was refused") from exc
    except GatewayError:
        return
    assert isinstance(event, GatewayEvent)
    assert event.currency == "VND"
    assert event_id_of(event)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_flipped_byte_breaks_the_signature(position: int, flip: int) -> None:
    body, headers = delivery()
    index = position % len(body)
    forged = body[:index] + bytes([body[index] ^ flip]) + body[index + 1 :]
    with pytest.raises(InvalidSignature):
        parse(forged, headers)


def test_occurred_at_is_the_event_creation_time() -> None:
    body, _ = delivery()
    document = json.loads(body)
    document["created"] = 1795300000
    event = parse(*signed(json.dumps(document).encode()))
    assert event.occurred_at == datetime.fromtimestamp(1795300000, tz=UTC)

"""The Stripe adapter through the real ``stripe`` library, over HTTP, against the local stub."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from payments.gateways.factory import build_gateway
from payments.gateways.stripe_checkout import (
    CheckoutRedirect,
    StripeCheckoutGateway,
    StripeConfig,
    session_expiry,
)
from payments.ports import (
    Gateway,
    GatewayError,
    GatewayUnavailable,
    NextAction,
    PaymentRequest,
    RefundRequest,
)
from payments.simulators.stripe import StripeStub

NOW = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)
REFERENCE = "CP7K2M9Q"


@pytest.fixture
def stub() -> Iterator[StripeStub]:
    with StripeStub(clock=NOW.timestamp) as running:
        yield running


def make_gateway(stub: StripeStub, **overrides: Any) -> StripeCheckoutGateway:
    values: dict[str, Any] = {
        "api_key": stub.api_key,
        "webhook_secret": stub.webhook_secret,
        "api_base": stub.api_base,
        "timeout": 5.0,
        "max_network_retries": 0,
    }
    values.update(overrides)
    return StripeCheckoutGateway(config=StripeConfig(**values))


@pytest.fixture
def gateway(stub: StripeStub) -> StripeCheckoutGateway:
    return make_gateway(stub)


def request(**overrides: Any) -> PaymentRequest:
    values: dict[str, Any] = {
        "reference": REFERENCE,
        "amount": Decimal("185000"),
        "description": "Chè Shan Tuyết Hà Giang",
        "buyer_ip": "113.161.10.20",
        "return_url": "https://chophien.example/thanh-toan/CP7K2M9Q/?tab=1",
        "notify_url": "https://chophien.example/webhooks/stripe/",
        "created_at": NOW,
        "expires_at": NOW + timedelta(hours=2),
    }
    values.update(overrides)
    return PaymentRequest(**values)


def refund_request(**overrides: Any) -> RefundRequest:
    values: dict[str, Any] = {
        "reference": REFERENCE,
        "amount": Decimal("185000"),
        "full": True,
        "gateway_txn_id": "",
        "payment_created_at": NOW,
        "requested_by": "nhanvien@chophien.example",
        "reason": "Khách đổi ý",
    }
    values.update(overrides)
    return RefundRequest(**values)


def paid_session(stub: StripeStub, gateway: StripeCheckoutGateway) -> CheckoutRedirect:
    action = gateway.start(request())
    stub.complete_session(action.session_id)
    return action


def assert_no_secrets(stub: StripeStub, exc: BaseException) -> None:
    for text in (str(exc), repr(exc)):
        assert stub.api_key not in text
        assert stub.webhook_secret not in text


# --------------------------------------------------------------------------- building


def test_satisfies_the_port(gateway: StripeCheckoutGateway) -> None:
    assert isinstance(gateway, Gateway)


def test_built_from_settings_without_showing_secrets(stub: StripeStub) -> None:
    settings = {
        "stripe": {
            "BACKEND": "payments.gateways.stripe_checkout.StripeCheckoutGateway",
            "OPTIONS": {
                "api_key": stub.api_key,
                "webhook_secret": stub.webhook_secret,
                "api_base": stub.api_base,
                "allowed_payment_method_types": ["card"],
            },
        }
    }
    gateway = build_gateway(name="stripe", settings=settings)
    assert isinstance(gateway, StripeCheckoutGateway)
    config = StripeConfig(**settings["stripe"]["OPTIONS"] | {"allowed_payment_method_types": ()})
    assert stub.api_key not in repr(config)
    assert stub.webhook_secret not in repr(config)


@pytest.mark.parametrize(
    "overrides",
    [
        {"api_key": ""},
        {"webhook_secret": ""},
        {"api_base": "ftp://api.stripe.com"},
        {"timeout": 0},
        {"max_network_retries": -1},
        {"webhook_tolerance": 0},
        {"allowed_payment_method_types": ["card"]},
    ],
)
def test_config_refuses_bad_settings(overrides: dict[str, Any]) -> None:
    values = {"api_key": "sk_test_x", "webhook_secret": "whsec_x"} | overrides
    with pytest.raises(ValueError):
        StripeConfig(**values)


# --------------------------------------------------------------------------- start


def test_start_creates_a_session_in_dong(stub: StripeStub, gateway: StripeCheckoutGateway) -> None:
    action = gateway.start(request())

    assert isinstance(action, NextAction)
    assert isinstance(action, CheckoutRedirect)
    assert action.kind == "redirect"
    assert action.session_id.startswith("cs_test_")
    session = stub.session(action.session_id)
    assert action.url == session["url"]
    assert session["amount_total"] == 185000  # zero-decimal: đồng, not đồng x 100
    assert session["currency"] == "vnd"
    assert session["client_reference_id"] == REFERENCE
    assert session["metadata"] == {"reference": REFERENCE}
    assert session["locale"] == "vi"
    assert session["success_url"] == "https://chophien.example/thanh-toan/CP7K2M9Q/?tab=1"
    assert session["cancel_url"] == (
        "https://chophien.example/thanh-toan/CP7K2M9Q/?tab=1&checkout=cancelled"
    )
    assert session["expires_at"] == int((NOW + timedelta(hours=2)).timestamp())
    assert action.expires_at == NOW + timedelta(hours=2)

    (sent,) = stub.requests
    assert (sent.method, sent.path) == ("POST", "/v1/checkout/sessions")
    assert sent.idempotency_key == REFERENCE
    assert sent.form["mode"] == "payment"
    assert sent.form["line_items"] == [
        {
            "price_data": {
                "currency": "vnd",
                "unit_amount": "185000",
                "product_data": {
                    "name": "Đơn hàng CP7K2M9Q",
                    "description": "Chè Shan Tuyết Hà Giang",
                },
            },
            "quantity": "1",
        }
    ]
    assert sent.form["payment_intent_data"]["metadata"] == {"reference": REFERENCE}
    assert sent.form["allowed_payment_method_types"] == ["card"]
    assert "authorization" not in sent.headers


def test_start_in_english(stub: StripeStub, gateway: StripeCheckoutGateway) -> None:
    action = gateway.start(request(locale="en"))
    assert stub.session(action.session_id)["locale"] == "en"


def test_start_twice_returns_the_same_session(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    first = gateway.start(request())
    second = gateway.start(request())

    assert second == first
    assert [sent.idempotency_key for sent in stub.requests] == [REFERENCE, REFERENCE]
    assert len(stub.session_ids()) == 1


def test_the_same_reference_for_another_amount_is_refused(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    gateway.start(request())
    with pytest.raises(GatewayError, match="idempotent") as caught:
        gateway.start(request(amount=Decimal("200000")))
    assert not isinstance(caught.value, GatewayUnavailable)


@pytest.mark.parametrize(
    ("expires_in", "sent_in"),
    [
        (timedelta(minutes=10), timedelta(minutes=35)),
        (timedelta(minutes=35), timedelta(minutes=35)),
        (timedelta(hours=2), timedelta(hours=2)),
        (timedelta(hours=23, minutes=55), timedelta(hours=23, minutes=55)),
        (timedelta(days=3), timedelta(hours=23, minutes=55)),
    ],
)
def test_expiry_is_clamped_into_what_stripe_accepts(
    stub: StripeStub, gateway: StripeCheckoutGateway, expires_in: timedelta, sent_in: timedelta
) -> None:
    assert session_expiry(created_at=NOW, expires_at=NOW + expires_in) == NOW + sent_in
    action = gateway.start(request(expires_at=NOW + expires_in))
    assert stub.session(action.session_id)["expires_at"] == int((NOW + sent_in).timestamp())


def test_expiry_does_not_depend_on_when_start_runs(gateway: StripeCheckoutGateway) -> None:
    """A retry minutes later sends identical parameters, so Stripe replays the first answer."""
    short = request(expires_at=NOW + timedelta(minutes=15))
    assert gateway.session_params(short) == gateway.session_params(short)
    assert gateway.session_params(short)["expires_at"] == int(
        (NOW + timedelta(minutes=35)).timestamp()
    )


@pytest.mark.parametrize("reference", ["CP 7K2", "CP/7K2", "Đ123", "x" * 201])
def test_start_refuses_references_stripe_cannot_carry(
    stub: StripeStub, gateway: StripeCheckoutGateway, reference: str
) -> None:
    with pytest.raises(GatewayError):
        gateway.start(request(reference=reference))
    assert stub.requests == []


def test_start_refuses_a_non_http_return_url(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    with pytest.raises(GatewayError):
        gateway.start(request(return_url="javascript:alert(1)"))
    assert stub.requests == []


def test_an_amount_stripe_refuses_is_a_gateway_error(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    with pytest.raises(GatewayError, match="amount_too_large") as caught:
        gateway.start(request(amount=Decimal("100000000")))
    assert not isinstance(caught.value, GatewayUnavailable)


# --------------------------------------------------------------------------- HTTP errors


def test_a_wrong_api_key_is_a_gateway_error_that_hides_the_key(stub: StripeStub) -> None:
    wrong = "sk_test_this_key_is_wrong_1234"
    gateway = make_gateway(stub, api_key=wrong)
    with pytest.raises(GatewayError, match="HTTP 401") as caught:
        gateway.start(request())
    assert not isinstance(caught.value, GatewayUnavailable)
    assert wrong not in str(caught.value)
    assert_no_secrets(stub, caught.value)


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(500, "api_error"), (503, "api_error"), (429, "invalid_request_error"), (409, "api_error")],
)
def test_transient_answers_are_unavailable(
    stub: StripeStub, gateway: StripeCheckoutGateway, status: int, error_type: str
) -> None:
    stub.fail_next(status=status, error_type=error_type)
    with pytest.raises(GatewayUnavailable) as caught:
        gateway.start(request())
    assert_no_secrets(stub, caught.value)
    assert caught.value.__cause__ is None


@pytest.mark.parametrize("status", [400, 403, 404])
def test_refusals_are_gateway_errors(
    stub: StripeStub, gateway: StripeCheckoutGateway, status: int
) -> None:
    stub.fail_next(status=status, error_type="invalid_request_error", code="something_wrong")
    with pytest.raises(GatewayError, match=f"HTTP {status}") as caught:
        gateway.start(request())
    assert not isinstance(caught.value, GatewayUnavailable)
    assert_no_secrets(stub, caught.value)


def test_the_library_retries_with_the_same_idempotency_key(stub: StripeStub) -> None:
    gateway = make_gateway(stub, max_network_retries=2)
    stub.fail_next(status=500, should_retry=True)
    action = gateway.start(request())

    assert [sent.idempotency_key for sent in stub.requests] == [REFERENCE, REFERENCE]
    assert stub.session(action.session_id)["amount_total"] == 185000


def test_a_slow_gateway_times_out_as_unavailable(stub: StripeStub) -> None:
    gateway = make_gateway(stub, timeout=0.2)
    stub.fail_next(status=0, delay=1.0)
    with pytest.raises(GatewayUnavailable, match="unreachable"):
        gateway.start(request())


def test_an_unreachable_gateway_is_unavailable() -> None:
    with StripeStub() as gone:
        api_base, api_key, secret = gone.api_base, gone.api_key, gone.webhook_secret
    gateway = StripeCheckoutGateway(
        config=StripeConfig(
            api_key=api_key, webhook_secret=secret, api_base=api_base, max_network_retries=0
        )
    )
    with pytest.raises(GatewayUnavailable) as caught:
        gateway.query(reference=REFERENCE, session_id="cs_test_123")
    assert api_key not in str(caught.value)


# --------------------------------------------------------------------------- query


def test_query_by_session_id_follows_the_session(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    action = gateway.start(request())
    pending = gateway.query(reference=REFERENCE, session_id=action.session_id)
    assert (pending.status, pending.amount, pending.currency) == ("pending", Decimal(185000), "VND")
    assert pending.gateway_txn_id == action.session_id

    stub.complete_session(action.session_id)
    paid = gateway.query(reference=REFERENCE, created_at=NOW, session_id=action.session_id)
    assert paid.status == "paid"
    assert paid.amount == Decimal("185000")
    assert paid.raw["payment_intent"].startswith("pi_test_")
    sent = stub.requests[-1]
    assert (sent.method, sent.path) == ("GET", f"/v1/checkout/sessions/{action.session_id}")


def test_query_reads_an_expired_session_as_cancelled(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    action = gateway.start(request())
    stub.expire_session(action.session_id)
    assert gateway.query(reference=REFERENCE, session_id=action.session_id).status == "cancelled"


def test_query_reads_a_delayed_payment_as_pending(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    action = gateway.start(request())
    stub.complete_session(action.session_id, paid=False)
    assert gateway.query(reference=REFERENCE, session_id=action.session_id).status == "pending"


def test_query_refuses_another_payments_session(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    other = gateway.start(request(reference="CPOTHER1"))
    with pytest.raises(GatewayError, match="another payment"):
        gateway.query(reference=REFERENCE, session_id=other.session_id)


def test_query_of_an_unknown_session_is_a_gateway_error(gateway: StripeCheckoutGateway) -> None:
    with pytest.raises(GatewayError, match="resource_missing") as caught:
        gateway.query(reference=REFERENCE, session_id="cs_test_doesnotexist")
    assert not isinstance(caught.value, GatewayUnavailable)


def test_query_refuses_what_is_not_a_session_id(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    for bad in ("pi_test_123", "cs_../../v1/refunds", "cs_test_1?expand=x"):
        with pytest.raises(GatewayError):
            gateway.query(reference=REFERENCE, session_id=bad)
    assert stub.requests == []


def test_query_by_reference_finds_the_session_around_created_at(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    for other in ("CPAAAAA1", "CPBBBBB2"):
        gateway.start(request(reference=other))
    action = paid_session(stub, gateway)
    gateway.start(request(reference="CPCCCCC3"))

    event = gateway.query(reference=REFERENCE, created_at=NOW)
    assert (event.status, event.gateway_txn_id) == ("paid", action.session_id)
    listed = stub.requests[-1]
    assert (listed.method, listed.path) == ("GET", "/v1/checkout/sessions")
    assert listed.query["created"] == {
        "gte": str(int((NOW - timedelta(hours=1)).timestamp())),
        "lte": str(int((NOW + timedelta(hours=25)).timestamp())),
    }


def test_query_by_reference_pages_through_the_list(stub: StripeStub) -> None:
    gateway = make_gateway(stub)
    action = paid_session(stub, gateway)
    for number in range(105):
        gateway.start(request(reference=f"CPX{number:05d}"))
    event = gateway.query(reference=REFERENCE, created_at=NOW)
    assert event.gateway_txn_id == action.session_id
    pages = [sent for sent in stub.requests if sent.method == "GET"]
    assert len(pages) == 2
    assert "starting_after" in pages[1].query


def test_query_without_a_session_reads_as_not_found(gateway: StripeCheckoutGateway) -> None:
    event = gateway.query(reference=REFERENCE, created_at=NOW)
    assert (event.status, event.amount, event.response_code) == ("pending", 0, "not_found")


def test_query_needs_a_session_id_or_created_at(gateway: StripeCheckoutGateway) -> None:
    with pytest.raises(GatewayError):
        gateway.query(reference=REFERENCE)


# --------------------------------------------------------------------------- refund


def test_full_refund_by_session_id(stub: StripeStub, gateway: StripeCheckoutGateway) -> None:
    action = paid_session(stub, gateway)
    result = gateway.refund(refund_request(gateway_txn_id=action.session_id))

    assert (result.status, result.amount, result.currency) == ("accepted", Decimal(185000), "VND")
    assert result.gateway_txn_id.startswith("re_test_")
    assert result.response_code == "succeeded"
    payment_intent = stub.session(action.session_id)["payment_intent"]
    (refund,) = stub.refunds_of(payment_intent)
    assert refund["amount"] == 185000
    sent = stub.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/v1/refunds")
    assert sent.form["payment_intent"] == payment_intent
    assert sent.form["amount"] == "185000"
    assert sent.form["metadata"]["reference"] == REFERENCE
    assert sent.idempotency_key == f"{REFERENCE}-refund-full"


def test_partial_refunds_until_nothing_is_left(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    action = paid_session(stub, gateway)
    payment_intent = stub.session(action.session_id)["payment_intent"]

    first = gateway.refund(
        refund_request(amount=Decimal("85000"), full=False, gateway_txn_id=payment_intent)
    )
    assert (first.status, first.amount) == ("accepted", Decimal("85000"))
    assert stub.requests[-1].idempotency_key == f"{REFERENCE}-refund-85000"

    too_much = gateway.refund(
        refund_request(amount=Decimal("150000"), full=False, gateway_txn_id=payment_intent)
    )
    assert (too_much.status, too_much.response_code) == ("rejected", "amount_too_large")

    rest = gateway.refund(
        refund_request(amount=Decimal("100000"), full=True, gateway_txn_id=payment_intent)
    )
    assert rest.status == "accepted"

    again = gateway.refund(
        refund_request(
            amount=Decimal("1000"),
            full=False,
            gateway_txn_id=payment_intent,
        )
    )
    assert (again.status, again.response_code) == ("rejected", "charge_already_refunded")
    assert sum(refund["amount"] for refund in stub.refunds_of(payment_intent)) == 185000


def test_a_retried_refund_refunds_once(stub: StripeStub, gateway: StripeCheckoutGateway) -> None:
    action = paid_session(stub, gateway)
    partial = refund_request(amount=Decimal("5000"), full=False, gateway_txn_id=action.session_id)
    first = gateway.refund(partial)
    second = gateway.refund(partial)

    assert second.gateway_txn_id == first.gateway_txn_id
    assert len(stub.refunds_of(stub.session(action.session_id)["payment_intent"])) == 1


def test_own_idempotency_keys_allow_two_equal_partial_refunds(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    action = paid_session(stub, gateway)
    partial = refund_request(amount=Decimal("5000"), full=False, gateway_txn_id=action.session_id)
    first = gateway.refund(partial, idempotency_key="refund-row-1")
    second = gateway.refund(partial, idempotency_key="refund-row-2")

    assert first.gateway_txn_id != second.gateway_txn_id
    assert len(stub.refunds_of(stub.session(action.session_id)["payment_intent"])) == 2


def test_refund_finds_the_payment_by_reference(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    action = paid_session(stub, gateway)
    result = gateway.refund(refund_request())
    assert result.status == "accepted"
    assert stub.refunds_of(stub.session(action.session_id)["payment_intent"])


def test_an_unpaid_session_cannot_be_refunded(
    stub: StripeStub, gateway: StripeCheckoutGateway
) -> None:
    action = gateway.start(request())
    result = gateway.refund(refund_request(gateway_txn_id=action.session_id))
    assert (result.status, result.response_code) == ("rejected", "not_paid")
    assert all(sent.path != "/v1/refunds" for sent in stub.requests)


def test_refund_refuses_foreign_ids(stub: StripeStub, gateway: StripeCheckoutGateway) -> None:
    with pytest.raises(GatewayError):
        gateway.refund(refund_request(gateway_txn_id="ch_3ABC"))
    other = gateway.start(request(reference="CPOTHER1"))
    stub.complete_session(other.session_id)
    with pytest.raises(GatewayError, match="another payment"):
        gateway.refund(refund_request(gateway_txn_id=other.session_id))
    assert all(sent.path != "/v1/refunds" for sent in stub.requests)


def test_refund_errors_are_translated(stub: StripeStub, gateway: StripeCheckoutGateway) -> None:
    action = paid_session(stub, gateway)
    payment_intent = stub.session(action.session_id)["payment_intent"]
    stub.fail_next(status=502)
    with pytest.raises(GatewayUnavailable):
        gateway.refund(refund_request(gateway_txn_id=payment_intent))
    with pytest.raises(GatewayError, match="resource_missing"):
        gateway.refund(refund_request(gateway_txn_id="pi_test_missing"))

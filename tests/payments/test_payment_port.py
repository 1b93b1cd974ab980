"""The port's data rules: Decimal money, whole đồng, aware datetimes, one conversion helper."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.ports import (
    GatewayError,
    GatewayEvent,
    GatewayUnavailable,
    InvalidSignature,
    NextAction,
    PaymentRequest,
    from_minor_units,
    to_minor_units,
)

NOW = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount", "multiplier", "wire"),
    [
        (Decimal("185000"), 100, 18_500_000),
        (Decimal("185000"), 1, 185_000),
        (Decimal("185000.00"), 100, 18_500_000),
        (Decimal("0"), 100, 0),
        (Decimal("1E+3"), 1, 1000),
    ],
)
def test_to_minor_units(amount: Decimal, multiplier: int, wire: int) -> None:
    assert to_minor_units(amount, currency="VND", multiplier=multiplier) == wire


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (185000.0, TypeError),
        (185000, TypeError),
        (True, TypeError),
        ("185000", TypeError),
        (Decimal("0.5"), ValueError),
        (Decimal("-1"), ValueError),
        (Decimal("NaN"), ValueError),
        (Decimal("Infinity"), ValueError),
    ],
)
def test_to_minor_units_refuses(amount: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        to_minor_units(amount, currency="VND", multiplier=100)  # type: ignore[arg-type]


def test_only_vnd_is_supported() -> None:
    with pytest.raises(ValueError, match="currency"):
        to_minor_units(Decimal(1), currency="USD", multiplier=100)
    with pytest.raises(ValueError, match="currency"):
        from_minor_units(100, currency="USD", multiplier=100)


@pytest.mark.parametrize("wire", ["", "1.0", "-100", "１００", "1e3", " 100"])
def test_from_minor_units_refuses_non_digit_strings(wire: str) -> None:
    with pytest.raises(ValueError):
        from_minor_units(wire, currency="VND", multiplier=100)


def test_from_minor_units_is_exact() -> None:
    assert from_minor_units("18500000", currency="VND", multiplier=100) == Decimal(185000)
    assert from_minor_units("18500050", currency="VND", multiplier=100) == Decimal("185000.5")


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from([1, 100]))
def test_minor_units_round_trip(dong: int, multiplier: int) -> None:
    wire = to_minor_units(Decimal(dong), currency="VND", multiplier=multiplier)
    assert from_minor_units(str(wire), currency="VND", multiplier=multiplier) == dong


def test_error_hierarchy() -> None:
    assert issubclass(InvalidSignature, GatewayError)
    assert issubclass(GatewayUnavailable, GatewayError)


def test_payment_request_rules() -> None:
    base: dict[str, object] = {
        "reference": "CP7K2M9Q",
        "amount": Decimal(1000),
        "description": "x",
        "buyer_ip": "127.0.0.1",
        "return_url": "https://x/",
        "notify_url": "https://x/",
        "created_at": NOW,
        "expires_at": NOW + timedelta(minutes=15),
    }
    assert PaymentRequest(**base).currency == "VND"  # type: ignore[arg-type]
    for bad in (
        {"reference": ""},
        {"amount": Decimal(0)},
        {"locale": "fr"},
        {"expires_at": NOW},
    ):
        with pytest.raises(ValueError):
            PaymentRequest(**(base | bad))  # type: ignore[arg-type]


def test_next_action_rules() -> None:
    assert NextAction(kind="none").url == ""
    with pytest.raises(ValueError):
        NextAction(kind="redirect")
    with pytest.raises(ValueError):
        NextAction(kind="qr")


def test_gateway_event_rules() -> None:
    event = GatewayEvent(
        reference="CP7K2M9Q",
        status="paid",
        amount=Decimal(1000),
        currency="VND",
        gateway_txn_id="1",
        response_code="00",
        raw={"a": "b"},
    )
    assert hash(event) == hash(event)
    with pytest.raises(ValueError):
        GatewayEvent(
            reference="x",
            status="refunded",  # type: ignore[arg-type]
            amount=Decimal(1),
            currency="VND",
            gateway_txn_id="",
            response_code="",
        )
    with pytest.raises(TypeError):
        GatewayEvent(
            reference="x",
            status="paid",
            amount=1.0,  # type: ignore[arg-type]
            currency="VND",
            gateway_txn_id="",
            response_code="",
        )

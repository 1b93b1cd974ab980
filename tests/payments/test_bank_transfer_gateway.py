"""The VietQR bank-transfer adapter: QR on start, payment from the signed bank feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from payments.gateways.bank_statement import StatementLine, build_webhook
from payments.gateways.bank_transfer import BankTransferConfig, BankTransferGateway
from payments.ports import (
    Gateway,
    GatewayError,
    InvalidSignature,
    PaymentRequest,
    RefundRequest,
)
from payments.vietqr import read_transfer

SECRET = "bank-feed-shared-secret"
NOW = datetime(2026, 11, 22, 5, 3, tzinfo=UTC)


def gateway() -> BankTransferGateway:
    config = BankTransferConfig(
        bank_bin="970436", account_number="1012345678", webhook_secret=SECRET
    )
    return BankTransferGateway(config=config, clock=lambda: NOW)


def request(**overrides: object) -> PaymentRequest:
    values: dict[str, object] = {
        "reference": "CP7K2M9Q",
        "amount": Decimal("185000"),
        "description": "Đơn hàng CP7K2M9Q",
        "buyer_ip": "113.161.10.20",
        "return_url": "https://chophien.example/thanh-toan/CP7K2M9Q/",
        "notify_url": "https://chophien.example/bank-feed/",
        "created_at": NOW,
        "expires_at": NOW + timedelta(hours=24),
    }
    values.update(overrides)
    return PaymentRequest(**values)  # type: ignore[arg-type]


def credit(description: str, *, amount: int = 185000, ref: str = "FT1") -> StatementLine:
    return StatementLine(
        amount=Decimal(amount),
        description=description,
        bank_reference=ref,
        account_number="1012345678",
        occurred_at=NOW,
    )


def test_satisfies_the_port() -> None:
    assert isinstance(gateway(), Gateway)


def test_start_shows_a_vietqr_code_for_the_exact_amount() -> None:
    action = gateway().start(request())
    assert action.kind == "qr"
    info = read_transfer(action.qr_payload)
    assert (info.bank_bin, info.account_number, info.amount, info.reference) == (
        "970436",
        "1012345678",
        Decimal("185000"),
        "CP7K2M9Q",
    )


@pytest.mark.parametrize("reference", ["cp7k2m9q", "CP7K2M9", "XX7K2M9Q", "CP-K2M9Q"])
def test_start_refuses_references_the_matcher_could_not_find(reference: str) -> None:
    with pytest.raises(GatewayError):
        gateway().start(request(reference=reference))


def test_config_is_checked_up_front() -> None:
    with pytest.raises(ValueError):
        BankTransferConfig(bank_bin="12", account_number="1", webhook_secret=SECRET)
    with pytest.raises(ValueError):
        BankTransferConfig(bank_bin="970436", account_number="1", webhook_secret="")


def test_single_credit_becomes_a_paid_event() -> None:
    body, headers = build_webhook(
        lines=[credit("chuyen tien cp 7k2m9q don hang"), credit("phi", amount=-2200, ref="F2")],
        secret=SECRET,
        sent_at=NOW,
    )
    event = gateway().parse_callback(params={}, body=body, headers=headers)
    assert (event.reference, event.status, event.amount) == ("CP7K2M9Q", "paid", Decimal(185000))
    assert event.gateway_txn_id == "FT1"


@pytest.mark.parametrize(
    "lines",
    [
        [credit("CP7K2M9Q"), credit("CPAB12CD", ref="FT2")],
        [credit("chuyen tien")],
        [credit("CP7K2M9Q va CPAB12CD")],
        [],
    ],
)
def test_anything_but_one_referenced_credit_needs_matching(lines: list[StatementLine]) -> None:
    body, headers = build_webhook(lines=lines, secret=SECRET, sent_at=NOW)
    with pytest.raises(GatewayError) as caught:
        gateway().parse_callback(params={}, body=body, headers=headers)
    assert not isinstance(caught.value, InvalidSignature)
    assert len(gateway().parse_statement(body=body, headers=headers).lines) == len(lines)


def test_forged_delivery_is_refused() -> None:
    body, headers = build_webhook(lines=[credit("CP7K2M9Q")], secret="guess", sent_at=NOW)
    with pytest.raises(InvalidSignature):
        gateway().parse_callback(params={}, body=body, headers=headers)
    with pytest.raises(InvalidSignature):
        gateway().parse_callback(params={}, body=body)


def test_no_query_or_refund_api() -> None:
    with pytest.raises(GatewayError):
        gateway().query(reference="CP7K2M9Q", created_at=NOW)
    refund = RefundRequest(
        reference="CP7K2M9Q",
        amount=Decimal(1000),
        full=False,
        gateway_txn_id="FT1",
        payment_created_at=NOW,
        requested_by="staff",
        reason="x",
    )
    with pytest.raises(GatewayError):
        gateway().refund(refund)

"""Adapters are built from a CACHES-style settings dict, never at import time."""

from __future__ import annotations

import pytest

from payments.gateways.bank_transfer import BankTransferGateway
from payments.gateways.factory import build_gateway
from payments.gateways.vnpay import VNPayGateway

SETTINGS = {
    "vnpay": {
        "BACKEND": "payments.gateways.vnpay.VNPayGateway",
        "OPTIONS": {
            "tmn_code": "CHOPHIEN",
            "hash_secret": "secret",
            "pay_url": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
            "api_url": "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
            "timeout": 5,
        },
    },
    "bank_transfer": {
        "BACKEND": "payments.gateways.bank_transfer.BankTransferGateway",
        "OPTIONS": {
            "bank_bin": "970436",
            "account_number": "1012345678",
            "webhook_secret": "secret",
            "tolerance": 120,
        },
    },
    "outside": {"BACKEND": "os.path.join"},
    "missing": {"BACKEND": "payments.gateways.vnpay.NoSuchGateway"},
    "not_an_adapter": {"BACKEND": "payments.gateways.vnpay.VNPayConfig"},
    "bad_options": {
        "BACKEND": "payments.gateways.vnpay.VNPayGateway",
        "OPTIONS": {"tmn_code": "X", "colour": "red"},
    },
}


def test_builds_the_configured_adapters() -> None:
    assert isinstance(build_gateway(name="vnpay", settings=SETTINGS), VNPayGateway)
    bank = build_gateway(name="bank_transfer", settings=SETTINGS)
    assert isinstance(bank, BankTransferGateway)


def test_secrets_stay_out_of_reprs() -> None:
    gateway = build_gateway(name="vnpay", settings=SETTINGS)
    assert "secret" not in repr(gateway._config)


@pytest.mark.parametrize("name", ["nope", "outside", "missing", "not_an_adapter", "bad_options"])
def test_misconfiguration_is_a_value_error(name: str) -> None:
    with pytest.raises(ValueError):
        build_gateway(name=name, settings=SETTINGS)

"""VNPay 2.1.0 signing and verification: pay URL, return/IPN, IPN answers (no network)."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.parse
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.gateways.vnpay import (
    IPN_ALREADY_CONFIRMED,
    IPN_CONFIRM_SUCCESS,
    IPN_INVALID_AMOUNT,
    IPN_INVALID_SIGNATURE,
    IPN_ORDER_NOT_FOUND,
    IPN_UNKNOWN_ERROR,
    VNPayConfig,
    VNPayGateway,
    canonical_query,
    event_status,
    format_vnp_datetime,
    order_info_text,
    parse_vnp_datetime,
    sign,
    sign_params,
    verify_params,
)
from payments.ports import (
    Gateway,
    GatewayError,
    InvalidSignature,
    PaymentRequest,
)
from payments.simulators.vnpay import SimulatorError, VNPaySimulatorCore

SECRET = "CHOPHIENSECRETKEY0123456789ABCDE"
TMN = "CHOPHIEN"
NOW = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)  # 12:00 in Hà Nội


def make_gateway(**overrides: object) -> VNPayGateway:
    config = VNPayConfig(
        tmn_code=TMN,
        hash_secret=SECRET,
        pay_url="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        api_url="https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
        **overrides,  # type: ignore[arg-type]
    )
    return VNPayGateway(config=config, clock=lambda: NOW)


def make_request(**overrides: object) -> PaymentRequest:
    values: dict[str, object] = {
        "reference": "CP7K2M9Q",
        "amount": Decimal("185000"),
        "description": "Thanh toán đơn hàng CP7K2M9Q: Chè Shan Tuyết Hà Giang",
        "buyer_ip": "113.161.10.20",
        "return_url": "https://chophien.example/vnpay/return/?a=1&b=2",
        "notify_url": "https://chophien.example/vnpay/ipn/",
        "created_at": NOW,
        "expires_at": NOW + timedelta(minutes=15),
    }
    values.update(overrides)
    return PaymentRequest(**values)  # type: ignore[arg-type]


def make_simulator() -> VNPaySimulatorCore:
    return VNPaySimulatorCore(tmn_code=TMN, hash_secret=SECRET, clock=lambda: NOW)


def query_of(url: str) -> dict[str, str]:
    pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True)
    return dict(pairs)


# --------------------------------------------------------------------------- published vectors


def test_canonical_query_reproduces_vnpays_documented_pay_url() -> None:
    # The example pay URL of VNPay's integration guide (sandbox.vnpayment.vn/apis/docs).
    documented = (
        "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
        "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5"
        "&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
        "&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0"
    )
    params = {
        "vnp_Version": "2.1.0",
        "vnp_TxnRef": "5",
        "vnp_TmnCode": "DEMOV210",
        "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
        "vnp_OrderType": "other",
        "vnp_OrderInfo": "Thanh toan don hang :5",
        "vnp_Locale": "vn",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_CurrCode": "VND",
        "vnp_CreateDate": "20210801153333",
        "vnp_Command": "pay",
        "vnp_Amount": "1806000",
    }
    assert canonical_query(params) == documented


# A return-URL vector published in the test suite of the `vnpay` npm package
# (github.com/lehuygiang28/vnpay, test/verify-return-url.test.ts), secret "test_secret".
PUBLISHED_RETURN = {
    "vnp_Amount": "1000000",
    "vnp_BankCode": "NCB",
    "vnp_BankTranNo": "VNP14422574",
    "vnp_CardType": "ATM",
    "vnp_OrderInfo": "Thanh toan don hang 2024-05-21T02:17:31.249Z",
    "vnp_PayDate": "20240521091806",
    "vnp_ResponseCode": "00",
    "vnp_TmnCode": "TEST_TMN_CODE",
    "vnp_TransactionNo": "14422574",
    "vnp_TransactionStatus": "00",
    "vnp_TxnRef": "1716257871703",
    "vnp_SecureHash": (
        "649982421beb422556a1374713c74e58e716ecbd05007c0c0e1f7effdfaf361d"
        "bf146889ca446139afe11b9954c4d5c486e99e3b86fcfab6957f29eb0be72895"
    ),
}


def published_gateway() -> VNPayGateway:
    config = VNPayConfig(
        tmn_code="TEST_TMN_CODE",
        hash_secret="test_secret",
        pay_url="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        api_url="https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
    )
    return VNPayGateway(config=config)


def test_published_return_vector_verifies_and_reads_as_paid() -> None:
    event = published_gateway().parse_callback(params=PUBLISHED_RETURN)
    assert event.status == "paid"
    assert event.reference == "1716257871703"
    assert event.amount == Decimal("10000")
    assert event.currency == "VND"
    assert event.gateway_txn_id == "14422574"
    assert event.occurred_at == datetime(2024, 5, 21, 2, 18, 6, tzinfo=UTC)


def test_published_failed_return_vector() -> None:
    params = dict(
        PUBLISHED_RETURN,
        vnp_ResponseCode="99",
        vnp_SecureHash=(
            "503194f6d93b57b357b2d1d09742565e67e86d771352c5dca4fc8d39df3d392c"
            "6b3809add9405f97cfb9631f445e36c80656cfbf47eac67d97fa165865c13e1b"
        ),
    )
    event = published_gateway().parse_callback(params=params)
    assert event.status == "failed"
    assert event.response_code == "99"


def test_published_vector_with_changed_code_but_old_hash_is_refused() -> None:
    with pytest.raises(InvalidSignature):
        published_gateway().parse_callback(params=dict(PUBLISHED_RETURN, vnp_ResponseCode="99"))


# --------------------------------------------------------------------------- pay URL


def test_pay_url_has_every_field_of_the_2_1_0_spec() -> None:
    url = make_gateway().start(make_request()).url
    assert url.startswith("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?")
    params = query_of(url)
    assert params == {
        "vnp_Amount": "18500000",
        "vnp_Command": "pay",
        "vnp_CreateDate": "20261122120000",
        "vnp_CurrCode": "VND",
        "vnp_ExpireDate": "20261122121500",
        "vnp_IpAddr": "113.161.10.20",
        "vnp_Locale": "vn",
        "vnp_OrderInfo": "Thanh toan don hang CP7K2M9Q: Che Shan Tuyet Ha Giang",
        "vnp_OrderType": "other",
        "vnp_ReturnUrl": "https://chophien.example/vnpay/return/?a=1&b=2",
        "vnp_TmnCode": TMN,
        "vnp_TxnRef": "CP7K2M9Q",
        "vnp_Version": "2.1.0",
        "vnp_SecureHash": params["vnp_SecureHash"],
    }
    # The hash is the last parameter and covers exactly the text before it.
    signed_part, _, secure_hash = urllib.parse.urlsplit(url).query.rpartition("&vnp_SecureHash=")
    expected = hmac.new(SECRET.encode(), signed_part.encode(), hashlib.sha512).hexdigest()
    assert secure_hash == expected
    assert secure_hash == secure_hash.lower()


def test_pay_url_is_built_by_hand_the_documented_way() -> None:
    params = make_gateway().pay_params(make_request())
    by_hand = "&".join(
        f"{key}={urllib.parse.quote_plus(value)}" for key, value in sorted(params.items())
    )
    assert "vnp_ReturnUrl=https%3A%2F%2Fchophien.example%2Fvnpay%2Freturn%2F%3Fa%3D1%26b%3D2" in (
        by_hand
    )
    assert (
        make_gateway()
        .pay_url(make_request())
        .endswith(f"?{by_hand}&vnp_SecureHash={sign(by_hand, secret=SECRET)}")
    )


def test_english_locale_and_gmt7_dates_from_any_timezone() -> None:
    from datetime import timezone

    created = datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=-5)))
    params = make_gateway().pay_params(
        make_request(locale="en", created_at=created, expires_at=created + timedelta(hours=1))
    )
    assert params["vnp_Locale"] == "en"
    assert params["vnp_CreateDate"] == "20260101123000"
    assert params["vnp_ExpireDate"] == "20260101133000"


def test_gateway_satisfies_the_port() -> None:
    assert isinstance(make_gateway(), Gateway)


@pytest.mark.parametrize(
    "overrides",
    [
        {"reference": "CP 7K2"},
        {"reference": "x" * 101},
        {"currency": "USD"},
        {"buyer_ip": ""},
    ],
)
def test_pay_params_refuse_what_vnpay_would(overrides: dict[str, object]) -> None:
    if overrides.get("currency"):
        with pytest.raises(ValueError, match="currency"):
            make_request(**overrides)
        return
    with pytest.raises(GatewayError):
        make_gateway().start(make_request(**overrides))


def test_payment_request_refuses_float_and_fractional_money() -> None:
    with pytest.raises(TypeError):
        make_request(amount=185000.0)
    with pytest.raises(ValueError, match="whole"):
        make_request(amount=Decimal("185000.5"))
    with pytest.raises(ValueError, match="aware"):
        make_request(created_at=datetime(2026, 1, 1), expires_at=datetime(2026, 1, 2))


def test_order_info_is_folded_to_plain_ascii() -> None:
    assert order_info_text("Đơn hàng #12 – Mắm tôm *Thanh Hóa* ~ ưu đãi") == (
        "Don hang 12 Mam tom Thanh Hoa uu dai"
    )
    assert order_info_text("x" * 300) == "x" * 255
    with pytest.raises(ValueError):
        order_info_text("–~*")


def test_dates_round_trip_in_gmt7() -> None:
    assert format_vnp_datetime(NOW) == "20261122120000"
    assert parse_vnp_datetime("20261122120000") == NOW
    for bad in (
        "2026112212000",
        "2026-11-22 12:00",
        "20261322120000",
        "２０２６１１２２１２００００",
    ):
        with pytest.raises(ValueError):
            parse_vnp_datetime(bad)
    with pytest.raises(ValueError):
        format_vnp_datetime(datetime(2026, 1, 1))


# --------------------------------------------------------------------------- return / IPN


def paid_params() -> dict[str, str]:
    simulator = make_simulator()
    simulator.accept_pay_url(make_gateway().start(make_request()).url)
    return simulator.pay("CP7K2M9Q")


def test_simulated_payment_round_trip() -> None:
    event = make_gateway().parse_callback(params=paid_params())
    assert event.status == "paid"
    assert event.response_code == "00"
    assert event.amount == Decimal("185000")
    assert event.reference == "CP7K2M9Q"
    assert event.gateway_txn_id
    assert event.raw["vnp_TransactionStatus"] == "00"


def test_simulated_cancel_reads_as_cancelled() -> None:
    simulator = make_simulator()
    simulator.accept_pay_url(make_gateway().start(make_request()).url)
    params = simulator.cancel("CP7K2M9Q")
    assert params["vnp_ResponseCode"] == "24"
    assert params["vnp_TransactionStatus"] == "02"
    event = make_gateway().parse_callback(params=params)
    assert event.status == "cancelled"


def test_return_url_round_trips_through_a_browser_redirect() -> None:
    simulator = make_simulator()
    simulator.accept_pay_url(make_gateway().start(make_request()).url)
    params = simulator.pay("CP7K2M9Q")
    url = simulator.return_url("CP7K2M9Q", params)
    received = query_of(url)
    # The merchant's own query parameters travel along and are not signed.
    assert received.pop("a") == "1"
    assert received.pop("b") == "2"
    assert make_gateway().parse_callback(params=received).status == "paid"


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("00", "00", "paid"),
        ("24", "02", "cancelled"),
        ("00", "01", "pending"),
        ("07", "00", "failed"),
        ("51", "02", "failed"),
        ("00", "02", "failed"),
        ("11", "02", "failed"),
    ],
)
def test_event_status_table(code: str, status: str, expected: str) -> None:
    assert event_status(response_code=code, transaction_status=status) == expected


def test_hash_type_and_foreign_parameters_are_not_signed() -> None:
    params = paid_params()
    params["vnp_SecureHashType"] = "HmacSHA512"
    params["utm_source"] = "zalo"
    assert make_gateway().parse_callback(params=params).status == "paid"


def test_upper_case_hash_and_any_parameter_order_verify() -> None:
    params = paid_params()
    params["vnp_SecureHash"] = params["vnp_SecureHash"].upper()
    shuffled = dict(reversed(list(params.items())))
    assert make_gateway().parse_callback(params=shuffled).status == "paid"


def tamper_cases() -> list[tuple[str, object]]:
    def change(key: str, value: str):  # type: ignore[no-untyped-def]
        def apply(params: dict[str, str]) -> None:
            params[key] = value

        return apply

    def drop(key: str):  # type: ignore[no-untyped-def]
        def apply(params: dict[str, str]) -> None:
            del params[key]

        return apply

    def swap(params: dict[str, str]) -> None:
        params["vnp_ResponseCode"], params["vnp_TransactionStatus"] = (
            params["vnp_TransactionStatus"],
            "24",
        )

    def truncate_hash(params: dict[str, str]) -> None:
        params["vnp_SecureHash"] = params["vnp_SecureHash"][:-2]

    def unsorted_hash(params: dict[str, str]) -> None:
        # Signed in the order received instead of sorted: VNPay's receiver refuses it.
        body = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
        text = "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in body.items())
        params["vnp_SecureHash"] = sign(text, secret=SECRET)

    def unencoded_hash(params: dict[str, str]) -> None:
        body = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
        text = "&".join(f"{k}={v}" for k, v in sorted(body.items()))
        params["vnp_SecureHash"] = sign(text, secret=SECRET)

    def other_secret(params: dict[str, str]) -> None:
        resigned = sign_params(
            {k: v for k, v in params.items() if k != "vnp_SecureHash"}, secret="WRONG"
        )
        params.update(resigned)

    return [
        ("amount raised", change("vnp_Amount", "1850000000")),
        ("amount lowered", change("vnp_Amount", "100")),
        ("reference swapped", change("vnp_TxnRef", "CP0000000")),
        ("status forged", change("vnp_ResponseCode", "24")),
        ("added vnp field", change("vnp_Bonus", "1")),
        ("empty value added", change("vnp_Extra", "")),
        ("field dropped", drop("vnp_BankTranNo")),
        ("hash dropped", drop("vnp_SecureHash")),
        ("hash emptied", change("vnp_SecureHash", "")),
        ("hash truncated", truncate_hash),
        ("hash not hex", change("vnp_SecureHash", "ž" * 128)),
        ("values swapped", swap),
        ("signed unsorted", unsorted_hash),
        ("signed unencoded", unencoded_hash),
        ("signed with another secret", other_secret),
    ]


@pytest.mark.parametrize(("label", "tamper"), tamper_cases(), ids=[c[0] for c in tamper_cases()])
def test_tampered_callbacks_are_refused(label: str, tamper) -> None:  # type: ignore[no-untyped-def]
    params = paid_params()
    tamper(params)
    with pytest.raises(InvalidSignature):
        make_gateway().parse_callback(params=params)


def test_callback_for_another_merchant_is_refused() -> None:
    params = sign_params(
        {k: v for k, v in paid_params().items() if k != "vnp_SecureHash"} | {"vnp_TmnCode": "X"},
        secret=SECRET,
    )
    with pytest.raises(GatewayError):
        make_gateway().parse_callback(params=params)


def test_signed_but_incomplete_callback_is_a_gateway_error() -> None:
    params = sign_params({"vnp_TmnCode": TMN, "vnp_TxnRef": "CP7K2M9Q"}, secret=SECRET)
    with pytest.raises(GatewayError) as caught:
        make_gateway().parse_callback(params=params)
    assert not isinstance(caught.value, InvalidSignature)


wire_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(
    st.dictionaries(
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1).map(
            lambda name: f"vnp_{name}"
        ),
        wire_text,
        min_size=1,
        max_size=8,
    ).filter(lambda d: not ({"vnp_SecureHash", "vnp_SecureHashType"} & d.keys())),
    st.data(),
)
def test_any_signed_parameters_verify_and_any_change_fails(
    params: dict[str, str], data: st.DataObject
) -> None:
    signed = sign_params(params, secret=SECRET)
    assert verify_params(signed, secret=SECRET) == params
    key = data.draw(st.sampled_from(sorted(params)))
    new_value = data.draw(wire_text.filter(lambda v: v != params[key]))
    tampered = dict(signed, **{key: new_value})
    with pytest.raises(InvalidSignature):
        verify_params(tampered, secret=SECRET)


# --------------------------------------------------------------------------- IPN answers


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (IPN_CONFIRM_SUCCESS, "00"),
        (IPN_ORDER_NOT_FOUND, "01"),
        (IPN_ALREADY_CONFIRMED, "02"),
        (IPN_INVALID_AMOUNT, "04"),
        (IPN_INVALID_SIGNATURE, "97"),
        (IPN_UNKNOWN_ERROR, "99"),
    ],
)
def test_ipn_answers_are_vnpays_json(answer, code: str) -> None:  # type: ignore[no-untyped-def]
    body = json.loads(answer.as_json())
    assert body == {"RspCode": code, "Message": answer.message}
    assert list(body) == ["RspCode", "Message"]


# --------------------------------------------------------------------------- simulator pay side


def test_simulator_refuses_forged_pay_urls() -> None:
    url = make_gateway().start(make_request()).url
    forged = url.replace("vnp_Amount=18500000", "vnp_Amount=100")
    with pytest.raises(InvalidSignature):
        make_simulator().accept_pay_url(forged)
    with pytest.raises(InvalidSignature):
        make_simulator().accept_pay_url(url.split("&vnp_SecureHash=")[0])


def test_simulator_refuses_other_merchants_and_expired_links() -> None:
    other = VNPaySimulatorCore(tmn_code="SOMEONE", hash_secret=SECRET, clock=lambda: NOW)
    with pytest.raises(SimulatorError) as caught:
        other.accept_pay_url(make_gateway().start(make_request()).url)
    assert caught.value.code == "02"

    late = VNPaySimulatorCore(
        tmn_code=TMN, hash_secret=SECRET, clock=lambda: NOW + timedelta(minutes=16)
    )
    with pytest.raises(SimulatorError) as caught:
        late.accept_pay_url(make_gateway().start(make_request()).url)
    assert caught.value.code == "11"


def test_simulator_refuses_reused_references_and_double_payment() -> None:
    simulator = make_simulator()
    url = make_gateway().start(make_request()).url
    assert simulator.accept_pay_url(url) is simulator.accept_pay_url(url)
    simulator.pay("CP7K2M9Q")
    with pytest.raises(SimulatorError):
        simulator.pay("CP7K2M9Q")
    with pytest.raises(SimulatorError):
        simulator.accept_pay_url(url)
    with pytest.raises(SimulatorError):
        simulator.cancel("UNKNOWN")

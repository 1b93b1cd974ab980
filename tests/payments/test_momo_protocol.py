"""MoMo AIO v2 at the HTTP seam: the adapter against a local server running the simulator.

Create, the signed result (IPN body and redirect query), query and refund travel over real
HTTP; good, bad, replayed and tampered messages, both ways. No database, no Django settings.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from payments.gateways.momo import (
    CREATE_PATH,
    MoMoConfig,
    MoMoGateway,
    event_status,
    raw_signature,
)
from payments.ports import (
    Gateway,
    GatewayError,
    GatewayUnavailable,
    InvalidSignature,
    PaymentRequest,
    RefundRequest,
)
from payments.simulators.momo import MoMoSimulatorCore

PARTNER = "CHOPHIEN"
ACCESS = "simulator-access-key"
SECRET = "simulator-secret-key-0123456789AB"
NOW = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)


@dataclass
class Stub:
    """The simulated MoMo API on a real socket, and what it saw."""

    core: MoMoSimulatorCore
    url: str = ""
    mode: str = "normal"
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    rewrite: Callable[[dict[str, Any]], None] | None = None


def _handler_for(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            stub.received.append((self.path, json.loads(body)))
            if stub.mode == "error500":
                return self._send(503, b"busy")
            if stub.mode == "garbage":
                return self._send(200, b"<html>maintenance</html>")
            answer = stub.core.answer(self.path, body)
            if stub.rewrite is not None:
                stub.rewrite(answer)
            self._send(200, json.dumps(answer).encode())

        def _send(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


@pytest.fixture
def stub() -> Iterator[Stub]:
    core = MoMoSimulatorCore(
        partner_code=PARTNER,
        access_key=ACCESS,
        secret_key=SECRET,
        pay_url="https://wallet.example/pay",
        clock=lambda: NOW,
    )
    state = Stub(core=core)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


_request_ids = itertools.count(1)


def gateway(url: str, *, secret: str = SECRET, partner: str = PARTNER) -> MoMoGateway:
    config = MoMoConfig(
        partner_code=partner, access_key=ACCESS, secret_key=secret, endpoint=url, timeout=5.0
    )
    return MoMoGateway(config=config, request_id=lambda: f"REQ{next(_request_ids)}")


def payment(reference: str = "CP7K2M9Q", amount: str = "185000") -> PaymentRequest:
    return PaymentRequest(
        reference=reference,
        amount=Decimal(amount),
        description="Chợ Phiên - đơn hàng 100023 & quà",
        buyer_ip="113.161.10.20",
        return_url="https://chophien.example/payments/return/momo/?ref=" + reference,
        notify_url="https://chophien.example/payments/momo/ipn",
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=15),
    )


def paid(stub: Stub, reference: str = "CP7K2M9Q") -> dict[str, Any]:
    gateway(stub.url).start(payment(reference))
    return stub.core.pay(reference)


def as_query(result: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in result.items()}


# --------------------------------------------------------------------------- create


def test_the_adapter_implements_the_port():
    assert isinstance(gateway("https://test-payment.momo.vn"), Gateway)


def test_forms_may_send_the_buyer_to_momo_s_pay_page_origin():
    assert MoMoGateway.browser_origins({"endpoint": "https://payment.momo.vn"}) == (
        "https://payment.momo.vn",
    )
    options = {"endpoint": "https://payment.momo.vn", "pay_origin": "https://pay.momo.vn/x"}
    assert MoMoGateway.browser_origins(options) == ("https://pay.momo.vn",)


def test_create_is_signed_as_momo_documents(stub):
    action = gateway(stub.url).start(payment())
    path, sent = stub.received[-1]
    assert path == CREATE_PATH
    assert sent["requestType"] == "captureWallet" and sent["amount"] == 185000
    assert sent["orderId"] == sent["requestId"] == "CP7K2M9Q"
    assert "accessKey" not in sent  # signed, never sent
    assert "&" not in sent["orderInfo"]  # the raw string's separator cannot be smuggled in
    raw = (
        f"accessKey={ACCESS}&amount=185000&extraData=&ipnUrl={sent['ipnUrl']}"
        f"&orderId=CP7K2M9Q&orderInfo={sent['orderInfo']}&partnerCode={PARTNER}"
        f"&redirectUrl={sent['redirectUrl']}&requestId=CP7K2M9Q&requestType=captureWallet"
    )
    expected = hmac.new(SECRET.encode(), raw.encode(), hashlib.sha256).hexdigest()
    assert sent["signature"] == expected
    assert action.kind == "redirect" and action.url.startswith("https://wallet.example/pay?t=")


def test_starting_the_same_payment_twice_gets_the_same_wallet_page(stub):
    first = gateway(stub.url).start(payment())
    assert gateway(stub.url).start(payment()).url == first.url
    assert len(stub.core.payments) == 1


def test_create_with_a_wrong_key_is_refused_by_momo(stub):
    with pytest.raises(GatewayError, match="code 13"):
        gateway(stub.url, secret="not-the-secret").start(payment())
    assert stub.core.payments == {}


def test_create_for_an_order_id_momo_already_has_is_refused(stub):
    gw = gateway(stub.url)
    gw.start(payment())
    body = gw.create_payload(payment())
    body["requestId"] = "ANOTHER1"  # same orderId, another request: no second payment
    body["signature"] = _resign(body)
    assert gw._post_json(CREATE_PATH, body)["resultCode"] == 41


def _resign(body: dict[str, Any]) -> str:
    from payments.gateways.momo import CREATE_SIGNED, sign_fields

    return sign_fields(body, CREATE_SIGNED, access_key=ACCESS, secret=SECRET)


@pytest.mark.parametrize("amount", ["999", "50000001"])
def test_amounts_momo_does_not_take_are_refused_before_the_call(stub, amount):
    with pytest.raises(GatewayError, match="1000 to 50000000"):
        gateway(stub.url).start(payment(amount=amount))
    assert stub.received == []


def test_a_replayed_create_with_changed_content_is_refused(stub):
    gw = gateway(stub.url)
    body = gw.create_payload(payment())
    gw._post_json(CREATE_PATH, body)
    body["amount"] = 1000
    body["signature"] = _resign(body)
    assert gw._post_json(CREATE_PATH, body)["resultCode"] == 40


def test_a_create_answer_for_another_order_is_refused(stub):
    stub.rewrite = lambda answer: answer.update(orderId="CPOTHER1")
    with pytest.raises(GatewayError, match="another orderId"):
        gateway(stub.url).start(payment())


def test_momo_down_is_a_transient_error(stub):
    stub.mode = "error500"
    with pytest.raises(GatewayUnavailable):
        gateway(stub.url).start(payment())
    stub.mode = "garbage"
    with pytest.raises(GatewayError, match="not JSON"):
        gateway(stub.url).start(payment())


def test_an_unreachable_momo_is_a_transient_error():
    with pytest.raises(GatewayUnavailable):
        gateway("http://127.0.0.1:9").start(payment())


# --------------------------------------------------------------------------- IPN and redirect


def test_the_ipn_body_and_the_redirect_read_the_same(stub):
    result = paid(stub)
    gw = gateway(stub.url)
    from_ipn = gw.parse_callback(params={}, body=json.dumps(result).encode())
    redirect = stub.core.redirect_url(result)
    from_redirect = gw.parse_callback(params=dict(parse_qsl(urlsplit(redirect).query)))
    assert from_ipn.status == from_redirect.status == "paid"
    assert from_ipn.reference == "CP7K2M9Q" and from_ipn.amount == Decimal(185000)
    assert from_ipn.gateway_txn_id == str(result["transId"]) == from_redirect.gateway_txn_id
    assert from_ipn.occurred_at == NOW


def test_the_ipn_signature_covers_the_documented_fields(stub):
    result = paid(stub)
    fields = [
        *("accessKey", "amount", "extraData", "message", "orderId", "orderInfo", "orderType"),
        *("partnerCode", "payType", "requestId", "responseTime", "resultCode", "transId"),
    ]
    raw = raw_signature({**result, "accessKey": ACCESS}, fields)
    assert raw.startswith(f"accessKey={ACCESS}&amount=185000&extraData=&message=")
    assert result["signature"] == hmac.new(SECRET.encode(), raw.encode(), "sha256").hexdigest()


def test_a_declined_payment_reads_cancelled(stub):
    gateway(stub.url).start(payment())
    event = gateway(stub.url).parse_callback(
        params={}, body=json.dumps(stub.core.cancel("CP7K2M9Q")).encode()
    )
    assert event.status == "cancelled" and event.response_code == "1006"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: {**r, "amount": r["amount"] // 2},
        lambda r: {**r, "resultCode": 0, "orderId": r["orderId"] + "X"},
        lambda r: {**r, "transId": r["transId"] + 1},
        lambda r: {**r, "signature": "0" * 64},
        lambda r: {k: v for k, v in r.items() if k != "signature"},
        lambda r: {**r, "amount": float(r["amount"])},
        lambda r: {**r, "orderInfo": ["a"]},
    ],
    ids=["amount", "order", "trans", "signature", "no-signature", "float", "list"],
)
def test_a_tampered_result_is_refused(stub, tamper):
    result = tamper(paid(stub))
    gw = gateway(stub.url)
    with pytest.raises(InvalidSignature):
        gw.parse_callback(params={}, body=json.dumps(result).encode())


def test_a_result_signed_with_another_key_is_refused(stub):
    result = paid(stub)
    with pytest.raises(InvalidSignature):
        gateway(stub.url, secret="another-secret").parse_callback(
            params={}, body=json.dumps(result).encode()
        )


def test_a_genuine_result_for_another_partner_is_refused(stub):
    result = paid(stub)
    result["partnerCode"] = "SOMEONE"
    result["signature"] = stub.core.sign_result(result)
    with pytest.raises(GatewayError, match="another partner"):
        gateway(stub.url).parse_callback(params={}, body=json.dumps(result).encode())


@pytest.mark.parametrize("body", [b"{", b"[]", b"\xff", b"[" * 100_000])
def test_garbage_ipn_bodies_are_refused(stub, body):
    with pytest.raises(InvalidSignature):
        gateway(stub.url).parse_callback(params={}, body=body)


def test_extra_unsigned_fields_are_ignored(stub):
    result = {**as_query(paid(stub)), "ref": "CP7K2M9Q", "utm_source": "zalo"}
    event = gateway(stub.url).parse_callback(params=result)
    assert event.status == "paid" and "utm_source" not in event.raw


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("0", "paid"),
        ("1006", "cancelled"),
        ("1003", "cancelled"),
        ("1017", "cancelled"),
        ("9000", "pending"),
        ("7000", "pending"),
        ("7002", "pending"),
        ("1000", "pending"),
        ("1005", "failed"),
        ("1001", "failed"),
        ("11", "failed"),
    ],
)
def test_result_codes(code, status):
    assert event_status(code) == status


# --------------------------------------------------------------------------- query


def test_query_reconciles_a_payment_whose_ipn_never_came(stub):
    gw = gateway(stub.url)
    gw.start(payment())
    assert gw.query(reference="CP7K2M9Q").status == "pending"
    result = stub.core.pay("CP7K2M9Q")
    event = gw.query(reference="CP7K2M9Q")
    assert event.status == "paid" and event.amount == Decimal(185000)
    assert event.gateway_txn_id == str(result["transId"])
    path, sent = stub.received[-1]
    raw = f"accessKey={ACCESS}&orderId=CP7K2M9Q&partnerCode={PARTNER}&requestId={sent['requestId']}"
    assert sent["signature"] == hmac.new(SECRET.encode(), raw.encode(), "sha256").hexdigest()


def test_query_of_an_order_momo_does_not_know_is_pending(stub):
    event = gateway(stub.url).query(reference="CPNEVER1")
    assert event.status == "pending" and event.response_code == "42"


def test_query_answer_for_another_order_is_refused(stub):
    paid(stub)
    stub.rewrite = lambda answer: answer.update(orderId="CPOTHER1")
    with pytest.raises(GatewayError, match="another orderId"):
        gateway(stub.url).query(reference="CP7K2M9Q")


def test_query_with_a_wrong_key_is_refused(stub):
    paid(stub)
    with pytest.raises(GatewayError, match="code 13"):
        gateway(stub.url, secret="nope").query(reference="CP7K2M9Q")


# --------------------------------------------------------------------------- refund


def refund(stub: Stub, amount: str, *, trans_id: str, full: bool = False):
    return gateway(stub.url).refund(
        RefundRequest(
            reference="CP7K2M9Q",
            amount=Decimal(amount),
            full=full,
            gateway_txn_id=trans_id,
            payment_created_at=NOW,
            requested_by="operator",
            reason="Hết hàng",
        )
    )


def test_partial_refunds_up_to_the_amount_then_refused(stub):
    trans_id = str(paid(stub)["transId"])
    first = refund(stub, "85000", trans_id=trans_id)
    assert first.status == "accepted" and first.gateway_txn_id
    path, sent = stub.received[-1]
    assert sent["transId"] == int(trans_id) and sent["orderId"] != "CP7K2M9Q"
    second = refund(stub, "100000", trans_id=trans_id)
    assert second.status == "accepted" and second.gateway_txn_id != first.gateway_txn_id
    third = refund(stub, "1000", trans_id=trans_id)
    assert third.status == "rejected" and third.response_code == "1081"
    assert stub.core.payments["CP7K2M9Q"].refunded == 185000


def test_full_refund(stub):
    trans_id = str(paid(stub)["transId"])
    assert refund(stub, "185000", trans_id=trans_id, full=True).status == "accepted"


def test_refund_of_an_unpaid_payment_is_rejected(stub):
    gateway(stub.url).start(payment())
    trans_id = str(stub.core.cancel("CP7K2M9Q")["transId"])
    assert refund(stub, "185000", trans_id=trans_id).status == "rejected"


def test_refund_needs_momo_s_transaction_id(stub):
    with pytest.raises(GatewayError, match="transId"):
        refund(stub, "185000", trans_id="")
    assert stub.received == []


def test_refund_answer_for_another_amount_is_refused(stub):
    trans_id = str(paid(stub)["transId"])
    stub.rewrite = lambda answer: answer.update(amount=1)
    with pytest.raises(GatewayError, match="another amount"):
        refund(stub, "85000", trans_id=trans_id)

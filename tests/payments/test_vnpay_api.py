"""VNPay querydr/refund over real HTTP against a local stub that runs the simulator core."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from payments.gateways.vnpay import (
    QUERYDR_RESPONSE_FIELDS,
    VNPayConfig,
    VNPayGateway,
    pipe_data,
    sign,
)
from payments.ports import (
    GatewayError,
    GatewayUnavailable,
    InvalidSignature,
    PaymentRequest,
    RefundRequest,
)
from payments.simulators.vnpay import VNPaySimulatorCore

SECRET = "CHOPHIENSECRETKEY0123456789ABCDE"
TMN = "CHOPHIEN"
PAID_AT = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)
NOW = PAID_AT + timedelta(minutes=30)


@dataclass
class Stub:
    """What the stub server does with the next requests, and what it saw."""

    simulator: VNPaySimulatorCore
    url: str
    mode: str = "normal"
    received: list[dict[str, Any]] = field(default_factory=list)
    rewrite: Callable[[dict[str, Any]], None] | None = None


def _handler_for(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            stub.received.append(json.loads(body))
            if stub.mode == "slow":
                time.sleep(1.0)
            if stub.mode == "error500":
                self._send(500, b"oops")
                return
            if stub.mode == "notfound404":
                self._send(404, b"no")
                return
            if stub.mode == "garbage":
                self._send(200, b"<html>maintenance</html>")
                return
            answer = stub.simulator.answer_api(body)
            if stub.rewrite is not None:
                stub.rewrite(answer)
            self._send(200, json.dumps(answer).encode())

        def _send(self, status: int, payload: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (timeout tests)

    return Handler


@pytest.fixture
def stub() -> Iterator[Stub]:
    simulator = VNPaySimulatorCore(tmn_code=TMN, hash_secret=SECRET, clock=lambda: PAID_AT)
    state = Stub(simulator=simulator, url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/merchant_webapi/api/transaction"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def gateway_for(
    url: str, *, secret: str = SECRET, timeout: float = 5.0, request_id: str | None = None
) -> VNPayGateway:
    config = VNPayConfig(
        tmn_code=TMN,
        hash_secret=secret,
        pay_url="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        api_url=url,
        timeout=timeout,
        server_ip="10.0.0.5",
    )
    counter = iter(range(1, 1_000_000))
    return VNPayGateway(
        config=config,
        clock=lambda: NOW,
        request_id=(lambda: request_id) if request_id else (lambda: f"REQ{next(counter)}"),
    )


def place_order(stub: Stub, *, reference: str = "CP7K2M9Q", pay: bool = True) -> None:
    request = PaymentRequest(
        reference=reference,
        amount=Decimal("185000"),
        description="Don hang",
        buyer_ip="113.161.10.20",
        return_url="https://chophien.example/vnpay/return/",
        notify_url="https://chophien.example/vnpay/ipn/",
        created_at=PAID_AT,
        expires_at=PAID_AT + timedelta(minutes=15),
    )
    stub.simulator.accept_pay_url(gateway_for(stub.url).start(request).url)
    if pay:
        stub.simulator.pay(reference)


def refund_request(*, amount: str = "185000", full: bool = True) -> RefundRequest:
    return RefundRequest(
        reference="CP7K2M9Q",
        amount=Decimal(amount),
        full=full,
        gateway_txn_id="14000001",
        payment_created_at=PAID_AT,
        requested_by="staff@chophien.example",
        reason="Khach tra hang",
        requester_ip="10.0.0.5",
    )


# --------------------------------------------------------------------------- request signing


def test_querydr_request_is_signed_in_vnpays_documented_order(stub: Stub) -> None:
    place_order(stub)
    gateway_for(stub.url, request_id="REQ42").query(reference="CP7K2M9Q", created_at=PAID_AT)
    sent = stub.received[-1]
    # Written out by hand from VNPay's querydr documentation, not rebuilt from the code's
    # field list: RequestId|Version|Command|TmnCode|TxnRef|TransactionDate|CreateDate|
    # IpAddr|OrderInfo.
    data = (
        "REQ42|2.1.0|querydr|CHOPHIEN|CP7K2M9Q|20261122120000|20261122123000|10.0.0.5|"
        "Truy van giao dich CP7K2M9Q"
    )
    expected = hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()
    assert sent["vnp_SecureHash"] == expected
    assert sent["vnp_Command"] == "querydr"
    assert sent["vnp_TransactionDate"] == "20261122120000"


def test_refund_request_is_signed_in_vnpays_documented_order(stub: Stub) -> None:
    place_order(stub)
    gateway_for(stub.url, request_id="REQ43").refund(refund_request())
    sent = stub.received[-1]
    # RequestId|Version|Command|TmnCode|TransactionType|TxnRef|Amount|TransactionNo|
    # TransactionDate|CreateBy|CreateDate|IpAddr|OrderInfo
    data = (
        "REQ43|2.1.0|refund|CHOPHIEN|02|CP7K2M9Q|18500000|14000001|20261122120000|"
        "staff@chophien.example|20261122123000|10.0.0.5|Khach tra hang"
    )
    expected = hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()
    assert sent["vnp_SecureHash"] == expected
    assert sent["vnp_Amount"] == 18500000


def test_querydr_response_signature_covers_the_documented_fields() -> None:
    answer = {
        "vnp_ResponseId": "1",
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "Yêu cầu thành công",
        "vnp_TmnCode": TMN,
        "vnp_TxnRef": "CP7K2M9Q",
        "vnp_Amount": "18500000",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20261122120000",
        "vnp_TransactionNo": "14000001",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "00",
        "vnp_OrderInfo": "Don hang",
    }
    # Absent promotion fields are still signed, as empty values at the end.
    assert pipe_data(answer, QUERYDR_RESPONSE_FIELDS) == (
        "1|querydr|00|Yêu cầu thành công|CHOPHIEN|CP7K2M9Q|18500000|NCB|20261122120000|"
        "14000001|01|00|Don hang||"
    )


# --------------------------------------------------------------------------- querydr


def test_query_paid_transaction(stub: Stub) -> None:
    place_order(stub)
    event = gateway_for(stub.url).query(reference="CP7K2M9Q", created_at=PAID_AT)
    assert event.status == "paid"
    assert event.amount == Decimal("185000")
    assert event.gateway_txn_id == "14000001"
    assert event.occurred_at == PAID_AT
    assert event.raw["vnp_TransactionStatus"] == "00"


def test_query_unpaid_and_cancelled_transactions(stub: Stub) -> None:
    place_order(stub, pay=False)
    gateway = gateway_for(stub.url)
    assert gateway.query(reference="CP7K2M9Q", created_at=PAID_AT).status == "pending"
    stub.simulator.cancel("CP7K2M9Q")
    assert gateway.query(reference="CP7K2M9Q", created_at=PAID_AT).status == "failed"


def test_query_unknown_transaction_is_pending_with_code_91(stub: Stub) -> None:
    event = gateway_for(stub.url).query(reference="CPNOTHERE", created_at=PAID_AT)
    assert (event.status, event.response_code, event.amount) == ("pending", "91", Decimal(0))


def test_query_with_the_wrong_secret_is_refused_by_the_gateway(stub: Stub) -> None:
    place_order(stub)
    # The simulator answers 97, signed with the real secret, which we cannot check either.
    with pytest.raises(InvalidSignature):
        gateway_for(stub.url, secret="WRONG").query(reference="CP7K2M9Q", created_at=PAID_AT)
    assert stub.simulator.transactions["CP7K2M9Q"].status == "paid"


def test_signed_error_answers_become_gateway_errors(stub: Stub) -> None:
    def answer_99(answer: dict[str, Any]) -> None:
        answer.clear()
        answer.update({"vnp_ResponseId": "9", "vnp_Command": "querydr", "vnp_ResponseCode": "99"})
        answer["vnp_SecureHash"] = sign(pipe_data(answer, QUERYDR_RESPONSE_FIELDS), secret=SECRET)

    stub.rewrite = answer_99
    with pytest.raises(GatewayError, match="99") as caught:
        gateway_for(stub.url).query(reference="CP7K2M9Q", created_at=PAID_AT)
    assert not isinstance(caught.value, InvalidSignature | GatewayUnavailable)


def test_replayed_request_id_is_refused(stub: Stub) -> None:
    place_order(stub)
    gateway = gateway_for(stub.url, request_id="SAMEID")
    gateway.query(reference="CP7K2M9Q", created_at=PAID_AT)
    with pytest.raises(GatewayUnavailable, match="duplicate"):
        gateway.query(reference="CP7K2M9Q", created_at=PAID_AT)


def _tamper_amount(answer: dict[str, Any]) -> None:
    answer["vnp_Amount"] = "100"


def _drop_hash(answer: dict[str, Any]) -> None:
    del answer["vnp_SecureHash"]


def _other_ref(answer: dict[str, Any]) -> None:
    answer["vnp_TxnRef"] = "CPOTHER1"
    fields = QUERYDR_RESPONSE_FIELDS
    answer["vnp_SecureHash"] = sign(pipe_data(answer, fields), secret=SECRET)


def _float_amount(answer: dict[str, Any]) -> None:
    answer["vnp_Amount"] = 18500000.0


@pytest.mark.parametrize(
    ("rewrite", "error"),
    [
        (_tamper_amount, InvalidSignature),
        (_drop_hash, InvalidSignature),
        (_float_amount, InvalidSignature),
        (_other_ref, GatewayError),
    ],
)
def test_tampered_query_answers_are_refused(
    stub: Stub, rewrite: Callable[[dict[str, Any]], None], error: type[Exception]
) -> None:
    place_order(stub)
    stub.rewrite = rewrite
    with pytest.raises(error):
        gateway_for(stub.url).query(reference="CP7K2M9Q", created_at=PAID_AT)


# --------------------------------------------------------------------------- refund


def test_full_refund_is_accepted_and_a_retry_stays_accepted(stub: Stub) -> None:
    place_order(stub)
    gateway = gateway_for(stub.url)
    result = gateway.refund(refund_request())
    assert result.status == "accepted"
    assert result.response_code == "00"
    assert result.amount == Decimal("185000")
    assert result.gateway_txn_id
    assert stub.simulator.transactions["CP7K2M9Q"].refunded == 18500000
    again = gateway.refund(refund_request())
    assert (again.status, again.response_code) == ("accepted", "94")


def test_partial_refunds_until_the_money_runs_out(stub: Stub) -> None:
    place_order(stub)
    gateway = gateway_for(stub.url)
    first = gateway.refund(refund_request(amount="85000", full=False))
    second = gateway.refund(refund_request(amount="100000", full=False))
    assert (first.status, second.status) == ("accepted", "accepted")
    assert stub.simulator.transactions["CP7K2M9Q"].refunded == 18500000


def test_refund_above_the_paid_amount_is_refused(stub: Stub) -> None:
    place_order(stub)
    with pytest.raises(GatewayError, match="03"):
        gateway_for(stub.url).refund(refund_request(amount="185001", full=False))


def test_refund_of_an_unpaid_or_unknown_transaction_is_rejected(stub: Stub) -> None:
    place_order(stub, pay=False)
    gateway = gateway_for(stub.url)
    result = gateway.refund(refund_request())
    assert (result.status, result.response_code) == ("rejected", "95")
    unknown = RefundRequest(
        reference="CPNOTHERE",
        amount=Decimal("1000"),
        full=True,
        gateway_txn_id="",
        payment_created_at=PAID_AT,
        requested_by="staff",
        reason="x",
    )
    result = gateway.refund(unknown)
    assert (result.status, result.response_code) == ("rejected", "91")


def test_tampered_refund_answer_is_refused(stub: Stub) -> None:
    place_order(stub)
    stub.rewrite = _tamper_amount
    with pytest.raises(InvalidSignature):
        gateway_for(stub.url).refund(refund_request())


# --------------------------------------------------------------------------- HTTP edge


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("error500", GatewayUnavailable),
        ("notfound404", GatewayError),
        ("garbage", GatewayError),
    ],
)
def test_http_failures_become_gateway_errors(stub: Stub, mode: str, error: type[Exception]) -> None:
    stub.mode = mode
    with pytest.raises(error) as caught:
        gateway_for(stub.url).query(reference="CP7K2M9Q", created_at=PAID_AT)
    if error is GatewayError:
        assert not isinstance(caught.value, GatewayUnavailable)


def test_slow_gateway_times_out_as_unavailable(stub: Stub) -> None:
    stub.mode = "slow"
    with pytest.raises(GatewayUnavailable):
        gateway_for(stub.url, timeout=0.2).query(reference="CP7K2M9Q", created_at=PAID_AT)


def test_unreachable_gateway_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(GatewayUnavailable):
        gateway_for(f"http://127.0.0.1:{port}/api", timeout=1.0).query(
            reference="CP7K2M9Q", created_at=PAID_AT
        )


def test_config_refuses_non_http_urls() -> None:
    with pytest.raises(ValueError):
        gateway_for("file:///etc/passwd")

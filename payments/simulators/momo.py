"""The wallet side of MoMo's AIO v2 protocol, for development and tests.

:class:`MoMoSimulatorCore` does what MoMo does with a merchant's messages (no network, no
Django): it answers ``create`` (checking the signature, the partner code, the amount and
the ids as MoMo does) with a ``payUrl`` to its wallet page, finishes a payment when the
buyer confirms (:meth:`~MoMoSimulatorCore.pay`) or declines
(:meth:`~MoMoSimulatorCore.cancel`) with the signed result MoMo posts to ``ipnUrl`` and
adds to ``redirectUrl``, and answers ``query`` and ``refund`` (partial refunds too).
``requestId`` is idempotent as at MoMo: the same request again gets the same answer, a
different request with a used id gets 40. The ledger is in memory.

The pages below (:func:`api`, :func:`pay`, mounted by :data:`urlpatterns`) put that wallet on
this site: the adapter's ``endpoint`` is ``{SITE_URL}/payments/simulator/momo``, as MoMo's
is ``https://test-payment.momo.vn``. On confirming or declining, the wallet posts the signed
IPN to the merchant's ``ipnUrl`` over HTTP, then sends the buyer to ``redirectUrl``. Each
page is a 404 unless settings.PAYMENT_SIMULATORS is on, which production settings force off.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from payments.gateways._wire import check_http_url
from payments.gateways.momo import (
    CREATE_PATH,
    CREATE_SIGNED,
    MAX_AMOUNT,
    MIN_AMOUNT,
    ORDER_ID_RE,
    QUERY_PATH,
    QUERY_SIGNED,
    REFUND_PATH,
    REFUND_SIGNED,
    REQUEST_TYPE,
    RESULT_SIGNED,
    load_json_object,
    sign_fields,
    signature_matches,
    wire_text,
)
from payments.ports import from_minor_units
from payments.simulators._pages import http_call, lock, simulated_options, simulator_only

__all__ = ["PAY_PATH", "MoMoSimulatorCore", "SimulatedPayment", "simulator_core", "urlpatterns"]

PAY_PATH: Final = "/v2/gateway/pay"
logger = logging.getLogger(__name__)

Status = Literal["pending", "paid", "cancelled"]

MESSAGES: Final = {
    0: ("Thành công.", "Successful."),
    13: ("Xác thực doanh nghiệp thất bại.", "Merchant authentication failed."),
    20: ("Yêu cầu sai định dạng.", "Bad format request."),
    22: ("Số tiền giao dịch không hợp lệ.", "Amount out of range."),
    40: ("RequestId bị trùng.", "Duplicated requestId."),
    41: ("OrderId bị trùng.", "Duplicated orderId."),
    42: ("OrderId không hợp lệ hoặc không được tìm thấy.", "Invalid orderId or not found."),
    1000: (
        "Giao dịch đã được khởi tạo, chờ người dùng xác nhận thanh toán.",
        "Transaction initiated, waiting for user confirmation.",
    ),
    1006: ("Người dùng đã từ chối xác nhận thanh toán.", "Transaction denied by user."),
    1081: (
        "Giao dịch hoàn tiền bị từ chối.",
        "Refund rejected: the payment was not successful or is already refunded.",
    ),
}
_STATUS_CODES: Final = {"pending": 1000, "paid": 0, "cancelled": 1006}


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(kw_only=True)
class SimulatedPayment:
    """One payment as the simulated wallet remembers it."""

    order_id: str
    request_id: str
    amount: int
    order_info: str
    redirect_url: str
    ipn_url: str
    extra_data: str
    lang: str
    token: str
    status: Status = "pending"
    trans_id: int = 0
    pay_type: str = ""
    refunded: int = 0
    refunds: list[dict[str, Any]] = field(default_factory=list)


class MoMoSimulatorCore:
    """MoMo's half of the protocol, keyed with the same partner code and keys."""

    def __init__(
        self,
        *,
        partner_code: str,
        access_key: str,
        secret_key: str,
        pay_url: str,
        clock: Callable[[], datetime] = _utc_now,
        first_trans_id: int = 4_100_000_000,
    ) -> None:
        self.partner_code = partner_code
        self._access_key = access_key
        self._secret = secret_key
        self._pay_url = pay_url
        self._clock = clock
        self._next_trans_id = first_trans_id
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[str, dict[str, Any]]] = {}
        self._refund_order_ids: set[str] = set()
        self.payments: dict[str, SimulatedPayment] = {}
        self._tokens: dict[str, str] = {}

    # -- merchant API ------------------------------------------------------

    def answer(self, path: str, body: bytes) -> dict[str, Any]:
        """Answer one JSON request posted to ``path`` (create, query or refund)."""
        handlers = {CREATE_PATH: self._create, QUERY_PATH: self._query, REFUND_PATH: self._refund}
        try:
            request = load_json_object(body)
        except ValueError:
            return self._error({}, 20)
        if path not in handlers:
            return self._error({}, 20)
        request_id = request.get("requestId")
        if not isinstance(request_id, str) or not 0 < len(request_id) <= 50:
            return self._error(request, 20)
        digest = hashlib.sha256(body).hexdigest()
        with self._lock:
            seen = self._answers.get(request_id)
            if seen is not None:
                # MoMo's idempotency: the same request gets the same answer, another one 40.
                return seen[1] if seen[0] == digest else self._error(request, 40)
            answer = handlers[path](request)
            self._answers[request_id] = (digest, answer)
            return answer

    def _signed_by_merchant(self, request: Mapping[str, Any], fields: tuple[str, ...]) -> bool:
        try:
            expected = sign_fields(
                request, fields, access_key=self._access_key, secret=self._secret
            )
        except ValueError:
            return False
        return signature_matches(expected=expected, received=request.get("signature"))

    def _create(self, request: Mapping[str, Any]) -> dict[str, Any]:
        if not self._signed_by_merchant(request, CREATE_SIGNED):
            return self._error(request, 13)
        if request.get("partnerCode") != self.partner_code:
            return self._error(request, 13)
        order_id, amount = request.get("orderId"), request.get("amount")
        texts = ("orderInfo", "redirectUrl", "ipnUrl", "extraData", "lang")
        if (
            request.get("requestType") != REQUEST_TYPE
            or not isinstance(order_id, str)
            or not ORDER_ID_RE.fullmatch(order_id)
            or len(order_id) > 200
            or any(not isinstance(request.get(name, ""), str) for name in texts)
            or not request.get("orderInfo")
            or not _http_url(request.get("ipnUrl"))
            or not _http_url(request.get("redirectUrl"))
            or request.get("lang", "vi") not in ("vi", "en")
            or isinstance(amount, bool)
            or not isinstance(amount, int)
        ):
            return self._error(request, 20)
        if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            return self._error(request, 22)
        if order_id in self.payments or order_id in self._refund_order_ids:
            return self._error(request, 41)
        token = secrets.token_urlsafe(16)
        payment = SimulatedPayment(
            order_id=order_id,
            request_id=request["requestId"],
            amount=amount,
            order_info=request["orderInfo"],
            redirect_url=request["redirectUrl"],
            ipn_url=request["ipnUrl"],
            extra_data=request.get("extraData", ""),
            lang=request.get("lang", "vi"),
            token=token,
        )
        self.payments[order_id] = payment
        self._tokens[token] = order_id
        pay_url = f"{self._pay_url}?{urllib.parse.urlencode({'t': token})}"
        return {
            **self._head(request, 0),
            "amount": amount,
            "payUrl": pay_url,
            "deeplink": f"momo://app?action=payWithApp&t={token}",
            "qrCodeUrl": f"2|99|{self.partner_code}|{order_id}|{amount}",
        }

    def _query(self, request: Mapping[str, Any]) -> dict[str, Any]:
        if not self._signed_by_merchant(request, QUERY_SIGNED):
            return self._error(request, 13)
        if request.get("partnerCode") != self.partner_code:
            return self._error(request, 13)
        payment = self.payments.get(str(request.get("orderId", "")))
        if payment is None:
            return self._error(request, 42)
        return {
            **self._head(request, _STATUS_CODES[payment.status], lang=request.get("lang")),
            "extraData": payment.extra_data,
            "amount": payment.amount,
            "transId": payment.trans_id,
            "payType": payment.pay_type,
            "refundTrans": list(payment.refunds),
        }

    def _refund(self, request: Mapping[str, Any]) -> dict[str, Any]:
        if not self._signed_by_merchant(request, REFUND_SIGNED):
            return self._error(request, 13)
        if request.get("partnerCode") != self.partner_code:
            return self._error(request, 13)
        order_id, amount, trans_id = (request.get(k) for k in ("orderId", "amount", "transId"))
        if (
            not isinstance(order_id, str)
            or not ORDER_ID_RE.fullmatch(order_id)
            or isinstance(amount, bool)
            or not isinstance(amount, int)
            or isinstance(trans_id, bool)
            or not isinstance(trans_id, int)
        ):
            return self._error(request, 20)
        if order_id in self.payments or order_id in self._refund_order_ids:
            return self._error(request, 41)
        payment = next((p for p in self.payments.values() if p.trans_id == trans_id), None)
        if payment is None or not trans_id:
            return self._error(request, 42)
        if amount < MIN_AMOUNT:
            return self._error(request, 22)
        if payment.status != "paid" or amount > payment.amount - payment.refunded:
            return self._error(request, 1081)
        self._refund_order_ids.add(order_id)
        payment.refunded += amount
        refund = {
            "orderId": order_id,
            "amount": amount,
            "resultCode": 0,
            "transId": self._take_trans_id(),
            "createdTime": _millis(self._clock()),
        }
        payment.refunds.append(refund)
        return {
            **self._head(request, 0),
            "amount": amount,
            "transId": refund["transId"],
        }

    def _head(self, request: Mapping[str, Any], code: int, *, lang: object = None) -> dict:
        return {
            "partnerCode": self.partner_code,
            "orderId": str(request.get("orderId", "")),
            "requestId": str(request.get("requestId", "")),
            "resultCode": code,
            "message": self._message(code, lang or request.get("lang")),
            "responseTime": _millis(self._clock()),
        }

    def _error(self, request: Mapping[str, Any], code: int) -> dict[str, Any]:
        return self._head(request if isinstance(request, Mapping) else {}, code)

    @staticmethod
    def _message(code: int, lang: object) -> str:
        vi, en = MESSAGES.get(code, ("Lỗi không xác định.", "Unknown error."))
        return en if lang == "en" else vi

    def _take_trans_id(self) -> int:
        self._next_trans_id += 1
        return self._next_trans_id

    # -- the buyer on the wallet page --------------------------------------

    def payment_for_token(self, token: str) -> SimulatedPayment | None:
        """The payment a ``payUrl`` token opens (None for an unknown token)."""
        order_id = self._tokens.get(token)
        return self.payments.get(order_id) if order_id else None

    def pay(self, order_id: str, *, pay_type: str = "qr") -> dict[str, Any]:
        """The buyer confirms in the wallet: the signed result with ``resultCode`` 0."""
        with self._lock:
            payment = self._pending(order_id)
            payment.status, payment.pay_type = "paid", pay_type
            payment.trans_id = self._take_trans_id()
            return self._result(payment, 0)

    def cancel(self, order_id: str) -> dict[str, Any]:
        """The buyer declines in the wallet: the signed result with ``resultCode`` 1006."""
        with self._lock:
            payment = self._pending(order_id)
            payment.status = "cancelled"
            payment.trans_id = self._take_trans_id()
            return self._result(payment, 1006)

    def _pending(self, order_id: str) -> SimulatedPayment:
        payment = self.payments.get(order_id)
        if payment is None:
            raise KeyError(f"no MoMo payment {order_id!r}")
        if payment.status != "pending":
            raise ValueError(f"MoMo payment {order_id!r} is already {payment.status}")
        return payment

    def _result(self, payment: SimulatedPayment, code: int) -> dict[str, Any]:
        result: dict[str, Any] = {
            "partnerCode": self.partner_code,
            "orderId": payment.order_id,
            "requestId": payment.request_id,
            "amount": payment.amount,
            "orderInfo": payment.order_info,
            "orderType": "momo_wallet",
            "transId": payment.trans_id,
            "resultCode": code,
            "message": self._message(code, payment.lang),
            "payType": payment.pay_type,
            "responseTime": _millis(self._clock()),
            "extraData": payment.extra_data,
        }
        result["signature"] = self.sign_result(result)
        return result

    def sign_result(self, result: Mapping[str, Any]) -> str:
        """The signature MoMo puts on an IPN body or redirect query."""
        return sign_fields(result, RESULT_SIGNED, access_key=self._access_key, secret=self._secret)

    def redirect_url(self, result: Mapping[str, Any]) -> str:
        """Where MoMo sends the buyer's browser back: ``redirectUrl`` plus the result."""
        base = self.payments[result["orderId"]].redirect_url
        query = urllib.parse.urlencode({key: wire_text(value) for key, value in result.items()})
        return f"{base}{'&' if '?' in base else '?'}{query}"


def _http_url(value: object) -> bool:
    try:
        check_http_url("url", value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


# --------------------------------------------------------------------------- development views
# MoMo's wallet on this site, for development and tests: each view is a 404 unless
# settings.PAYMENT_SIMULATORS is on, which production settings force off.

_cores: dict[tuple[str, ...], MoMoSimulatorCore] = {}


def simulator_core() -> MoMoSimulatorCore:
    """The process's simulated MoMo, one per partner code, keys and address in the settings."""
    if not settings.PAYMENT_SIMULATORS:
        raise Http404("No simulators here.")
    options = simulated_options(__name__)
    pay_url = options["endpoint"].rstrip("/") + PAY_PATH
    key = (options["partner_code"], options["access_key"], options["secret_key"], pay_url)
    with lock:
        if key not in _cores:
            _cores[key] = MoMoSimulatorCore(
                partner_code=key[0], access_key=key[1], secret_key=key[2], pay_url=pay_url
            )
        return _cores[key]


@simulator_only
@csrf_exempt
@require_POST
def api(request, operation: str):
    """MoMo's merchant API: create, query and refund, answering JSON."""
    return JsonResponse(simulator_core().answer(f"/v2/gateway/api/{operation}", request.body))


@simulator_only
@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def pay(request):
    """MoMo's wallet page: the buyer confirms or declines; MoMo posts the IPN, then sends the
    buyer back with the same signed result."""
    core = simulator_core()
    token = (request.GET if request.method == "GET" else request.POST).get("t", "")
    payment = core.payment_for_token(token)
    if payment is None or payment.status != "pending":
        return render(request, "payments/simulator/momo_pay.html", {"payment": None}, status=400)
    if request.method == "GET":
        context = {
            "payment": payment,
            "amount": from_minor_units(payment.amount, currency="VND", multiplier=1),
            "merchant": core.partner_code,
            "token": token,
        }
        return render(request, "payments/simulator/momo_pay.html", context)
    if request.POST.get("action") == "pay":
        result = core.pay(payment.order_id)
    else:
        result = core.cancel(payment.order_id)
    body = json.dumps(result, ensure_ascii=False).encode("utf-8")
    status, answer = http_call(
        payment.ipn_url, data=body, headers={"Content-Type": "application/json"}
    )
    logger.info("simulated MoMo IPN for %s: %s %s", payment.order_id, status, answer)
    return redirect(core.redirect_url(result))


urlpatterns = [
    path("momo/v2/gateway/api/<str:operation>", api, name="sim-momo-api"),
    path("momo" + PAY_PATH, pay, name="sim-momo-pay"),
]

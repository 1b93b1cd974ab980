"""The gateway side of VNPay's protocol, for development and tests (no network, no Django).

:class:`VNPaySimulatorCore` does what VNPay does with a merchant's messages:

* :meth:`~VNPaySimulatorCore.accept_pay_url` checks a pay URL's signature and fields the
  way VNPay does and records the pending transaction;
* :meth:`~VNPaySimulatorCore.pay` and :meth:`~VNPaySimulatorCore.cancel` finish it and
  return the signed parameters VNPay sends to the return URL and the IPN URL
  (``00``/``00`` for a payment, ``24``/``02`` for a buyer who cancels);
* :meth:`~VNPaySimulatorCore.answer_api` answers ``querydr`` and ``refund`` JSON requests
  with signed JSON answers.

The ledger is in memory; the development views wrap one instance per process.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

from payments.gateways.vnpay_wire import (
    AMOUNT_MULTIPLIER,
    QUERYDR_REQUEST_FIELDS,
    QUERYDR_RESPONSE_FIELDS,
    REFUND_REQUEST_FIELDS,
    REFUND_RESPONSE_FIELDS,
    VNP_VERSION,
    canonical_query,
    format_vnp_datetime,
    parse_vnp_datetime,
    pipe_data,
    sign,
    sign_params,
    signature_matches,
    verify_params,
)

__all__ = ["SimulatedTransaction", "SimulatorError", "VNPaySimulatorCore"]

_PAY_REQUIRED: Final = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_ExpireDate",
)

_API_MESSAGES: Final = {
    "00": "Request success",
    "02": "Invalid TmnCode",
    "03": "Invalid data format",
    "91": "Transaction not found",
    "94": "Duplicate request",
    "95": "Transaction was not successful, refund refused",
    "97": "Invalid checksum",
    "99": "Unknown error",
}

Status = Literal["pending", "paid", "cancelled"]


class SimulatorError(ValueError):
    """A pay URL VNPay would refuse; ``code`` is the error VNPay would show."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(kw_only=True)
class SimulatedTransaction:
    """One payment as the simulated gateway remembers it."""

    txn_ref: str
    amount: int
    """``vnp_Amount`` as sent: đồng x 100."""
    order_info: str
    create_date: str
    expire_date: str
    return_url: str
    locale: str
    ip_addr: str
    bank_code: str = ""
    status: Status = "pending"
    transaction_no: str = ""
    pay_date: str = ""
    refunded: int = 0
    refunds: list[dict[str, str]] = field(default_factory=list)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class VNPaySimulatorCore:
    """VNPay's half of the protocol, keyed with the same merchant code and secret."""

    def __init__(
        self,
        *,
        tmn_code: str,
        hash_secret: str,
        clock: Callable[[], datetime] = _utc_now,
        first_transaction_no: int = 14_000_000,
    ) -> None:
        self.tmn_code = tmn_code
        self._secret = hash_secret
        self._clock = clock
        self._next_no = first_transaction_no
        self._lock = threading.Lock()
        self._request_ids: set[str] = set()
        self.transactions: dict[str, SimulatedTransaction] = {}

    # -- pay URL -----------------------------------------------------------

    def accept_pay_url(self, url: str) -> SimulatedTransaction:
        """Validate a merchant's pay URL like VNPay does and record the transaction.

        Raises :class:`payments.ports.InvalidSignature` for a bad hash and
        :class:`SimulatorError` for anything else VNPay would refuse.
        """
        query = urllib.parse.urlsplit(url).query
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        params = dict(pairs)
        if len(params) != len(pairs):
            raise SimulatorError("03", "a parameter is repeated")
        fields = verify_params(params, secret=self._secret)
        missing = [name for name in _PAY_REQUIRED if not fields.get(name)]
        if missing:
            raise SimulatorError("03", f"missing {', '.join(missing)}")
        if fields["vnp_Version"] != VNP_VERSION or fields["vnp_Command"] != "pay":
            raise SimulatorError("03", "unsupported version or command")
        if fields["vnp_TmnCode"] != self.tmn_code:
            raise SimulatorError("02", "unknown merchant code")
        amount = fields["vnp_Amount"]
        if not (amount.isascii() and amount.isdigit()) or int(amount) <= 0:
            raise SimulatorError("03", "vnp_Amount must be a positive integer")
        if int(amount) % AMOUNT_MULTIPLIER:
            raise SimulatorError("03", "vnp_Amount must be whole đồng x 100")
        if fields["vnp_CurrCode"] != "VND":
            raise SimulatorError("03", "only VND is accepted")
        if fields["vnp_Locale"] not in ("vn", "en"):
            raise SimulatorError("03", "vnp_Locale must be vn or en")
        try:
            parse_vnp_datetime(fields["vnp_CreateDate"])
            expires = parse_vnp_datetime(fields["vnp_ExpireDate"])
        except ValueError as exc:
            raise SimulatorError("03", str(exc)) from exc
        if expires <= self._clock():
            raise SimulatorError("11", "the payment window has expired")
        with self._lock:
            known = self.transactions.get(fields["vnp_TxnRef"])
            if known is not None:
                if known.status != "pending" or known.amount != int(amount):
                    raise SimulatorError("01", "transaction reference already used")
                return known
            transaction = SimulatedTransaction(
                txn_ref=fields["vnp_TxnRef"],
                amount=int(amount),
                order_info=fields["vnp_OrderInfo"],
                create_date=fields["vnp_CreateDate"],
                expire_date=fields["vnp_ExpireDate"],
                return_url=fields["vnp_ReturnUrl"],
                locale=fields["vnp_Locale"],
                ip_addr=fields["vnp_IpAddr"],
                bank_code=fields.get("vnp_BankCode", ""),
            )
            self.transactions[transaction.txn_ref] = transaction
            return transaction

    # -- buyer's decision --------------------------------------------------

    def pay(self, txn_ref: str, *, bank_code: str = "NCB") -> dict[str, str]:
        """The buyer pays: signed return/IPN parameters with ``00``/``00``."""
        with self._lock:
            transaction = self._pending(txn_ref)
            transaction.status = "paid"
            transaction.bank_code = bank_code
            transaction.transaction_no = self._take_number()
            transaction.pay_date = format_vnp_datetime(self._clock())
            return self._result_params(
                transaction,
                response_code="00",
                transaction_status="00",
                extra={"vnp_BankTranNo": f"VNP{transaction.transaction_no}", "vnp_CardType": "ATM"},
            )

    def cancel(self, txn_ref: str) -> dict[str, str]:
        """The buyer gives up on VNPay's page: signed parameters with ``24``/``02``."""
        with self._lock:
            transaction = self._pending(txn_ref)
            transaction.status = "cancelled"
            transaction.pay_date = format_vnp_datetime(self._clock())
            return self._result_params(
                transaction,
                response_code="24",
                transaction_status="02",
                extra={"vnp_CardType": ""},
            )

    def return_url(self, txn_ref: str, params: Mapping[str, str]) -> str:
        """Where VNPay sends the buyer's browser back, carrying ``params``."""
        base = self.transactions[txn_ref].return_url
        joiner = "&" if "?" in base else "?"
        return f"{base}{joiner}{canonical_query(params)}"

    def _pending(self, txn_ref: str) -> SimulatedTransaction:
        transaction = self.transactions.get(txn_ref)
        if transaction is None:
            raise SimulatorError("91", "transaction not found")
        if transaction.status != "pending":
            raise SimulatorError("01", "transaction already finished")
        return transaction

    def _take_number(self) -> str:
        self._next_no += 1
        return str(self._next_no)

    def _result_params(
        self,
        transaction: SimulatedTransaction,
        *,
        response_code: str,
        transaction_status: str,
        extra: Mapping[str, str],
    ) -> dict[str, str]:
        params = {
            "vnp_Amount": str(transaction.amount),
            "vnp_BankCode": transaction.bank_code or "VNPAY",
            "vnp_OrderInfo": transaction.order_info,
            "vnp_PayDate": transaction.pay_date,
            "vnp_ResponseCode": response_code,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": transaction.transaction_no or "0",
            "vnp_TransactionStatus": transaction_status,
            "vnp_TxnRef": transaction.txn_ref,
            **extra,
        }
        return sign_params(params, secret=self._secret)

    # -- merchant API ------------------------------------------------------

    def answer_api(self, body: bytes) -> dict[str, str]:
        """Answer one ``querydr`` or ``refund`` request body with a signed JSON object."""
        try:
            request = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._api_error("", "03")
        if not isinstance(request, dict):
            return self._api_error("", "03")
        command = request.get("vnp_Command")
        if command == "querydr":
            return self._querydr(request)
        if command == "refund":
            return self._refund(request)
        return self._api_error(str(command or ""), "03")

    def _check_api_request(self, request: Mapping[str, Any], fields: tuple[str, ...]) -> str:
        """Return ``""`` when the request may proceed, else VNPay's error code."""
        try:
            expected = sign(pipe_data(request, fields), secret=self._secret)
        except ValueError:
            return "03"
        if not signature_matches(expected=expected, received=request.get("vnp_SecureHash")):
            return "97"
        if request.get("vnp_TmnCode") != self.tmn_code:
            return "02"
        request_id = request.get("vnp_RequestId")
        if request.get("vnp_Version") != VNP_VERSION or not isinstance(request_id, str):
            return "03"
        if not request_id or len(request_id) > 32:
            return "03"
        if request_id in self._request_ids:
            return "94"
        self._request_ids.add(request_id)
        return ""

    def _querydr(self, request: Mapping[str, Any]) -> dict[str, str]:
        with self._lock:
            error = self._check_api_request(request, QUERYDR_REQUEST_FIELDS)
            if error:
                return self._api_error("querydr", error, request)
            transaction = self.transactions.get(str(request.get("vnp_TxnRef", "")))
            if transaction is None or transaction.create_date != request.get("vnp_TransactionDate"):
                return self._api_error("querydr", "91", request)
            status = {"pending": "01", "paid": "00", "cancelled": "02"}[transaction.status]
            answer = self._transaction_answer(
                "querydr", transaction, transaction_type="01", transaction_status=status
            )
            answer["vnp_PromotionCode"] = ""
            answer["vnp_PromotionAmount"] = ""
            return self._sign_answer(answer, QUERYDR_RESPONSE_FIELDS)

    def _refund(self, request: Mapping[str, Any]) -> dict[str, str]:
        with self._lock:
            error = self._check_api_request(request, REFUND_REQUEST_FIELDS)
            if error:
                return self._api_error("refund", error, request)
            transaction = self.transactions.get(str(request.get("vnp_TxnRef", "")))
            if transaction is None or transaction.create_date != request.get("vnp_TransactionDate"):
                return self._api_error("refund", "91", request)
            if transaction.status != "paid":
                return self._api_error("refund", "95", request)
            refund_type = request.get("vnp_TransactionType")
            amount = str(request.get("vnp_Amount", ""))
            if refund_type not in ("02", "03") or not (amount.isascii() and amount.isdigit()):
                return self._api_error("refund", "03", request)
            remaining = transaction.amount - transaction.refunded
            if remaining == 0:
                return self._api_error("refund", "94", request)
            wanted = int(amount)
            if wanted <= 0 or wanted > remaining or wanted % AMOUNT_MULTIPLIER:
                return self._api_error("refund", "03", request)
            if refund_type == "02" and (wanted != transaction.amount or transaction.refunded):
                return self._api_error("refund", "03", request)
            transaction.refunded += wanted
            refund_no = self._take_number()
            transaction.refunds.append({"vnp_TransactionNo": refund_no, "vnp_Amount": amount})
            answer = self._transaction_answer(
                "refund", transaction, transaction_type=refund_type, transaction_status="05"
            )
            answer["vnp_Amount"] = amount
            answer["vnp_TransactionNo"] = refund_no
            return self._sign_answer(answer, REFUND_RESPONSE_FIELDS)

    def _transaction_answer(
        self,
        command: str,
        transaction: SimulatedTransaction,
        *,
        transaction_type: str,
        transaction_status: str,
    ) -> dict[str, str]:
        return {
            "vnp_ResponseId": self._take_number(),
            "vnp_Command": command,
            "vnp_ResponseCode": "00",
            "vnp_Message": _API_MESSAGES["00"],
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": transaction.txn_ref,
            "vnp_Amount": str(transaction.amount),
            "vnp_OrderInfo": transaction.order_info,
            "vnp_BankCode": transaction.bank_code,
            "vnp_PayDate": transaction.pay_date,
            "vnp_TransactionNo": transaction.transaction_no,
            "vnp_TransactionType": transaction_type,
            "vnp_TransactionStatus": transaction_status,
        }

    def _api_error(
        self, command: str, code: str, request: Mapping[str, Any] | None = None
    ) -> dict[str, str]:
        request = request or {}
        answer = {
            "vnp_ResponseId": self._take_number(),
            "vnp_Command": command,
            "vnp_ResponseCode": code,
            "vnp_Message": _API_MESSAGES.get(code, _API_MESSAGES["99"]),
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": str(request.get("vnp_TxnRef", "")),
        }
        fields = REFUND_RESPONSE_FIELDS if command == "refund" else QUERYDR_RESPONSE_FIELDS
        return self._sign_answer(answer, fields)

    def _sign_answer(self, answer: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
        answer["vnp_SecureHash"] = sign(pipe_data(answer, fields), secret=self._secret)
        return answer

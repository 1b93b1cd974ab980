"""VNPay behind the payment port: pay by redirect, the signed return and IPN, ``querydr`` and
``refund`` over JSON. The protocol's pure parts (signing, dates, fields, IPN answers) are in
:mod:`payments.gateways.vnpay_wire`; every HTTP or VNPay error leaves this module as
:class:`~payments.ports.GatewayError` or one of its subclasses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from payments.gateways._wire import check_http_url, post_json, utc_now
from payments.gateways.base import BaseGateway
from payments.gateways.vnpay_wire import (
    AMOUNT_MULTIPLIER,
    API_DUPLICATE_REQUEST,
    API_NOT_FOUND,
    API_REFUND_REFUSED,
    IPN_ALREADY_CONFIRMED,
    IPN_CONFIRM_SUCCESS,
    IPN_INVALID_AMOUNT,
    IPN_INVALID_SIGNATURE,
    IPN_ORDER_NOT_FOUND,
    IPN_UNKNOWN_ERROR,
    QUERYDR_REQUEST_FIELDS,
    QUERYDR_RESPONSE_FIELDS,
    REFUND_REQUEST_FIELDS,
    REFUND_RESPONSE_FIELDS,
    RESPONSE_SUCCESS,
    SECURE_HASH,
    TXN_REF_RE,
    TXN_TYPE_FULL_REFUND,
    TXN_TYPE_PARTIAL_REFUND,
    TXN_TYPE_PAYMENT,
    VNP_VERSION,
    VNPAY_TZ,
    IpnAnswer,
    canonical_query,
    event_status,
    format_vnp_datetime,
    optional_date,
    order_info_text,
    parse_vnp_datetime,
    pipe_data,
    query_status,
    sign,
    sign_params,
    signature_matches,
    verify_params,
    wire_text,
)
from payments.ports import (
    CURRENCY_VND,
    Acknowledgement,
    AckOutcome,
    CallbackRoute,
    Capabilities,
    GatewayError,
    GatewayEvent,
    GatewayUnavailable,
    InvalidSignature,
    NextAction,
    PaymentRequest,
    RefundRequest,
    RefundResult,
    from_minor_units,
    origins_of,
    to_minor_units,
)

__all__ = [
    "AMOUNT_MULTIPLIER",
    "IPN_ALREADY_CONFIRMED",
    "IPN_CONFIRM_SUCCESS",
    "IPN_INVALID_AMOUNT",
    "IPN_INVALID_SIGNATURE",
    "IPN_ORDER_NOT_FOUND",
    "IPN_UNKNOWN_ERROR",
    "QUERYDR_REQUEST_FIELDS",
    "QUERYDR_RESPONSE_FIELDS",
    "REFUND_REQUEST_FIELDS",
    "REFUND_RESPONSE_FIELDS",
    "VNPAY_TZ",
    "VNP_VERSION",
    "IpnAnswer",
    "VNPayConfig",
    "VNPayGateway",
    "canonical_query",
    "event_status",
    "format_vnp_datetime",
    "order_info_text",
    "parse_vnp_datetime",
    "pipe_data",
    "sign",
    "sign_params",
    "signature_matches",
    "verify_params",
]

# --------------------------------------------------------------------------- adapter


IPN_ANSWERS: dict[str, IpnAnswer] = {
    "applied": IPN_CONFIRM_SUCCESS,
    "ignored": IPN_CONFIRM_SUCCESS,
    "not_found": IPN_ORDER_NOT_FOUND,
    "amount_mismatch": IPN_INVALID_AMOUNT,
    "already_final": IPN_ALREADY_CONFIRMED,
    "duplicate": IPN_ALREADY_CONFIRMED,
    "invalid_signature": IPN_INVALID_SIGNATURE,
}


def _new_request_id() -> str:
    return uuid.uuid4().hex  # 32 alphanumerics: VNPay's maximum


@dataclass(frozen=True, slots=True, kw_only=True)
class VNPayConfig:
    """Merchant settings, passed in by whoever builds the adapter (never imported)."""

    tmn_code: str
    hash_secret: str = field(repr=False)
    pay_url: str
    api_url: str
    timeout: float = 10.0
    order_type: str = "other"
    server_ip: str = "127.0.0.1"

    def __post_init__(self) -> None:
        if not self.tmn_code or not self.hash_secret:
            raise ValueError("tmn_code and hash_secret are required")
        check_http_url("pay_url", self.pay_url)
        check_http_url("api_url", self.api_url)
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")


class VNPayGateway(BaseGateway):
    """VNPay behind the payment port (:class:`payments.ports.Gateway`)."""

    name = "vnpay"
    capabilities = Capabilities(
        can_query=True, can_refund=True, partial_refund=True, signed_return=True
    )
    callback = CallbackRoute(path="vnpay/ipn", name="vnpay-ipn", http_method="GET", operation="ipn")

    def __init__(
        self,
        *,
        config: VNPayConfig,
        clock: Callable[[], datetime] = utc_now,
        request_id: Callable[[], str] = _new_request_id,
    ) -> None:
        self._config = config
        self._clock = clock
        self._request_id = request_id

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> VNPayGateway:
        """Build from a settings dict: the fields of :class:`VNPayConfig`."""
        return cls(config=VNPayConfig(**options))

    @staticmethod
    def browser_origins(options: Mapping[str, Any]) -> tuple[str, ...]:
        """Where the buyer's browser is sent (our pages' form-action): the pay URL's origin."""
        return origins_of(options.get("pay_url", ""))

    # -- pay ---------------------------------------------------------------

    def pay_params(self, request: PaymentRequest) -> dict[str, str]:
        """The unsigned ``vnp_*`` parameters of the pay URL for ``request``."""
        if request.currency != CURRENCY_VND:
            raise GatewayError(f"VNPay only takes VND, not {request.currency}")
        if not TXN_REF_RE.fullmatch(request.reference):
            raise GatewayError(f"reference {request.reference!r} is not a valid vnp_TxnRef")
        if not request.buyer_ip:
            raise GatewayError("VNPay needs the buyer's IP address")
        minor = to_minor_units(
            request.amount, currency=request.currency, multiplier=AMOUNT_MULTIPLIER
        )
        return {
            "vnp_Version": VNP_VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self._config.tmn_code,
            "vnp_Amount": str(minor),
            "vnp_CurrCode": CURRENCY_VND,
            "vnp_TxnRef": request.reference,
            "vnp_OrderInfo": order_info_text(request.description),
            "vnp_OrderType": self._config.order_type,
            "vnp_Locale": "vn" if request.locale == "vi" else "en",
            "vnp_ReturnUrl": request.return_url,
            "vnp_IpAddr": request.buyer_ip,
            "vnp_CreateDate": format_vnp_datetime(request.created_at),
            "vnp_ExpireDate": format_vnp_datetime(request.expires_at),
        }

    def pay_url(self, request: PaymentRequest) -> str:
        """The signed URL the buyer is redirected to."""
        query = canonical_query(self.pay_params(request))
        secure_hash = sign(query, secret=self._config.hash_secret)
        joiner = "&" if "?" in self._config.pay_url else "?"
        return f"{self._config.pay_url}{joiner}{query}&{SECURE_HASH}={secure_hash}"

    def start(self, request: PaymentRequest) -> NextAction:
        """Redirect to the signed pay URL; ``querydr`` later needs the payment's
        ``vnp_CreateDate``, kept as the gateway reference."""
        return NextAction(
            kind="redirect",
            url=self.pay_url(request),
            gateway_reference=format_vnp_datetime(request.created_at),
        )

    # -- return URL and IPN ------------------------------------------------

    def parse_callback(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> GatewayEvent:
        """Verify and read a return-URL or IPN query (VNPay sends both as GET)."""
        fields = verify_params(params, secret=self._config.hash_secret)
        if fields.get("vnp_TmnCode") != self._config.tmn_code:
            raise GatewayError("callback is for another merchant code")
        try:
            reference = fields["vnp_TxnRef"]
            amount = from_minor_units(
                fields["vnp_Amount"], currency=CURRENCY_VND, multiplier=AMOUNT_MULTIPLIER
            )
            response_code = fields["vnp_ResponseCode"]
        except (KeyError, ValueError) as exc:
            raise GatewayError(f"signed callback is incomplete: {exc}") from exc
        transaction_status = fields.get("vnp_TransactionStatus", "")
        return GatewayEvent(
            reference=reference,
            status=event_status(response_code=response_code, transaction_status=transaction_status),
            amount=amount,
            currency=CURRENCY_VND,
            gateway_txn_id=fields.get("vnp_TransactionNo", ""),
            response_code=response_code,
            occurred_at=optional_date(fields.get("vnp_PayDate")),
            raw=dict(params),
        )

    @staticmethod
    def claimed_reference(params: Mapping[str, str]) -> str:
        return params.get("vnp_TxnRef", "")

    def acknowledge(self, outcome: AckOutcome, *, count: int = 0) -> Acknowledgement:
        """VNPay reads ``RspCode`` of a JSON body, always with HTTP 200; anything but ``00``
        (or ``02``, ``01``, ``04``: final answers) makes it deliver the IPN again."""
        answer = IPN_ANSWERS.get(outcome, IPN_UNKNOWN_ERROR)
        return Acknowledgement(status=200, body=answer.as_json())

    # -- querydr -----------------------------------------------------------

    def query(
        self,
        *,
        reference: str,
        gateway_reference: str = "",
        created_at: datetime | None = None,
        order_info: str = "",
    ) -> GatewayEvent:
        """Ask VNPay about ``reference``, created at the pay URL's ``vnp_CreateDate``: the
        ``gateway_reference`` :meth:`start` gave, or ``created_at``.

        The event's ``response_code`` is VNPay's ``vnp_TransactionStatus`` for the
        payment (``00`` paid, ``01`` unfinished, ``02`` failed...), or ``91`` when VNPay
        has no such transaction, which reads as still pending.
        """
        try:
            created = parse_vnp_datetime(gateway_reference) if gateway_reference else created_at
        except ValueError as exc:
            raise GatewayError(f"{gateway_reference!r} is not the payment's VNPay date") from exc
        if created is None:
            raise GatewayError("a VNPay query needs the payment's creation date")
        payload: dict[str, Any] = {
            "vnp_RequestId": self._request_id(),
            "vnp_Version": VNP_VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self._config.tmn_code,
            "vnp_TxnRef": reference,
            "vnp_OrderInfo": order_info_text(order_info or f"Truy van giao dich {reference}"),
            "vnp_TransactionDate": format_vnp_datetime(created),
            "vnp_CreateDate": format_vnp_datetime(self._clock()),
            "vnp_IpAddr": self._config.server_ip,
        }
        payload[SECURE_HASH] = sign(
            pipe_data(payload, QUERYDR_REQUEST_FIELDS), secret=self._config.hash_secret
        )
        answer = self._post_json(payload)
        code = self._check_api_answer(
            answer, command="querydr", reference=reference, fields=QUERYDR_RESPONSE_FIELDS
        )
        raw = {key: wire_text(value) for key, value in answer.items()}
        if code == API_NOT_FOUND:
            # VNPay has no such payment: the buyer never finished. Nothing happened yet.
            return GatewayEvent(
                reference=reference,
                status="pending",
                amount=Decimal(0),
                currency=CURRENCY_VND,
                gateway_txn_id="",
                response_code=code,
                raw=raw,
            )
        try:
            amount = from_minor_units(
                raw["vnp_Amount"], currency=CURRENCY_VND, multiplier=AMOUNT_MULTIPLIER
            )
        except (KeyError, ValueError) as exc:
            raise GatewayError(f"querydr answer has no usable amount: {exc}") from exc
        transaction_status = raw.get("vnp_TransactionStatus", "")
        return GatewayEvent(
            reference=reference,
            status=query_status(
                transaction_type=raw.get("vnp_TransactionType", TXN_TYPE_PAYMENT),
                transaction_status=transaction_status,
            ),
            amount=amount,
            currency=CURRENCY_VND,
            gateway_txn_id=raw.get("vnp_TransactionNo", ""),
            response_code=transaction_status,
            occurred_at=optional_date(raw.get("vnp_PayDate")),
            raw=raw,
        )

    # -- refund ------------------------------------------------------------

    def refund(self, request: RefundRequest) -> RefundResult:
        """Ask VNPay to refund (``02`` full, ``03`` partial) a paid transaction."""
        if request.currency != CURRENCY_VND:
            raise GatewayError(f"VNPay only refunds VND, not {request.currency}")
        minor = to_minor_units(
            request.amount, currency=request.currency, multiplier=AMOUNT_MULTIPLIER
        )
        refund_type = TXN_TYPE_FULL_REFUND if request.full else TXN_TYPE_PARTIAL_REFUND
        payload: dict[str, Any] = {
            "vnp_RequestId": self._request_id(),
            "vnp_Version": VNP_VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self._config.tmn_code,
            "vnp_TransactionType": refund_type,
            "vnp_TxnRef": request.reference,
            "vnp_Amount": minor,
            "vnp_OrderInfo": order_info_text(request.reason or f"Hoan tien {request.reference}"),
            "vnp_TransactionDate": format_vnp_datetime(request.payment_created_at),
            "vnp_CreateBy": request.requested_by,
            "vnp_CreateDate": format_vnp_datetime(self._clock()),
            "vnp_IpAddr": request.requester_ip,
        }
        if request.gateway_txn_id:
            payload["vnp_TransactionNo"] = request.gateway_txn_id
        payload[SECURE_HASH] = sign(
            pipe_data(payload, REFUND_REQUEST_FIELDS), secret=self._config.hash_secret
        )
        answer = self._post_json(payload)
        code = self._check_api_answer(
            answer, command="refund", reference=request.reference, fields=REFUND_RESPONSE_FIELDS
        )
        raw = {key: wire_text(value) for key, value in answer.items()}
        if code == RESPONSE_SUCCESS and raw.get("vnp_Amount") not in (None, "", str(minor)):
            raise GatewayError("refund answer is for another amount")
        return RefundResult(
            reference=request.reference,
            # 94: VNPay already holds a refund request for this payment; a retry is fine.
            status="accepted" if code in (RESPONSE_SUCCESS, API_DUPLICATE_REQUEST) else "rejected",
            amount=request.amount,
            currency=CURRENCY_VND,
            gateway_txn_id=raw.get("vnp_TransactionNo", ""),
            response_code=code,
            message=raw.get("vnp_Message", ""),
            raw=raw,
        )

    # -- HTTP edge ---------------------------------------------------------

    def _check_api_answer(
        self,
        answer: Mapping[str, Any],
        *,
        command: str,
        reference: str,
        fields: tuple[str, ...],
    ) -> str:
        """Verify a querydr/refund answer; return its response code or raise."""
        code = wire_text(answer.get("vnp_ResponseCode"))
        received = answer.get(SECURE_HASH)
        if received or code == RESPONSE_SUCCESS:
            try:
                data = pipe_data(answer, fields)
            except ValueError as exc:
                raise InvalidSignature(f"{command} answer is not signable: {exc}") from exc
            expected = sign(data, secret=self._config.hash_secret)
            if not signature_matches(expected=expected, received=received):
                raise InvalidSignature(f"{command} answer signature does not match")
        if code == RESPONSE_SUCCESS:
            if answer.get("vnp_TmnCode") != self._config.tmn_code:
                raise GatewayError(f"{command} answer is for another merchant code")
            if answer.get("vnp_TxnRef") != reference:
                raise GatewayError(f"{command} answer is for another transaction")
            if answer.get("vnp_Command") not in (None, "", command):
                raise GatewayError(f"{command} answer is for another command")
            return code
        if code == API_NOT_FOUND:
            return code
        if command == "refund" and code in (API_DUPLICATE_REQUEST, API_REFUND_REFUSED):
            # 94 on a refund: VNPay already holds a refund request for this payment.
            return code
        if code == API_DUPLICATE_REQUEST:
            raise GatewayUnavailable(f"VNPay {command}: duplicate request, retry later")
        message = wire_text(answer.get("vnp_Message"))
        raise GatewayError(f"VNPay {command} refused with code {code or '?'}: {message}")

    def _post_json(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        return post_json(
            self._config.api_url, payload, timeout=self._config.timeout, service="VNPay API"
        )

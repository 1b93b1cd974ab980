"""Direct bank transfer: show a VietQR code, learn of the payment from the bank feed.

The buyer scans a dynamic VietQR code (:mod:`payments.vietqr`) that pre-fills the shop's
account, the amount and the payment reference; the bank-feed webhook
(:mod:`payments.gateways.bank_statement`) later reports the credit. There is no API to
query or refund through: reconciliation is the statement feed itself, and refunds are
transfers made by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from payments.gateways._wire import utc_now
from payments.gateways.bank_statement import (
    DEFAULT_TOLERANCE,
    StatementWebhook,
    parse_webhook,
)
from payments.gateways.base import BaseGateway, json_answer
from payments.ports import (
    CURRENCY_VND,
    Acknowledgement,
    AckOutcome,
    CallbackRoute,
    Capabilities,
    GatewayError,
    GatewayEvent,
    NextAction,
    Notification,
    PaymentRequest,
    RefundRequest,
    RefundResult,
)
from payments.references import (
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    reference_is_wellformed,
    references_in,
)
from payments.vietqr import build_payload

__all__ = ["BankTransferConfig", "BankTransferGateway"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BankTransferConfig:
    """The receiving account and the bank feed's shared secret."""

    bank_bin: str
    account_number: str
    webhook_secret: str = field(repr=False)
    account_name: str = ""
    tolerance: timedelta = DEFAULT_TOLERANCE
    reference_prefix: str = REFERENCE_PREFIX
    reference_length: int = REFERENCE_LENGTH

    def __post_init__(self) -> None:
        if not self.webhook_secret:
            raise ValueError("webhook_secret is required")
        # Fail at configuration time, not when the first buyer checks out.
        build_payload(bank_bin=self.bank_bin, account_number=self.account_number)


class BankTransferGateway(BaseGateway):
    """VietQR bank transfer behind the payment port (:class:`payments.ports.Gateway`).

    Its callback is the bank feed: every credit on the account, which the shop matches to a
    payment by the reference in the transfer message.
    """

    name = "bank_transfer"
    capabilities = Capabilities(reports_credits=True, retry_while_pending=False)
    callback = CallbackRoute(
        path="bank/webhook", name="bank-webhook", http_method="POST", operation="statement"
    )

    def __init__(
        self, *, config: BankTransferConfig, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._config = config
        self._clock = clock

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> BankTransferGateway:
        """Build from a settings dict: the fields of :class:`BankTransferConfig`,
        with ``tolerance`` given in seconds."""
        values = dict(options)
        if "tolerance" in values:
            values["tolerance"] = timedelta(seconds=values["tolerance"])
        return cls(config=BankTransferConfig(**values))

    @staticmethod
    def browser_origins(options: Mapping[str, Any]) -> tuple[str, ...]:
        """Where the buyer's browser is sent: nowhere, the buyer scans a code."""
        return ()

    def start(self, request: PaymentRequest) -> NextAction:
        """A dynamic VietQR code for the exact amount, carrying the reference."""
        config = self._config
        reference = request.reference
        if request.currency != CURRENCY_VND:
            raise GatewayError(f"bank transfers are in VND, not {request.currency}")
        if not reference_is_wellformed(
            reference, prefix=config.reference_prefix, length=config.reference_length
        ):
            raise GatewayError(f"reference {reference!r} could not be found on a statement")
        try:
            payload = build_payload(
                bank_bin=config.bank_bin,
                account_number=config.account_number,
                amount=request.amount,
                reference=reference,
            )
        except ValueError as exc:
            raise GatewayError(str(exc)) from exc
        return NextAction(kind="qr", qr_payload=payload)

    def parse_statement(self, *, body: bytes, headers: Mapping[str, str]) -> StatementWebhook:
        """Verify a bank-feed delivery and read all its lines."""
        return parse_webhook(
            body=body,
            headers=headers,
            secret=self._config.webhook_secret,
            now=self._clock(),
            tolerance=self._config.tolerance,
        )

    def parse_notification(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Notification:
        """Every credit of a verified delivery (debits are left out), for the shop to match;
        each is recorded once by the bank's reference, so no delivery key is needed."""
        webhook = self.parse_statement(body=body, headers=headers or {})
        return Notification(
            credits=tuple(line.as_credit() for line in webhook.lines if line.is_credit),
            log=json.loads(body),
        )

    def acknowledge(self, outcome: AckOutcome, *, count: int = 0) -> Acknowledgement:
        if outcome == "invalid_signature":
            return json_answer(401, {"ok": False, "error": "invalid signature"})
        if outcome == "refused":
            return json_answer(400, {"ok": False, "error": "malformed statement"})
        if outcome == "error":
            return json_answer(500, {"ok": False, "error": "unexpected"})
        return json_answer(200, {"ok": True, "credits": count})

    def parse_callback(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> GatewayEvent:
        """The payment event of a delivery holding one credit with one reference in it.

        Anything else (several credits, no reference, several candidates) needs matching
        against pending payments: :meth:`parse_notification` gives every credit.
        """
        webhook = self.parse_statement(body=body, headers=headers or {})
        credits = [line for line in webhook.lines if line.is_credit]
        if len(credits) != 1:
            raise GatewayError(f"delivery holds {len(credits)} credits; match them one by one")
        (credit,) = credits
        candidates = references_in(
            credit.description,
            prefix=self._config.reference_prefix,
            length=self._config.reference_length,
        )
        if len(candidates) != 1:
            raise GatewayError("the transfer message has no single payment reference")
        return credit.to_event(reference=candidates[0])

    def query(
        self, *, reference: str, gateway_reference: str = "", created_at: datetime | None = None
    ) -> GatewayEvent:
        raise GatewayError("bank transfers cannot be queried; the statement feed reports them")

    def refund(self, request: RefundRequest) -> RefundResult:
        raise GatewayError("bank transfers are refunded by a manual transfer")

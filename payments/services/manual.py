"""Events no gateway sent: what operators and producers record by hand (cash collected, a
transfer confirmed), fed to the same state machine as the gateways' own."""

from datetime import datetime

from django.utils import timezone

from payments.models import PaymentAttempt
from payments.ports import GatewayEvent


def manual_event(
    attempt: PaymentAttempt,
    *,
    response_code: str,
    txn_id: str = "",
    occurred_at: datetime | None = None,
    raw: dict | None = None,
) -> GatewayEvent:
    """`attempt` paid in full, as a person attests (`response_code` says who: "cash",
    "operator")."""
    return GatewayEvent(
        reference=attempt.reference,
        status="paid",
        amount=attempt.amount,
        currency=attempt.currency,
        gateway_txn_id=txn_id,
        response_code=response_code,
        occurred_at=occurred_at or timezone.now(),
        raw=raw or {},
    )

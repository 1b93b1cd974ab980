"""A verified delivery from a gateway, applied: once per idempotency key where the gateway
has one, each event through the state machine, each credit matched by reference."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from payments.models import BankCredit, PaymentAttempt
from payments.ports import Notification
from payments.services.bank import bank_credits_ingest
from payments.services.events import payment_event_apply, processed_event_claim


@dataclass(frozen=True)
class Received:
    """What became of a delivery: `outcome` for the gateway's acknowledgement, `summary` for
    the call log."""

    outcome: str
    summary: str
    reference: str = ""
    attempt: PaymentAttempt | None = None
    credits: list[BankCredit] = field(default_factory=list)


def notification_apply(
    *, method: str, notification: Notification, log: Callable[[Received], None] | None = None
) -> Received:
    """Apply `notification`, which `method`'s adapter verified, in one transaction with
    `log(received)`, the delivery's call log (one commit for both). A delivery whose key was
    already processed is a duplicate and changes nothing."""
    with transaction.atomic():
        if notification.key and not processed_event_claim(
            gateway=method, event_id=notification.key
        ):
            received = Received(
                outcome="duplicate", summary="duplicate", reference=_reference(notification)
            )
        else:
            received = _apply(method, notification)
        if log is not None:
            log(received)
    return received


def _apply(method: str, notification: Notification) -> Received:
    outcome, attempt, reference = "applied", None, _reference(notification)
    for event in notification.events:
        applied = payment_event_apply(event=event, method=method)
        outcome, attempt = str(applied.outcome), applied.attempt
    if not notification.credits and notification.events:
        return Received(outcome=outcome, summary=outcome, reference=reference, attempt=attempt)
    credits = bank_credits_ingest(method=method, credits=notification.credits)
    summary = ", ".join(sorted({c.status for c in credits})) or "no credits"
    return Received(outcome=outcome, summary=summary, attempt=attempt, credits=credits)


def _reference(notification: Notification) -> str:
    return notification.events[-1].reference if notification.events else ""

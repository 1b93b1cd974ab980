"""The state machine. One service moves money state: `payment_event_apply`.

Every source of truth converges on it: VNPay's IPN, Stripe's webhooks, the bank feed, the
reconciliation task and operators' audited actions. It locks the attempt (and its order),
checks amount and currency, and only moves state forward, so a replayed, late or duplicated
notification can never undo or double-apply anything. Network calls to gateways happen
outside transactions and are logged as `GatewayCall` rows.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from payments.models import AttemptStatus, PaymentAttempt, ProcessedEvent
from payments.ports import GatewayEvent
from payments.services.orders import ORDER_FIELDS_READ, order_paid
from payments.services.outcomes import Applied, Outcome
from shop.db.rows import rows_locked
from shop.outbox.services import outbox_batch

# What moving an attempt forward writes (order_paid may flag it for review).
MOVED_FIELDS = (
    "status",
    "gateway_txn_id",
    "response_code",
    "paid_at",
    "needs_review",
    "updated_at",
)

_ATTEMPT_FIELDS = tuple(field.name for field in PaymentAttempt._meta.concrete_fields)


def payment_event_apply(*, event: GatewayEvent, method: str) -> Applied:
    """Apply a verified gateway event to its attempt: idempotent, forward-only, locked.
    Within a caller's transaction (a gateway's delivery and its call log), part of it: no
    savepoint of its own."""
    # Its side effects (the outbox rows of order_paid's e-mails) in one INSERT.
    with transaction.atomic(savepoint=False), outbox_batch():
        # The attempt and its order, both locked, in one statement (the order in the order the
        # other services lock them: attempt first), built once (shop.db.rows): compiling the
        # ORM's join cost more than PostgreSQL's work. Of the order, only the columns paying
        # it reads (any other is read if used).
        found = rows_locked(
            PaymentAttempt,
            where={"reference": event.reference, "method": method},
            fields=_ATTEMPT_FIELDS,
            join="order",
            join_fields=ORDER_FIELDS_READ,
        )
        if not found:
            return Applied(Outcome.NOT_FOUND)
        attempt = found[0]  # the reference is unique
        if event.currency != attempt.currency or event.amount != attempt.amount:
            return Applied(Outcome.AMOUNT_MISMATCH, attempt)
        if event.status == "pending":
            return Applied(Outcome.IGNORED, attempt)
        late_payment = event.status == "paid" and attempt.status == AttemptStatus.EXPIRED
        if attempt.is_final and not late_payment:
            return Applied(Outcome.ALREADY_FINAL, attempt)
        attempt.status = event.status
        attempt.gateway_txn_id = event.gateway_txn_id or attempt.gateway_txn_id
        attempt.response_code = event.response_code or attempt.response_code
        if event.status == AttemptStatus.PAID:
            attempt.paid_at = timezone.now()
            order_paid(attempt)
        attempt.save(update_fields=MOVED_FIELDS)
    return Applied(Outcome.APPLIED, attempt)


def processed_event_claim(*, gateway: str, event_id: str) -> bool:
    """True the first time an event id is seen for a gateway; False for every replay."""
    try:
        with transaction.atomic():
            ProcessedEvent.objects.create(gateway=gateway, event_id=event_id)
    except IntegrityError:
        return False
    return True

"""Bank transfers: the statement feed's credits, matched to attempts by reference, and the
operators' decisions on credits the feed could not match."""

from django.db import transaction

from payments.gateways.bank_statement import StatementWebhook, candidate_references
from payments.models import AttemptStatus, BankCredit, Method, PaymentAction, PaymentAttempt
from payments.ports import GatewayEvent
from payments.services.events import payment_event_apply
from payments.services.outcomes import Applied, Outcome, PaymentNotAllowed
from payments.services.references import REFERENCE_LENGTH, REFERENCE_PREFIX


def bank_statement_ingest(*, webhook: StatementWebhook) -> list[BankCredit]:
    """Record each credit once (by bank reference) and apply those that match exactly."""
    results = []
    for line in webhook.lines:
        if not line.is_credit:
            continue
        with transaction.atomic():
            credit, created = BankCredit.objects.get_or_create(
                bank_reference=line.bank_reference,
                defaults={
                    "amount": line.amount,
                    "description": line.description[:500],
                    "account_number": line.account_number,
                    "occurred_at": line.occurred_at,
                    "status": BankCredit.Status.UNMATCHED,
                },
            )
            if not created:
                results.append(credit)
                continue
            credit.status, credit.attempt = _match_credit(credit, line.description)
            if credit.status == BankCredit.Status.MATCHED:
                applied = payment_event_apply(
                    event=line.to_event(reference=credit.attempt.reference), method=Method.VIETQR
                )
                if applied.outcome != Outcome.APPLIED:
                    credit.status = BankCredit.Status.LATE
            credit.save()
            results.append(credit)
    return results


def _match_credit(credit: BankCredit, description: str):
    candidates = candidate_references(description, prefix=REFERENCE_PREFIX, length=REFERENCE_LENGTH)
    attempts = list(PaymentAttempt.objects.filter(reference__in=candidates, method=Method.VIETQR))
    if len(attempts) != 1:
        return BankCredit.Status.UNMATCHED, None
    attempt = attempts[0]
    if attempt.status not in (AttemptStatus.PENDING, AttemptStatus.EXPIRED):
        return BankCredit.Status.LATE, attempt
    if credit.amount < attempt.amount:
        return BankCredit.Status.UNDERPAID, attempt
    if credit.amount > attempt.amount:
        return BankCredit.Status.OVERPAID, attempt
    return BankCredit.Status.MATCHED, attempt


def bank_credit_confirm(
    *, credit: BankCredit, attempt: PaymentAttempt, actor, reason: str
) -> Applied:
    """An operator accepts a transfer the feed could not match, for `attempt`, with a reason."""
    if not reason.strip():
        raise PaymentNotAllowed("a reason is required")
    if attempt.method != Method.VIETQR:
        raise PaymentNotAllowed("only bank-transfer payments can be confirmed from a transfer")
    with transaction.atomic():
        credit = BankCredit.objects.select_for_update().get(pk=credit.pk)
        if not credit.needs_operator:
            raise PaymentNotAllowed("this transfer has already been resolved")
        event = GatewayEvent(
            reference=attempt.reference,
            status="paid",
            amount=attempt.amount,
            currency=attempt.currency,
            gateway_txn_id=credit.bank_reference,
            response_code="operator",
            occurred_at=credit.occurred_at,
            raw={"bank_reference": credit.bank_reference, "credited": str(credit.amount)},
        )
        applied = payment_event_apply(event=event, method=attempt.method)
        if applied.outcome != Outcome.APPLIED:
            # Already paid, or no longer payable: money received twice is for a refund, not
            # for a confirmation.
            raise PaymentNotAllowed(f"the payment could not be confirmed ({applied.outcome})")
        credit.status, credit.attempt = BankCredit.Status.CONFIRMED, attempt
        credit.resolved_by, credit.resolution = actor, reason
        credit.save()
        PaymentAction.objects.create(
            attempt=attempt, actor=actor, action="confirm_transfer", reason=reason
        )
    return applied


def bank_credit_dismiss(*, credit: BankCredit, actor, reason: str) -> None:
    if not reason.strip():
        raise PaymentNotAllowed("a reason is required")
    with transaction.atomic():
        credit = BankCredit.objects.select_for_update().get(pk=credit.pk)
        if not credit.needs_operator:
            raise PaymentNotAllowed("this transfer has already been resolved")
        credit.status, credit.resolved_by, credit.resolution = (
            BankCredit.Status.DISMISSED,
            actor,
            reason,
        )
        credit.save()

"""Credits: money a feed (the bank statement) reports without naming the payment, matched to
attempts by the reference in the transfer message, and the operators' decisions on credits
the feed could not match."""

from collections.abc import Iterable

from django.db import transaction

from payments.gateways_registry import capabilities
from payments.models import AttemptStatus, BankCredit, PaymentAction, PaymentAttempt
from payments.ports import Credit
from payments.references import references_in
from payments.services.events import payment_event_apply
from payments.services.manual import manual_event
from payments.services.outcomes import Applied, Outcome, PaymentNotAllowed


def bank_credits_ingest(*, method: str, credits: Iterable[Credit]) -> list[BankCredit]:
    """Record each credit once (by the feed's transaction id) and apply those that match an
    attempt of `method` exactly."""
    results = []
    for line in credits:
        with transaction.atomic():
            credit, created = BankCredit.objects.get_or_create(
                bank_reference=line.transaction_id,
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
            credit.status, credit.attempt = _match_credit(credit, line.description, method)
            if credit.status == BankCredit.Status.MATCHED:
                applied = payment_event_apply(
                    event=line.to_event(reference=credit.attempt.reference), method=method
                )
                if applied.outcome != Outcome.APPLIED:
                    credit.status = BankCredit.Status.LATE
            credit.save()
            results.append(credit)
    return results


def _match_credit(credit: BankCredit, description: str, method: str):
    candidates = references_in(description)
    attempts = list(PaymentAttempt.objects.filter(reference__in=candidates, method=method))
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
    if not capabilities(attempt.method).reports_credits:
        raise PaymentNotAllowed("only bank-transfer payments can be confirmed from a transfer")
    with transaction.atomic():
        credit = BankCredit.objects.select_for_update().get(pk=credit.pk)
        if not credit.needs_operator:
            raise PaymentNotAllowed("this transfer has already been resolved")
        event = manual_event(
            attempt,
            response_code="operator",
            txn_id=credit.bank_reference,
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

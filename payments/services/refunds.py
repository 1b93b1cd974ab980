"""Refunds: reserved on the attempt, sent through the gateway when it can refund, recorded
otherwise; at most once per submitted form."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from oscar.core.loading import get_model

from payments.gateways_registry import capabilities, gateway_for
from payments.models import AttemptStatus, GatewayCall, PaymentAttempt, Refund
from payments.ports import GatewayError, GatewayUnavailable, RefundRequest
from payments.services.events import processed_event_claim
from payments.services.log import call_log
from payments.services.orders import order_refund_event
from payments.services.outcomes import PaymentNotAllowed
from shop.money import whole_dong


def refund_partners(*, attempt: PaymentAttempt) -> list:
    """The producers whose goods are in the attempt's order (one refund is for one of them)."""
    Partner = get_model("partner", "Partner")
    return list(
        Partner.objects.filter(order_lines__order_id=attempt.order_id).distinct().order_by("name")
    )


def refund_partner(*, attempt: PaymentAttempt, partner=None):
    """Whose goods a refund is for: the one given, which must be in the order; implied when the
    order holds one producer's goods; required when it holds several."""
    partners = refund_partners(attempt=attempt)
    if partner is not None:
        if partner.pk not in {p.pk for p in partners}:
            raise PaymentNotAllowed("this producer has no goods in the order")
        return partner
    if len(partners) > 1:
        raise PaymentNotAllowed("choose the producer whose goods are refunded")
    return partners[0] if partners else None


def payment_refund(
    *,
    attempt: PaymentAttempt,
    amount: Decimal,
    reason: str,
    actor,
    requester_ip: str = "",
    partner=None,
) -> Refund:
    """Refund all or part of a paid attempt: through its gateway where it has one.

    The amount is reserved on the attempt (a conditional UPDATE) before the gateway is called,
    so two operators can never send the same money back twice. A refusal releases it; a
    gateway that does not answer leaves the refund *pending* for an operator to check.
    The refund is for one producer's goods (`refund_partner`), which settlements claw back.
    """
    amount = whole_dong(amount)
    if not reason.strip():
        raise PaymentNotAllowed("a reason is required")
    if amount <= 0:
        raise PaymentNotAllowed("the amount must be positive")
    partner = refund_partner(attempt=attempt, partner=partner)
    can = capabilities(attempt.method)
    through_gateway = can.can_refund
    if through_gateway and not can.partial_refund and amount != attempt.amount:
        raise PaymentNotAllowed("this payment can only be refunded in full")
    with transaction.atomic():
        reserved = PaymentAttempt.objects.filter(
            pk=attempt.pk, status=AttemptStatus.PAID, refunded__lte=F("amount") - amount
        ).update(refunded=F("refunded") + amount)
        if not reserved:
            attempt.refresh_from_db()
            raise PaymentNotAllowed(f"at most {attempt.refundable} can be refunded")
        refund = Refund.objects.create(
            attempt=attempt,
            amount=amount,
            reason=reason,
            status=Refund.Status.PENDING if through_gateway else Refund.Status.RECORDED,
            created_by=actor,
            partner=partner,
        )
        if not through_gateway:
            order_refund_event(attempt, amount)
    attempt.refresh_from_db()
    if not through_gateway:
        return refund

    request = RefundRequest(
        reference=attempt.reference,
        amount=amount,
        full=amount == attempt.amount,
        gateway_txn_id=attempt.gateway_txn_id,
        payment_created_at=attempt.created_at,
        requested_by=actor.get_username()[:64],
        reason=reason,
        requester_ip=requester_ip or "127.0.0.1",
    )
    log = {"gateway": attempt.method, "direction": GatewayCall.Direction.OUT, "attempt": attempt}
    try:
        result = gateway_for(attempt.method).refund(request)
    except GatewayUnavailable as exc:
        call_log(**log, operation="refund", request={"amount": amount}, outcome=f"unknown: {exc}")
        raise  # the refund stays pending and reserved: the gateway may have acted
    except GatewayError as exc:
        call_log(**log, operation="refund", request={"amount": amount}, outcome=f"error: {exc}")
        _refund_release(refund, message=str(exc))
        raise
    call_log(
        **log,
        operation="refund",
        request={"amount": amount},
        response={
            "status": result.status,
            "txn": result.gateway_txn_id,
            "code": result.response_code,
        },
        outcome=result.status,
    )
    if result.status != "accepted":
        _refund_release(refund, message=result.message)
        raise PaymentNotAllowed(f"the gateway rejected the refund ({result.message})")
    with transaction.atomic():
        refund.status, refund.gateway_reference = Refund.Status.ACCEPTED, result.gateway_txn_id
        refund.save(update_fields=["status", "gateway_reference"])
        order_refund_event(attempt, amount)
    return refund


def _refund_release(refund: Refund, *, message: str) -> None:
    with transaction.atomic():
        PaymentAttempt.objects.filter(pk=refund.attempt_id).update(
            refunded=F("refunded") - refund.amount
        )
        refund.status = Refund.Status.REJECTED
        refund.gateway_reference = message[:128]
        refund.save(update_fields=["status", "gateway_reference"])


class RefundAlreadySubmitted(PaymentNotAllowed):
    """The same refund form came back a second time."""


def payment_refund_once(
    *,
    attempt: PaymentAttempt,
    amount: Decimal,
    reason: str,
    actor,
    request_token: str,
    partner=None,
) -> Refund:
    """`payment_refund`, at most once per submitted refund form (its one-time token).

    A double click or a resubmitted page must not give the money back twice. The token is
    claimed before the gateway is called and is never released, even when the refund fails:
    the gateway may have acted before the error, so a retry needs a fresh form.
    """
    if not request_token or not processed_event_claim(
        gateway="dashboard", event_id=f"refund:{request_token}"
    ):
        raise RefundAlreadySubmitted("this refund form was already submitted")
    partner = refund_partner(attempt=attempt, partner=partner)  # before the token is spent
    return payment_refund(
        attempt=attempt, amount=amount, reason=reason, actor=actor, partner=partner
    )

"""Carrying a decided remedy out: a refund through the payment (or a VietQR payout an operator
records, for cash on delivery and bank transfer), clawed back from the producer's settlement;
a return or replacement parcel through the carrier port.

Runs from the outbox (`tasks.remedy_execute`), outside any transaction while it talks to a
gateway or a carrier; idempotent; calls `services.complaint_resolve` when done.

- REFUND: the order's paid attempt. A method whose gateway refunds (VNPay, MoMo, cards) is
  refunded through `payments.services.refunds.payment_refund`, with the complaint's reference
  as the refund's reason: that reason finds the refund again on the next run, so a run that
  died between the gateway's answer and our link never sends a second refund. A method
  without a gateway refund (cash on delivery, bank transfer) waits for the buyer's account
  (step PAYOUT_ASKED) and for an operator, who pays it by VietQR and records it
  (`complaint_payout_record`): that records the refund with payments, which claws it back.
- RETURN: a parcel from the buyer back to the producer; once the carrier delivers it, the
  refund above. REPLACE: a parcel from the producer to the buyer; delivered, the case closes.
  Parcels (`shop.complaints.parcels`) are created once per reference (the carrier keeps it as
  its client order code) and tracked by `parcels_track` (task ``complaints.track_parcels``).
- Failures are kept on the complaint (``execution_error``, one EXECUTION_FAILED step per new
  error) and shown to operators. A gateway or carrier that does not answer raises
  `RemedyRetry`, so the outbox runs it again with backoff; a refusal waits for an operator,
  who queues it again from the payouts page (`remedy_retry`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from payments.gateways_registry import capabilities, gateway_for
from payments.models import AttemptStatus, GatewayCall, Method, PaymentAttempt, Refund
from payments.ports import GatewayError, GatewayUnavailable, RefundRequest
from payments.services.log import call_log
from payments.services.orders import order_refund_event
from payments.services.outcomes import PaymentNotAllowed
from payments.services.refunds import payment_refund
from shop import roles
from shop.complaints.models import Complaint, ComplaintParcel, ComplaintStep, Remedy, Role, State
from shop.complaints.services import ComplaintRefused, complaint_resolve, step_record
from shop.fulfilment.models import Shipment
from shop.money import whole_dong

logger = logging.getLogger(__name__)

Kind = ComplaintStep.Kind
Direction = ComplaintParcel.Direction
ParcelStatus = ComplaintParcel.Status
REFUNDS_DONE = (Refund.Status.ACCEPTED, Refund.Status.RECORDED)
# Remedies that give money back (a return once the goods are back with the producer).
MONEY_BACK = (Remedy.REFUND, Remedy.RETURN)


class RemedyRetry(Exception):
    """The gateway or the carrier did not answer: the outbox runs the remedy again later."""


def refund_reason(complaint: Complaint) -> str:
    """The refund's reason: also how a refund made for this complaint is found again."""
    return f"Khiếu nại {complaint.reference}"


# --------------------------------------------------------------------------- the task's body


def remedy_execute(*, complaint_id: int) -> str:
    """Carry the complaint's decided remedy one step further. Returns what happened:
    ``resolved``, ``parcel`` (waiting for a parcel), ``payout`` (waiting for the buyer's
    account or an operator's transfer), ``failed`` (an operator must look), ``skipped``."""
    complaint = Complaint.objects.select_related("order", "shipment", "partner", "line").get(
        pk=complaint_id
    )
    if complaint.state != State.EXECUTING:
        return "skipped"
    if complaint.remedy == Remedy.REFUND:
        return _money_back(complaint)
    if complaint.remedy in (Remedy.RETURN, Remedy.REPLACE):
        direction = Direction.RETURN if complaint.remedy == Remedy.RETURN else Direction.REPLACEMENT
        from shop.complaints.parcels import parcel_carry_out

        parcel = parcel_carry_out(complaint, direction)
        if parcel is None:
            return "failed"
        if parcel.status != ParcelStatus.DELIVERED:
            return "parcel"
        if complaint.remedy == Remedy.RETURN:
            return _money_back(complaint)
        complaint_resolve(complaint=complaint, text=_("The replacement arrived."))
        return "resolved"
    return "skipped"


def remedy_retry(*, complaint: Complaint, actor) -> None:
    """An operator queues a remedy that failed (or waits on a pending refund) again."""
    from shop.complaints import tasks
    from shop.notifications import notify

    if not roles.is_operator(actor):
        raise ComplaintRefused(_("Only operators can do this."))
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.state != State.EXECUTING:
            raise ComplaintRefused(_("This complaint is not being carried out."))
        step_record(
            complaint=locked,
            kind=Kind.NOTE,
            role=Role.OPERATOR,
            actor=actor,
            text=_("Carrying out queued again."),
        )
        notify(
            tasks.remedy_execute,
            complaint_id=locked.pk,
            key=f"complaint-remedy:{locked.pk}:retry:{timezone.now().timestamp()}",
        )


# --------------------------------------------------------------------------- money


def money_attempt(*, order_id: int) -> PaymentAttempt | None:
    """The attempt that paid the order (the latest paid one), else its cash-on-delivery
    attempt still waiting for its cash."""
    paid = (
        PaymentAttempt.objects.filter(order_id=order_id, status=AttemptStatus.PAID)
        .order_by("-paid_at", "-pk")
        .first()
    )
    return paid or PaymentAttempt.objects.filter(order_id=order_id, method=Method.COD).first()


def is_payout(attempt: PaymentAttempt | None) -> bool:
    """The money goes back by a transfer an operator makes (no gateway refund)."""
    return attempt is None or not capabilities(attempt.method).can_refund


def wanted_amount(complaint: Complaint) -> Decimal:
    """What the decision gives back: its amount, else the line's price for the quantity."""
    if complaint.remedy_amount is not None:
        return whole_dong(complaint.remedy_amount)
    return whole_dong(complaint.line.unit_price_incl_tax * complaint.quantity)


def _refunded_for_partner(*, order_id: int, partner_id: int) -> Decimal:
    done = Refund.objects.filter(
        attempt__order_id=order_id, partner_id=partner_id, status__in=REFUNDS_DONE
    ).aggregate(total=Sum("amount"))["total"]
    return done or Decimal(0)


def cod_collected(shipment: Shipment) -> Decimal:
    """The cash the buyer paid for the shipment: what its carrier reported (or an operator
    settled); nothing while it is not in."""
    if shipment.cod not in (Shipment.Cod.COLLECTED, Shipment.Cod.RESOLVED):
        return Decimal(0)
    if shipment.cod_collected is not None:
        return whole_dong(shipment.cod_collected)
    return whole_dong(shipment.cod_due)


def refund_amount(complaint: Complaint, attempt: PaymentAttempt | None) -> Decimal:
    """What can go back now: the decision's amount, no more than the payment can still give,
    and for cash on delivery no more than this parcel's cash that is not already returned."""
    amount = wanted_amount(complaint)
    if attempt is None:
        return Decimal(0)
    if attempt.method == Method.COD:
        collected = cod_collected(complaint.shipment) - _refunded_for_partner(
            order_id=complaint.order_id, partner_id=complaint.partner_id
        )
        amount = min(amount, max(collected, Decimal(0)))
    if attempt.status == AttemptStatus.PAID:
        amount = min(amount, attempt.refundable)
    return max(amount, Decimal(0))


def _actor_for(complaint: Complaint):
    """Who the refund is recorded as made by: the last person who acted on the complaint
    (the operator who decided, the producer who accepted), else the buyer."""
    step = complaint.steps.exclude(actor=None).select_related("actor").order_by("-at", "-pk")
    last = step.first()
    if last is not None:
        return last.actor
    return complaint.user or complaint.order.user


def _money_back(complaint: Complaint) -> str:
    complaint.refresh_from_db()
    if complaint.refund_id and complaint.refund.status in REFUNDS_DONE:
        complaint_resolve(complaint=complaint, text=_("The money is back with the buyer."))
        return "resolved"
    attempt = money_attempt(order_id=complaint.order_id)
    if is_payout(attempt):
        return _payout_wait(complaint)
    return _gateway_refund(complaint, attempt)


# How long one run may hold a complaint's refund to itself (a run that dies frees it then).
REFUND_LEASE_SECONDS = 120


def _gateway_refund(complaint: Complaint, attempt: PaymentAttempt) -> str:
    """Two runs at once (the parcel's arrival and an operator's retry) must not both ask the
    gateway: a short lease in the cache (not a database lock: the gateway is called under
    it) lets one through; the other is retried later by the outbox."""
    lease = f"complaint-refund:{complaint.pk}"
    if not cache.add(lease, "1", timeout=REFUND_LEASE_SECONDS):
        raise RemedyRetry("another run is refunding this complaint")
    try:
        return _gateway_refund_once(complaint, attempt)
    finally:
        cache.delete(lease)


def _gateway_refund_once(complaint: Complaint, attempt: PaymentAttempt) -> str:
    reason = refund_reason(complaint)
    earlier = (
        Refund.objects.filter(attempt=attempt, reason=reason)
        .exclude(status=Refund.Status.REJECTED)
        .order_by("-pk")
        .first()
    )
    try:
        if earlier is not None and earlier.status in REFUNDS_DONE:
            refund = earlier  # made by a run that stopped before linking it
        elif earlier is not None:
            refund = refund_resend(earlier)  # the gateway did not answer last time
        else:
            amount = refund_amount(complaint, attempt)
            if amount <= 0:
                raise PaymentNotAllowed("nothing of this payment is left to refund")
            actor = _actor_for(complaint)
            if actor is None:
                raise PaymentNotAllowed("no one to record the refund for")
            refund = payment_refund(
                attempt=attempt,
                amount=amount,
                reason=reason,
                actor=actor,
                partner=complaint.partner,
            )
    except GatewayUnavailable as exc:
        failure_record(complaint, _("The payment gateway did not answer: %(error)s") % {
            "error": exc
        })  # fmt: skip
        raise RemedyRetry(str(exc)) from exc
    except (GatewayError, PaymentNotAllowed) as exc:
        failure_record(complaint, _("The refund was refused: %(error)s") % {"error": exc})
        return "failed"
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.refund_id is None:
            locked.refund = refund
            locked.execution_error = ""
            locked.save(update_fields=["refund", "execution_error"])
            step_record(
                complaint=locked,
                kind=Kind.REFUNDED,
                role=Role.SYSTEM,
                remedy=locked.remedy,
                amount=refund.amount,
                text=_("%(amount)s đ refunded through %(method)s.")
                % {
                    "amount": f"{refund.amount:,.0f}".replace(",", "."),
                    "method": attempt.get_method_display(),
                },  # fmt: skip
            )
        complaint_resolve(complaint=locked, text=_("The money is back with the buyer."))
    return "resolved"


def refund_resend(refund: Refund) -> Refund:
    """Ask the gateway again about a refund it did not answer: the same request (VNPay
    answers a repeat as a duplicate, Stripe keys it by amount), then accepted or released as
    `payment_refund` would have."""
    attempt = refund.attempt
    request = RefundRequest(
        reference=attempt.reference,
        amount=refund.amount,
        full=refund.amount == attempt.amount,
        gateway_txn_id=attempt.gateway_txn_id,
        payment_created_at=attempt.created_at,
        requested_by=refund.created_by.get_username()[:64],
        reason=refund.reason,
    )
    log = {"gateway": attempt.method, "direction": GatewayCall.Direction.OUT, "attempt": attempt}
    try:
        result = gateway_for(attempt.method).refund(request)
    except GatewayUnavailable as exc:
        call_log(**log, operation="refund", request={"amount": refund.amount}, outcome=f"{exc}")
        raise
    except GatewayError as exc:
        call_log(**log, operation="refund", request={"amount": refund.amount}, outcome=f"{exc}")
        _refund_release(refund, message=str(exc))
        raise
    call_log(
        **log,
        operation="refund",
        request={"amount": refund.amount, "again": True},
        response={"status": result.status, "txn": result.gateway_txn_id},
        outcome=result.status,
    )
    if result.status != "accepted":
        _refund_release(refund, message=result.message)
        raise PaymentNotAllowed(f"the gateway rejected the refund ({result.message})")
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status == Refund.Status.PENDING:
            locked.status, locked.gateway_reference = Refund.Status.ACCEPTED, result.gateway_txn_id
            locked.save(update_fields=["status", "gateway_reference"])
            order_refund_event(attempt, locked.amount)
    return locked


def _refund_release(refund: Refund, *, message: str) -> None:
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status != Refund.Status.PENDING:
            return
        PaymentAttempt.objects.filter(pk=locked.attempt_id).update(
            refunded=F("refunded") - locked.amount
        )
        locked.status, locked.gateway_reference = Refund.Status.REJECTED, message[:128]
        locked.save(update_fields=["status", "gateway_reference"])


def failure_record(complaint: Complaint, message: str) -> None:
    """Keep the failure on the complaint; a step only when the error is a new one (a gateway
    down for hours leaves one step, not one per retry)."""
    message = message[:255]
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.execution_error == message:
            return
        locked.execution_error = message
        locked.save(update_fields=["execution_error"])
        step_record(complaint=locked, kind=Kind.EXECUTION_FAILED, role=Role.SYSTEM, text=message)
    logger.warning("complaint %s: %s", complaint.reference, message)


# --------------------------------------------------------------------------- payouts


def has_payout_account(complaint: Complaint) -> bool:
    return bool(complaint.payout_bank_bin and complaint.payout_account_number)


def _payout_wait(complaint: Complaint) -> str:
    """Cash on delivery or bank transfer: an operator transfers the money to the buyer's
    account. Ask the buyer for it once, when missing."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if (
            not has_payout_account(locked)
            and not locked.steps.filter(kind=Kind.PAYOUT_ASKED).exists()
        ):
            step_record(
                complaint=locked,
                kind=Kind.PAYOUT_ASKED,
                role=Role.SYSTEM,
                amount=wanted_amount(locked),
                text=_("Give the bank account the refund should be sent to."),
            )
    return "payout"


def payout_ready(complaint: Complaint) -> bool:
    """The money is due now: a refund, or a return whose parcel is back with the producer."""
    if complaint.state != State.EXECUTING or complaint.remedy not in MONEY_BACK:
        return False
    if complaint.remedy == Remedy.RETURN:
        return complaint.parcels.filter(
            direction=Direction.RETURN, status=ParcelStatus.DELIVERED
        ).exists()
    return True


def complaint_payout_record(
    *, complaint: Complaint, actor, now: datetime | None = None
) -> Complaint:
    """An operator has transferred the refund to the buyer's account (by the VietQR code):
    record it with payments (a refund of the order, for the producer's goods, which the
    producer's settlement claws back), and close the case. Once only."""
    if not roles.is_operator(actor):
        raise ComplaintRefused(_("Only operators can do this."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("shipment", "line", "partner")
            .get(pk=complaint.pk)
        )
        if locked.payout_recorded_at is not None or locked.refund_id is not None:
            raise ComplaintRefused(_("This refund has already been recorded."))
        if not payout_ready(locked):
            raise ComplaintRefused(_("No refund is due on this complaint yet."))
        attempt = money_attempt(order_id=locked.order_id)
        if not is_payout(attempt):
            raise ComplaintRefused(_("This order is refunded through its payment gateway."))
        if not has_payout_account(locked):
            raise ComplaintRefused(_("The buyer has not given a bank account yet."))
        if attempt is None or attempt.status != AttemptStatus.PAID:
            raise ComplaintRefused(
                _("The order's money is not all in yet: record the refund once it is.")
            )
        amount = refund_amount(locked, attempt)
        if amount <= 0:
            raise ComplaintRefused(_("Nothing of this order's payment is left to refund."))
        try:
            refund = payment_refund(  # no gateway: recorded, no network
                attempt=attempt,
                amount=amount,
                reason=refund_reason(locked),
                actor=actor,
                partner=locked.partner,
            )
        except PaymentNotAllowed as exc:
            raise ComplaintRefused(_("The refund cannot be recorded: %(error)s") % {
                "error": exc
            }) from exc  # fmt: skip
        locked.refund = refund
        locked.payout_recorded_at, locked.payout_recorded_by = now, actor
        locked.execution_error = ""
        locked.save(
            update_fields=["refund", "payout_recorded_at", "payout_recorded_by", "execution_error"]
        )
        step_record(
            complaint=locked,
            kind=Kind.PAYOUT_RECORDED,
            role=Role.OPERATOR,
            actor=actor,
            amount=amount,
            text=_("Transferred to the account ending in %(last)s.")
            % {"last": locked.payout_account_number[-4:]},  # fmt: skip
            at=now,
        )
        complaint_resolve(
            complaint=locked, role=Role.OPERATOR, actor=actor, text=_("Refund paid."), at=now
        )
    locked.refresh_from_db()
    return locked

"""Reads for carrying remedies out: the payouts operators make by VietQR, the remedies that
could not be carried out, a payout's transfer code."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from payments import vietqr
from payments.banks import bank_by_bin
from payments.gateways_registry import methods_with
from payments.models import AttemptStatus, PaymentAttempt
from shop.complaints import remedies
from shop.complaints.models import Complaint, ComplaintParcel, Remedy, State


def payouts_due() -> QuerySet[Complaint]:
    """Complaints whose money goes back by a transfer an operator makes (the order was paid in
    cash on delivery or by bank transfer), due now (a refund, or a return back with the
    producer) and not recorded yet; oldest decision first."""
    paid_method = (
        PaymentAttempt.objects.filter(order_id=OuterRef("order_id"), status=AttemptStatus.PAID)
        .order_by("-paid_at", "-pk")
        .values("method")[:1]
    )
    back = ComplaintParcel.objects.filter(
        complaint_id=OuterRef("pk"),
        direction=ComplaintParcel.Direction.RETURN,
        status=ComplaintParcel.Status.DELIVERED,
    )
    return (
        Complaint.objects.filter(state=State.EXECUTING, refund__isnull=True)
        .filter(Q(remedy=Remedy.REFUND) | Q(Exists(back), remedy=Remedy.RETURN))
        .annotate(paid_method=Subquery(paid_method))
        .filter(Q(paid_method__isnull=True) | ~Q(paid_method__in=methods_with("can_refund")))
        .select_related("order", "partner", "line", "shipment")
        .order_by("decided_at", "pk")
    )


def remedies_failed() -> QuerySet[Complaint]:
    """Remedies being carried out whose last try failed (an operator queues them again)."""
    return (
        Complaint.objects.filter(state=State.EXECUTING)
        .exclude(execution_error="")
        .select_related("order", "partner")
        .order_by("decided_at", "pk")
    )


@dataclass(frozen=True)
class Payout:
    complaint: Complaint
    amount: Decimal
    bank_name: str
    payload: str  # the VietQR transfer code; "" without a usable account
    money_in: bool  # the order's payment is complete (cash all collected)


def payout_of(complaint: Complaint) -> Payout:
    """What an operator needs to pay one complaint's refund: the amount, the buyer's bank and
    the VietQR code (the buyer's account, the amount, the complaint's reference)."""
    attempt = remedies.money_attempt(order_id=complaint.order_id)
    amount = remedies.refund_amount(complaint, attempt)
    bank = bank_by_bin(complaint.payout_bank_bin) if complaint.payout_bank_bin else None
    payload = ""
    if remedies.has_payout_account(complaint) and amount > 0:
        try:
            payload = vietqr.build_payload(
                bank_bin=complaint.payout_bank_bin,
                account_number=complaint.payout_account_number,
                amount=amount,
                reference=complaint.reference,
            )
        except ValueError:
            payload = ""
    return Payout(
        complaint=complaint,
        amount=amount,
        bank_name=bank.short_name if bank else complaint.payout_bank_bin,
        payload=payload,
        money_in=attempt is not None and attempt.status == AttemptStatus.PAID,
    )

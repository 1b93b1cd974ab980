"""Writes of the payment flow. One service moves money state: `payment_event_apply`.

Every source of truth converges on it: VNPay's IPN, Stripe's webhooks, the bank feed, the
reconciliation task and operators' audited actions. It locks the attempt (and its order),
checks amount and currency, and only moves state forward, so a replayed, late or duplicated
notification can never undo or double-apply anything. Network calls to gateways happen
outside transactions and are logged as `GatewayCall` rows.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from payments import statuses
from payments.gateways.bank_statement import StatementWebhook, candidate_references
from payments.gateways_registry import gateway_for
from payments.models import (
    AttemptStatus,
    BankCredit,
    GatewayCall,
    Method,
    PaymentAction,
    PaymentAttempt,
    ProcessedEvent,
    Refund,
)
from payments.ports import (
    GatewayError,
    GatewayEvent,
    GatewayUnavailable,
    NextAction,
    PaymentRequest,
    RefundRequest,
)
from shop.fulfilment import services as fulfilment
from shop.money import whole_dong
from shop.outbox.services import outbox_enqueue

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
SourceType = get_model("payment", "SourceType")
EventHandler = get_class("order.processing", "EventHandler")

REFERENCE_PREFIX = "CP"
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by hand
REFERENCE_LENGTH = 8


class Outcome(StrEnum):
    APPLIED = "applied"
    ALREADY_FINAL = "already_final"
    NOT_FOUND = "not_found"
    AMOUNT_MISMATCH = "amount_mismatch"
    IGNORED = "ignored"


@dataclass(frozen=True)
class Applied:
    outcome: Outcome
    attempt: PaymentAttempt | None = None


class PaymentNotAllowed(Exception):
    """The order cannot take this payment (state, method or amount)."""


# --------------------------------------------------------------------------- log


def call_log(
    *,
    gateway: str,
    direction: str,
    operation: str,
    attempt: PaymentAttempt | None = None,
    reference: str = "",
    request: dict | None = None,
    response: dict | None = None,
    signature_valid: bool | None = None,
    outcome: str = "",
    remote_addr: str | None = None,
) -> GatewayCall:
    return GatewayCall.objects.create(
        gateway=gateway,
        direction=direction,
        operation=operation,
        attempt=attempt,
        reference=clean_text(reference or (attempt.reference if attempt else ""))[:64],
        request=_jsonable(request or {}),
        response=_jsonable(response or {}),
        signature_valid=signature_valid,
        outcome=clean_text(outcome)[:255],
        remote_addr=remote_addr or None,
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {clean_text(str(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal | datetime):
        return str(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return clean_text(value)[:10_000]
    return value


def clean_text(value: str) -> str:
    """Text as PostgreSQL can store it: NUL, which it refuses, becomes U+FFFD."""
    return value.replace("\x00", "\ufffd")


# --------------------------------------------------------------------------- attempts


def _new_reference() -> str:
    body = "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH - len(REFERENCE_PREFIX))
    )
    return REFERENCE_PREFIX + body


def expiry_for(method: str) -> timedelta:
    return timedelta(seconds=settings.PAYMENT_EXPIRY_SECONDS[method])


@transaction.atomic
def attempt_create(*, order: Order, method: str, now: datetime | None = None) -> PaymentAttempt:
    """A new attempt to pay `order` by `method`, with its own reference."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != statuses.PENDING_PAYMENT:
        raise PaymentNotAllowed(f"order {order.number} is {order.status!r}, not awaiting payment")
    if method not in settings.PAYMENT_METHODS or method == Method.COD:
        raise PaymentNotAllowed(f"{method!r} is not an online payment method here")
    amount = whole_dong(order.total_incl_tax)
    if amount != order.total_incl_tax or amount <= 0:
        raise PaymentNotAllowed(f"order {order.number} total {order.total_incl_tax} is not payable")
    for _ in range(5):
        try:
            with transaction.atomic():
                return PaymentAttempt.objects.create(
                    order=order,
                    method=method,
                    reference=_new_reference(),
                    amount=amount,
                    currency=order.currency,
                    created_at=now,
                    expires_at=now + expiry_for(method),
                )
        except IntegrityError:  # a reference collision: draw again
            continue
    raise PaymentNotAllowed("could not allocate a unique payment reference")


def attempt_start(
    *,
    attempt: PaymentAttempt,
    buyer_ip: str,
    return_url: str,
    notify_url: str,
    locale: str,
) -> NextAction:
    """Ask the attempt's gateway what the buyer does next. Network I/O: call outside atomic."""
    gateway = gateway_for(attempt.method)
    request = PaymentRequest(
        reference=attempt.reference,
        amount=attempt.amount,
        currency=attempt.currency,
        description=f"Chợ Phiên - đơn hàng {attempt.order.number}",
        buyer_ip=buyer_ip or "127.0.0.1",
        return_url=return_url,
        notify_url=notify_url,
        created_at=attempt.created_at,
        expires_at=attempt.expires_at,
        locale="en" if locale == "en" else "vi",
    )
    try:
        action = gateway.start(request)
    except GatewayError as exc:
        call_log(
            gateway=attempt.method,
            direction=GatewayCall.Direction.OUT,
            operation="start",
            attempt=attempt,
            outcome=f"error: {exc}",
        )
        raise
    session_id = getattr(action, "session_id", "") or ""
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        gateway_session_id=session_id, qr_payload=action.qr_payload or ""
    )
    attempt.gateway_session_id, attempt.qr_payload = session_id, action.qr_payload or ""
    call_log(
        gateway=attempt.method,
        direction=GatewayCall.Direction.OUT,
        operation="start",
        attempt=attempt,
        request={"amount": attempt.amount, "expires_at": attempt.expires_at, "locale": locale},
        response={"kind": action.kind, "url": action.url or "", "session": session_id},
        outcome="ok",
    )
    return action


# --------------------------------------------------------------------------- the state machine


def payment_event_apply(*, event: GatewayEvent, method: str) -> Applied:
    """Apply a verified gateway event to its attempt: idempotent, forward-only, locked."""
    with transaction.atomic():
        attempt = (
            PaymentAttempt.objects.select_for_update()
            .filter(reference=event.reference, method=method)
            .first()
        )
        if attempt is None:
            return Applied(Outcome.NOT_FOUND)
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
            _order_paid(attempt)
        attempt.save()
    return Applied(Outcome.APPLIED, attempt)


def _order_paid(attempt: PaymentAttempt) -> None:
    """Within the attempt's transaction: the order is paid, unless it no longer wants to be."""
    order = Order.objects.select_for_update().get(pk=attempt.order_id)
    if order.status in (statuses.PENDING_PAYMENT, statuses.CASH_ON_DELIVERY):
        order.set_status(statuses.PAID)
        fulfilment.shipments_open_for_order(order=order)
        source_type, _ = SourceType.objects.get_or_create(
            code=attempt.method, defaults={"name": attempt.get_method_display()}
        )
        order.sources.create(
            source_type=source_type,
            currency=attempt.currency,
            amount_allocated=attempt.amount,
            amount_debited=attempt.amount,
            reference=attempt.reference,
        )
        EventHandler().create_payment_event(
            order, event_type_for("Paid"), attempt.amount, reference=attempt.reference
        )
        _enqueue_email(order.pk, "PAYMENT_RECEIVED")
    elif order.status == statuses.PAID:
        attempt.needs_review = "order already paid by another attempt: refund this one"
    else:
        attempt.needs_review = f"payment arrived for an order that is {order.status}"
    if attempt.needs_review:
        logger.warning("payment %s needs review: %s", attempt.reference, attempt.needs_review)


def event_type_for(name: str):
    PaymentEventType = get_model("order", "PaymentEventType")
    return PaymentEventType.objects.get_or_create(name=name)[0]


def _enqueue_email(order_id: int, code: str, *, once: bool = True) -> None:
    """In the caller's transaction: the e-mail goes out once it commits (the outbox); `once`,
    at most once per order and code."""
    outbox_enqueue(
        task="payments.send_order_email",
        kwargs={"order_id": order_id, "code": code},
        key=f"order-email:{order_id}:{code}" if once else "",
    )


def order_emails_after_placement(*, order: Order) -> None:
    """The buyer learns the order was received (and, unless cash, that it awaits payment)."""
    code = "ORDER_PLACED" if order.status == statuses.CASH_ON_DELIVERY else "PAYMENT_PENDING"
    _enqueue_email(order.pk, code)


def payment_link_send(*, order: Order) -> None:
    """A fresh payment link, e-mailed to the address the order was placed with."""
    _enqueue_email(order.pk, "PAYMENT_LINK", once=False)  # each request, its own e-mail


# --------------------------------------------------------------------------- callbacks


def processed_event_claim(*, gateway: str, event_id: str) -> bool:
    """True the first time an event id is seen for a gateway; False for every replay."""
    try:
        with transaction.atomic():
            ProcessedEvent.objects.create(gateway=gateway, event_id=event_id)
    except IntegrityError:
        return False
    return True


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


# --------------------------------------------------------------------------- operators


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


def cash_collected(*, order: Order, actor, reason: str = "") -> Applied:
    """The producer or an operator took the cash for a cash-on-delivery order."""
    attempt = order.payment_attempts.filter(method=Method.COD).first()
    if attempt is None:
        raise PaymentNotAllowed("this order is not paid in cash")
    event = GatewayEvent(
        reference=attempt.reference,
        status="paid",
        amount=attempt.amount,
        currency=attempt.currency,
        gateway_txn_id="",
        response_code="cash",
        occurred_at=timezone.now(),
        raw={},
    )
    with transaction.atomic():
        applied = payment_event_apply(event=event, method=Method.COD)
        if applied.outcome == Outcome.APPLIED:
            PaymentAction.objects.create(
                attempt=attempt,
                actor=actor,
                action="cash_collected",
                reason=reason or "cash collected on delivery",
            )
    return applied


@transaction.atomic
def cod_attempt_create(*, order: Order) -> PaymentAttempt:
    """Cash on delivery: the order is confirmed now and paid when the cash is collected."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    order.set_status(statuses.CASH_ON_DELIVERY)
    fulfilment.shipments_open_for_order(order=order)
    return PaymentAttempt.objects.create(
        order=order,
        method=Method.COD,
        reference=_new_reference(),
        amount=whole_dong(order.total_incl_tax),
        currency=order.currency,
        expires_at=timezone.now() + timedelta(days=3650),
    )


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
    through_gateway = attempt.method in (Method.VNPAY, Method.CARD)
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
            _refund_event(attempt, amount)
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
        _refund_event(attempt, amount)
    return refund


def _refund_release(refund: Refund, *, message: str) -> None:
    with transaction.atomic():
        PaymentAttempt.objects.filter(pk=refund.attempt_id).update(
            refunded=F("refunded") - refund.amount
        )
        refund.status = Refund.Status.REJECTED
        refund.gateway_reference = message[:128]
        refund.save(update_fields=["status", "gateway_reference"])


def _refund_event(attempt: PaymentAttempt, amount: Decimal) -> None:
    EventHandler().create_payment_event(
        attempt.order, event_type_for("Refunded"), amount, reference=attempt.reference
    )


# --------------------------------------------------------------------------- periodic


def attempts_expire(*, now: datetime | None = None) -> int:
    """Expire overdue attempts; cancel orders left with nothing pending and release stock."""
    now = now or timezone.now()
    count = 0
    overdue = PaymentAttempt.objects.filter(
        status=AttemptStatus.PENDING, expires_at__lt=now
    ).exclude(method=Method.COD)
    for attempt_id in overdue.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            attempt = (
                PaymentAttempt.objects.select_for_update(skip_locked=True)
                .filter(pk=attempt_id, status=AttemptStatus.PENDING)
                .first()
            )
            if attempt is None:
                continue
            attempt.status = AttemptStatus.EXPIRED
            attempt.save(update_fields=["status", "updated_at"])
            count += 1
            order_cancel_if_abandoned(order_id=attempt.order_id, now=now)
    return count


def order_cancel_if_abandoned(*, order_id: int, now: datetime) -> bool:
    """Within a transaction: cancel a pending order none of whose attempts can still pay."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != statuses.PENDING_PAYMENT:
        return False
    alive = order.payment_attempts.filter(
        status__in=(AttemptStatus.PENDING, AttemptStatus.PAID)
    ).exists()
    if alive:
        return False
    order.set_status(statuses.CANCELLED)
    fulfilment.shipments_cancel_for_order(order=order, note="payment never came")
    EventHandler().cancel_stock_allocations(order)
    return True


def attempts_reconcile(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Ask gateways about attempts still pending and feed the answers to the state machine."""
    cutoff = timezone.now() - older_than
    pending = PaymentAttempt.objects.filter(
        status=AttemptStatus.PENDING,
        method__in=(Method.VNPAY, Method.CARD),
        created_at__lt=cutoff,
    ).order_by("created_at")[:200]
    applied = 0
    for attempt in pending:
        try:
            event = attempt_query(attempt=attempt)
        except GatewayError as exc:
            logger.warning("reconciliation of %s failed: %s", attempt.reference, exc)
            continue
        if payment_event_apply(event=event, method=attempt.method).outcome == Outcome.APPLIED:
            applied += 1
    return applied


def attempt_query(*, attempt: PaymentAttempt) -> GatewayEvent:
    gateway = gateway_for(attempt.method)
    if attempt.method == Method.CARD:
        event = gateway.query(reference=attempt.reference, session_id=attempt.gateway_session_id)
    else:
        event = gateway.query(reference=attempt.reference, created_at=attempt.created_at)
    call_log(
        gateway=attempt.method,
        direction=GatewayCall.Direction.OUT,
        operation="query",
        attempt=attempt,
        response={"status": event.status, "code": event.response_code, "raw": event.raw},
        signature_valid=True,
        outcome=event.status,
    )
    return event


# --------------------------------------------------------------------------- dashboard


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


def attempt_review_close(*, attempt: PaymentAttempt, actor, reason: str) -> PaymentAttempt:
    """An operator has dealt with an attempt flagged for review (refunded it, or kept it)."""
    if not reason.strip():
        raise PaymentNotAllowed("a reason is required")
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.needs_review:
            raise PaymentNotAllowed("this payment is not waiting for a review")
        PaymentAction.objects.create(
            attempt=attempt,
            actor=actor,
            action="review_closed",
            reason=f"{reason.strip()} (flag: {attempt.needs_review})",
        )
        attempt.needs_review = ""
        attempt.save(update_fields=["needs_review", "updated_at"])
    return attempt

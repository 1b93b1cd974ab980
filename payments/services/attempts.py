"""Payment attempts: create, start at the gateway, review, and the periodic expiry and
reconciliation that ask gateways about attempts still pending."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone
from oscar.core.loading import get_model

from payments.gateways_registry import gateway_for, methods_with
from payments.models import AttemptStatus, GatewayCall, Method, PaymentAction, PaymentAttempt
from payments.ports import GatewayError, GatewayEvent, NextAction, PaymentRequest
from payments.references import reference_new
from payments.services.events import payment_event_apply
from payments.services.log import call_log
from payments.services.orders import order_cancel_if_abandoned
from payments.services.outcomes import Outcome, PaymentNotAllowed
from shop.db.rows import rows_insert_sql
from shop.money import whole_dong
from shop.order import statuses

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")


def expiry_for(method: str) -> timedelta:
    return timedelta(seconds=settings.PAYMENT_EXPIRY_SECONDS[method])


@transaction.atomic
def attempt_create(*, order: Order, method: str, now: datetime | None = None) -> PaymentAttempt:
    """A new attempt to pay `order` by `method`, with its own reference."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    return attempt_write(order=order, method=method, now=now)


def attempt_write(*, order: Order, method: str, now: datetime | None = None) -> PaymentAttempt:
    """An attempt to pay `order` by `method`, the order locked by the caller or written in the
    caller's transaction: the checkout writes an order's first attempt with the order."""
    now = now or timezone.now()
    if order.status != statuses.PENDING_PAYMENT:
        raise PaymentNotAllowed(f"order {order.number} is {order.status!r}, not awaiting payment")
    if method not in settings.PAYMENT_METHODS or method == Method.COD:
        raise PaymentNotAllowed(f"{method!r} is not an online payment method here")
    amount = whole_dong(order.total_incl_tax)
    if amount != order.total_incl_tax or amount <= 0:
        raise PaymentNotAllowed(f"order {order.number} total {order.total_incl_tax} is not payable")
    return attempt_insert(
        PaymentAttempt(
            order=order,
            method=method,
            amount=amount,
            currency=order.currency,
            created_at=now,
            expires_at=now + expiry_for(method),
        )
    )


def attempt_insert(attempt: PaymentAttempt) -> PaymentAttempt:
    """Write `attempt` under a reference of its own. A reference drawn twice (rare: about one in
    ten thousand with a hundred thousand attempts on record) is drawn again; each draw is one
    statement that writes nothing on a taken reference (``ON CONFLICT DO NOTHING``), so the
    transaction it runs in (the order's, at checkout) stays usable, without a savepoint."""
    using = router.db_for_write(PaymentAttempt)
    quote = connections[using].ops.quote_name
    meta = PaymentAttempt._meta
    pk, reference = quote(meta.pk.column), quote(meta.get_field("reference").column)
    for _ in range(5):
        attempt.reference = reference_new()
        sql, values = rows_insert_sql(
            [attempt], using=using, suffix=f"ON CONFLICT ({reference}) DO NOTHING RETURNING {pk}"
        )
        with connections[using].cursor() as cursor:
            cursor.execute(sql, values)
            row = cursor.fetchone()
        if row is not None:
            attempt.pk = row[0]
            attempt._state.adding, attempt._state.db = False, using
            return attempt
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
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        gateway_reference=action.gateway_reference, qr_payload=action.qr_payload or ""
    )
    attempt.gateway_reference, attempt.qr_payload = action.gateway_reference, action.qr_payload
    call_log(
        gateway=attempt.method,
        direction=GatewayCall.Direction.OUT,
        operation="start",
        attempt=attempt,
        request={"amount": attempt.amount, "expires_at": attempt.expires_at, "locale": locale},
        response={
            "kind": action.kind,
            "url": action.url or "",
            "gateway_reference": action.gateway_reference,
        },
        outcome="ok",
    )
    return action


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


def attempts_reconcile(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Ask gateways about attempts still pending and feed the answers to the state machine."""
    cutoff = timezone.now() - older_than
    pending = PaymentAttempt.objects.filter(
        status=AttemptStatus.PENDING,
        method__in=methods_with("can_query"),
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
    event = gateway_for(attempt.method).query(
        reference=attempt.reference, gateway_reference=attempt.gateway_reference
    )
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

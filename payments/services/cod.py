"""Cash on delivery: the order is confirmed at once and paid when the cash is collected."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from payments.models import Method, PaymentAction, PaymentAttempt
from payments.references import reference_new
from payments.services.events import payment_event_apply
from payments.services.manual import manual_event
from payments.services.outcomes import Applied, Outcome, PaymentNotAllowed
from shop.money import whole_dong

Order = get_model("order", "Order")
EventHandler = get_class("order.processing", "EventHandler")


def cash_collected(*, order: Order, actor, reason: str = "") -> Applied:
    """The producer or an operator took the cash for a cash-on-delivery order."""
    attempt = order.payment_attempts.filter(method=Method.COD).first()
    if attempt is None:
        raise PaymentNotAllowed("this order is not paid in cash")
    event = manual_event(attempt, response_code="cash")
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
    EventHandler().order_cash_on_delivery(order)
    return PaymentAttempt.objects.create(
        order=order,
        method=Method.COD,
        reference=reference_new(),
        amount=whole_dong(order.total_incl_tax),
        currency=order.currency,
        expires_at=timezone.now() + timedelta(days=3650),
    )

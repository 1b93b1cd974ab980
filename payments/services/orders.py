"""Where payments change orders: paid, cancelled for want of payment, refunded.

Called inside the payment services' transactions, with the attempt's row locked.
"""

import logging
from datetime import datetime
from decimal import Decimal

from oscar.core.loading import get_class, get_model

from payments import statuses
from payments.models import AttemptStatus, PaymentAttempt
from payments.services.emails import order_email_enqueue
from shop.fulfilment import services as fulfilment

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
SourceType = get_model("payment", "SourceType")
EventHandler = get_class("order.processing", "EventHandler")


def order_paid(attempt: PaymentAttempt) -> None:
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
        order_email_enqueue(order.pk, "PAYMENT_RECEIVED")
    elif order.status == statuses.PAID:
        attempt.needs_review = "order already paid by another attempt: refund this one"
    else:
        attempt.needs_review = f"payment arrived for an order that is {order.status}"
    if attempt.needs_review:
        logger.warning("payment %s needs review: %s", attempt.reference, attempt.needs_review)


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


def order_refund_event(attempt: PaymentAttempt, amount: Decimal) -> None:
    EventHandler().create_payment_event(
        attempt.order, event_type_for("Refunded"), amount, reference=attempt.reference
    )


def event_type_for(name: str):
    PaymentEventType = get_model("order", "PaymentEventType")
    return PaymentEventType.objects.get_or_create(name=name)[0]

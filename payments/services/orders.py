"""Where payments change orders: paid, cancelled for want of payment, refunded. Each goes
through the order pipeline (the order app's `EventHandler`), which moves the status, records
Oscar's payment events and opens or cancels the producers' shipments.

Called inside the payment services' transactions, with the attempt's row (and its order's) locked.
"""

import logging
from datetime import datetime
from decimal import Decimal

from oscar.core.loading import get_class, get_model

from payments.models import AttemptStatus, PaymentAttempt
from payments.services.emails import order_email_enqueue
from shop.order import statuses

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
EventHandler = get_class("order.processing", "EventHandler")
InvalidOrderStatus = get_class("order.exceptions", "InvalidOrderStatus")

# What paying an order reads of it (`order_paid` here reads its status too): the columns locked
# with its attempt.
ORDER_FIELDS_READ = EventHandler.ORDER_PAID_READS


def order_paid(attempt: PaymentAttempt) -> None:
    """Within the attempt's transaction: the order is paid, unless it no longer wants to be.
    `attempt.order` is the order, locked with the attempt (`payment_event_apply`)."""
    order = attempt.order
    try:
        EventHandler().order_paid(
            order,
            amount=attempt.amount,
            currency=attempt.currency,
            reference=attempt.reference,
            method=attempt.method,
            method_name=attempt.get_method_display(),
        )
    except InvalidOrderStatus:
        if order.status == statuses.PAID:
            attempt.needs_review = "order already paid by another attempt: refund this one"
        else:
            attempt.needs_review = f"payment arrived for an order that is {order.status}"
        logger.warning("payment %s needs review: %s", attempt.reference, attempt.needs_review)
    else:
        order_email_enqueue(order.pk, "PAYMENT_RECEIVED")


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
    EventHandler().order_cancelled(order, note="payment never came")
    return True


def order_refund_event(attempt: PaymentAttempt, amount: Decimal) -> None:
    EventHandler().order_refunded(attempt.order, amount=amount, reference=attempt.reference)

"""Periodic and queued work of the payment flow. Tasks take ids and call one service."""

import logging

from celery import shared_task
from django.conf import settings
from oscar.core.loading import get_class, get_model

from payments import selectors, services

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")
CommunicationEventType = get_model("communication", "CommunicationEventType")
Dispatcher = get_class("communication.utils", "Dispatcher")


@shared_task(name="payments.expire_attempts")
def expire_attempts() -> int:
    return services.attempts_expire()


@shared_task(name="payments.reconcile_attempts")
def reconcile_attempts() -> int:
    return services.attempts_reconcile()


@shared_task(
    name="payments.send_order_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_order_email(*, order_id: int, code: str) -> None:
    order = Order.objects.get(pk=order_id)
    context = {
        "order": order,
        "payment_url": selectors.order_payment_url(order),
        "site_url": settings.SITE_URL,
        "lines": order.lines.all(),
    }
    messages = CommunicationEventType.objects.get_and_render(code, context)
    if order.user_id:
        Dispatcher().dispatch_user_messages(order.user, messages)
    else:
        Dispatcher().dispatch_direct_messages(order.email, messages)

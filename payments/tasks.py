"""Periodic and queued work of the payment flow. Tasks take ids and call one service."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import translation
from oscar.core.loading import get_model

from payments import selectors, services
from shop.notifications import email_send

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")


@shared_task(name="payments.expire_attempts")
def expire_attempts() -> int:
    return services.attempts_expire()


@shared_task(name="payments.reconcile_attempts")
def reconcile_attempts() -> int:
    return services.attempts_reconcile()


@shared_task(name="payments.send_order_email")
def send_order_email(*, order_id: int, code: str) -> None:
    """The buyer's e-mail `code` (``ORDER_PLACED``, ``PAYMENT_PENDING``, ``PAYMENT_RECEIVED``,
    ``PAYMENT_LINK``) about the order as it is now, to the account's address (kept in its
    e-mail history) or to the address a guest ordered with."""
    order = Order.objects.select_related("user").get(pk=order_id)
    language = settings.LANGUAGE_CODE  # no buyer's language is kept with the order
    with translation.override(language):
        payment_url = selectors.order_payment_url(order)
    email_send(
        template=f"orders/{code.lower()}",
        to=[order.user.email if order.user_id else order.email],
        language=language,
        context={"order": order, "payment_url": payment_url},
        user=order.user if order.user_id else None,
    )

"""Periodic and queued work of the payment flow. Tasks take ids and call one service."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import translation
from oscar.core.loading import get_model

from payments import selectors, services
from shop.notifications import message_send
from shop.recipients import order_recipient

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")
CommunicationEventType = get_model("communication", "CommunicationEventType")


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
    e-mail history) or to the address a guest ordered with, in the language the order was
    placed in and linking to pages in it."""
    order = Order.objects.select_related("user").get(pk=order_id)
    recipient = order_recipient(order)
    with translation.override(recipient.language):
        payment_url = selectors.order_payment_url(order)
        status_url = "" if order.user_id else selectors.guest_order_url(order)
    message_send(
        recipient=recipient,
        template=f"orders/{code.lower()}",
        context={"order": order, "payment_url": payment_url, "status_url": status_url},
        edited=_edited_templates(code, language=recipient.language),
    )


def _edited_templates(code: str, *, language: str) -> dict[str, str]:
    """What an operator wrote for this e-mail in the dashboard's e-mail templates (Oscar's
    communication event types); the template files give the rest. Operators write them in the
    site's language (Vietnamese): an e-mail in another language comes from the files alone."""
    if language != settings.LANGUAGE_CODE:
        return {}
    fields = {
        "subject": "email_subject_template",
        "body": "email_body_template",
        "html": "email_body_html_template",
    }
    event_type = CommunicationEventType.objects.filter(code=code).first()
    if event_type is None:
        return {}
    return {
        part: getattr(event_type, field)
        for part, field in fields.items()
        if getattr(event_type, field)
    }


@shared_task(name="payments.refund_shipment")
def refund_shipment(*, shipment_id: int, actor_id: int | None = None) -> None:
    services.shipment_part_refund(shipment_id=shipment_id, actor_id=actor_id)

"""E-mails about shipments: the producer learns of an order to ship, the buyer of a parcel on
its way. Tasks take ids, are enqueued after commit by the services, and retry on SMTP errors."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from shop.fulfilment import selectors
from shop.fulfilment.models import Shipment, ShipmentEvent

_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 8}


def producer_addresses(partner) -> list[str]:
    """Where a producer's mail goes: its own address, else its users'."""
    if partner.email:
        return [partner.email]
    return sorted({u.email for u in partner.users.filter(is_active=True) if u.email})


@shared_task(name="fulfilment.send_shipment_email", **_RETRY)
def send_shipment_email(*, event_id: int) -> None:
    event = ShipmentEvent.objects.select_related("shipment__order", "shipment__partner").get(
        pk=event_id
    )
    shipment = event.shipment
    if event.status == Shipment.Status.NEW:
        template, recipients = "new_order", producer_addresses(shipment.partner)
    elif event.status == Shipment.Status.SHIPPED:
        template, recipients = "shipped", [shipment.order.email]
    else:
        return
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "shipment": shipment,
            "order": shipment.order,
            "lines": selectors.shipment_lines(shipment=shipment),
            "shop_name": settings.OSCAR_SHOP_NAME,
            "shipment_url": settings.SITE_URL
            + reverse("producer-orders:detail", kwargs={"pk": shipment.pk}),
        }
        subject = render_to_string(f"fulfilment/emails/{template}_subject.txt", context)
        body = render_to_string(f"fulfilment/emails/{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, recipients)

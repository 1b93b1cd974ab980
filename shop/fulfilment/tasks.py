"""Shipments' tasks: e-mails (the producer learns of an order to ship, the buyer of a parcel on
its way) and the carrier's waybill. Tasks take ids; the services queue them with
`shop.notifications.notify`."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from shop.fulfilment import selectors
from shop.fulfilment.models import Shipment, ShipmentEvent
from shop.notifications import email_send


def producer_addresses(partner) -> list[str]:
    """Where a producer's mail goes: its own address, else its users'."""
    if partner.email:
        return [partner.email]
    return sorted({u.email for u in partner.users.filter(is_active=True) if u.email})


@shared_task(name="fulfilment.send_shipment_email")
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
    email_send(
        template=f"fulfilment/{template}",
        to=recipients,
        language=settings.LANGUAGE_CODE,
        context={
            "shipment": shipment,
            "order": shipment.order,
            "lines": selectors.shipment_lines(shipment=shipment),
            "shipment_url": settings.SITE_URL
            + reverse("producer-orders:detail", kwargs={"pk": shipment.pk}),
        },
    )


@shared_task(name="fulfilment.create_waybill")
def create_waybill(*, shipment_id: int) -> str:
    """The carrier's waybill for a packed shipment (queued by the packing through the outbox,
    which runs it again with backoff while the carrier is unreachable)."""
    from shop.fulfilment.waybills import waybill_create  # waybills queues this task

    return waybill_create(shipment_id=shipment_id)

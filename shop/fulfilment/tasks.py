"""Shipments' tasks: e-mails (the producer learns of an order to ship or of a part its buyer
cancelled, the buyer where its parcel is; each in their own language), the carrier's waybill,
the periodic tracking query and the hourly confirmation of deliveries nobody confirmed. Tasks
take ids; the services queue them with `shop.notifications.notify`."""

from celery import shared_task

from shop.carriers import registry
from shop.fulfilment import aftersale, selectors
from shop.fulfilment.models import Shipment, ShipmentEvent
from shop.links import page_url
from shop.notifications import message_send
from shop.recipients import order_recipient, producer_addresses, producer_recipient


@shared_task(name="fulfilment.send_shipment_email")
def send_shipment_email(*, event_id: int) -> None:
    event = ShipmentEvent.objects.select_related("shipment__order", "shipment__partner").get(
        pk=event_id
    )
    shipment = event.shipment
    producer, to = producer_recipient(shipment.partner), producer_addresses(shipment.partner)
    if event.status == Shipment.Status.NEW:
        template, recipient = "new_order", producer
    elif event.status == Shipment.Status.SHIPPED:
        template, recipient, to = "shipped", order_recipient(shipment.order), None
    elif event.status == Shipment.Status.CANCELLED:  # queued when the buyer cancels
        template, recipient = "cancelled", producer
    else:
        return
    message_send(
        recipient=recipient,
        to=to,
        template=f"fulfilment/{template}",
        context={
            "shipment": shipment,
            "order": shipment.order,
            "lines": selectors.shipment_lines(shipment=shipment),
            "shipment_url": page_url(
                "producer-orders:detail", language=recipient.language, pk=shipment.pk
            ),
            "tracking_url": tracking_url(shipment, language=recipient.language),
            "carrier_name": registry.label(shipment.carrier),
        },
    )


@shared_task(name="fulfilment.send_tracking_email")
def send_tracking_email(*, shipment_id: int, step: str) -> None:
    """The buyer hears where their parcel is (out for delivery, a failed attempt, delivered,
    returned to the producer), with the link to its public tracking page."""
    shipment = Shipment.objects.select_related("order", "partner").get(pk=shipment_id)
    recipient = order_recipient(shipment.order)
    message_send(
        recipient=recipient,
        template=f"fulfilment/tracking_{step}",
        context={
            "shipment": shipment,
            "order": shipment.order,
            "carrier_name": registry.label(shipment.carrier),
            "lines": selectors.shipment_lines(shipment=shipment),
            "tracking_url": tracking_url(shipment, language=recipient.language),
        },
    )


def tracking_url(shipment: Shipment, *, language: str) -> str:
    """The shipment's public tracking page, in full and in `language` (its token: made when
    the e-mail leaves)."""
    return page_url("shipping:track", language=language, token=shipment.tracking_token)


@shared_task(name="fulfilment.track_parcels")
def track_parcels() -> dict:
    """Ask each carrier where the parcels still on their way are, and apply what it says (a
    missed callback is caught up here). Scheduled: CELERY_BEAT_SCHEDULE["carriers-track"]."""
    from shop.fulfilment.reconcile import parcels_track

    return parcels_track()


@shared_task(name="fulfilment.confirm_deliveries")
def confirm_deliveries() -> int:
    return aftersale.deliveries_confirm()


@shared_task(name="fulfilment.create_waybill")
def create_waybill(*, shipment_id: int) -> str:
    """The carrier's waybill for a packed shipment (queued by the packing through the outbox,
    which runs it again with backoff while the carrier is unreachable)."""
    from shop.fulfilment.waybills import waybill_create  # waybills queues this task

    return waybill_create(shipment_id=shipment_id)

"""The producer hears of an operator's decision on their listing, in its language (a task;
ids; queued by the services with `shop.notifications.notify`)."""

from celery import shared_task

from shop.links import page_url
from shop.notifications import email_send, message_send
from shop.producers.models import ListingChange, ListingTakedown
from shop.recipients import producer_addresses, producer_recipient


@shared_task(name="producers.send_listing_decision_email")
def send_listing_decision_email(*, change_id: int) -> None:
    change = ListingChange.objects.select_related("product", "partner").get(pk=change_id)
    recipient = producer_recipient(change.partner)
    email_send(
        template="producers/listing_decision",
        to=producer_addresses(change.partner),
        language=recipient.language,
        context={
            "change": change,
            "product_url": page_url(
                "producer-dashboard:product-edit", language=recipient.language, pk=change.product_id
            ),
        },
        user=recipient.user,
    )


@shared_task(name="producers.send_listing_takedown_message")
def send_listing_takedown_message(*, takedown_id: int, restored: int = 0) -> None:
    """The producer hears that an operator took its listing down (or, `restored`, put it back),
    and why, in its language and by its channel (Zalo when it chose it and a template exists,
    else e-mail)."""
    takedown = ListingTakedown.objects.select_related("partner").get(pk=takedown_id)
    recipient = producer_recipient(takedown.partner)
    message_send(
        recipient=recipient,
        template="producers/listing_takedown",
        to=producer_addresses(takedown.partner),
        context={
            "takedown": takedown,
            "restored": bool(restored),
            "product_url": page_url("producer-dashboard:product-list", language=recipient.language),
        },
    )

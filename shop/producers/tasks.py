"""The producer hears of an operator's decision on their listing, in its language (a task;
ids; queued by the services with `shop.notifications.notify`)."""

from celery import shared_task

from shop.links import page_url
from shop.notifications import email_send
from shop.producers.models import ListingChange
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

"""The producer hears of an operator's decision on their listing (a task; ids; queued by the
services with `shop.notifications.notify`)."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from shop.fulfilment.tasks import producer_addresses
from shop.notifications import email_send
from shop.producers.models import ListingChange


@shared_task(name="producers.send_listing_decision_email")
def send_listing_decision_email(*, change_id: int) -> None:
    change = ListingChange.objects.select_related("product", "partner").get(pk=change_id)
    email_send(
        template="producers/listing_decision",
        to=producer_addresses(change.partner),
        language=settings.LANGUAGE_CODE,
        context={
            "change": change,
            "product_url": settings.SITE_URL
            + reverse("producer-dashboard:product-edit", kwargs={"pk": change.product_id}),
        },
    )

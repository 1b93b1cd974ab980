"""The producer hears of an operator's decision on their listing (a task; ids; after commit)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from shop.fulfilment.tasks import producer_addresses
from shop.producers.models import ListingChange


@shared_task(
    name="producers.send_listing_decision_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_listing_decision_email(*, change_id: int) -> None:
    change = ListingChange.objects.select_related("product", "partner").get(pk=change_id)
    recipients = producer_addresses(change.partner)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "change": change,
            "shop_name": settings.OSCAR_SHOP_NAME,
            "product_url": settings.SITE_URL
            + reverse("producer-dashboard:product-edit", kwargs={"pk": change.product_id}),
        }
        subject = render_to_string("producers/emails/listing_decision_subject.txt", context)
        body = render_to_string("producers/emails/listing_decision_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, recipients)

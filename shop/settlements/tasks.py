"""Periodic work of settlements, and the producer's e-mails about their statements."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from shop.fulfilment.tasks import producer_addresses
from shop.settlements.models import Statement


@shared_task(name="settlements.close_periods")
def close_periods() -> int:
    """Issue the statements of the last finished period (nothing if already issued)."""
    from shop.settlements import services  # services enqueue this module's e-mails

    return len(services.statements_close())


@shared_task(
    name="settlements.send_statement_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_statement_email(*, statement_id: int) -> None:
    """The producer hears that a statement was issued, or paid (by its current status)."""
    statement = Statement.objects.select_related("partner").get(pk=statement_id)
    recipients = producer_addresses(statement.partner)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "statement": statement,
            "shop_name": settings.OSCAR_SHOP_NAME,
            "statement_url": settings.SITE_URL
            + reverse("producer-statements:detail", kwargs={"pk": statement.pk}),
        }
        subject = render_to_string("settlements/emails/statement_subject.txt", context)
        body = render_to_string("settlements/emails/statement_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, recipients)

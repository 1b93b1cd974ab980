"""Periodic work of settlements, and the producer's e-mails about their statements."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from shop.fulfilment.tasks import producer_addresses
from shop.notifications import email_send
from shop.settlements.models import Statement


@shared_task(name="settlements.close_periods")
def close_periods() -> int:
    """Issue the statements of the last finished period (nothing if already issued)."""
    from shop.settlements import services  # services enqueue this module's e-mails

    return len(services.statements_close())


@shared_task(name="settlements.send_statement_email")
def send_statement_email(*, statement_id: int) -> None:
    """The producer hears that a statement was issued, or paid (by its current status)."""
    statement = Statement.objects.select_related("partner").get(pk=statement_id)
    email_send(
        template="settlements/statement",
        to=producer_addresses(statement.partner),
        language=settings.LANGUAGE_CODE,
        context={
            "statement": statement,
            "statement_url": settings.SITE_URL
            + reverse("producer-statements:detail", kwargs={"pk": statement.pk}),
        },
    )

"""Periodic work of settlements, and the producer's e-mails about their statements."""

from celery import shared_task

from shop.links import page_url
from shop.notifications import email_send
from shop.recipients import producer_addresses, producer_recipient
from shop.settlements.models import Statement


@shared_task(name="settlements.close_periods")
def close_periods() -> int:
    """Issue the statements of the last finished period (nothing if already issued)."""
    from shop.settlements import services  # services enqueue this module's e-mails

    return len(services.statements_close())


@shared_task(name="settlements.send_statement_email")
def send_statement_email(*, statement_id: int) -> None:
    """The producer hears that a statement was issued, or paid (by its current status), in
    the producer's language."""
    statement = Statement.objects.select_related("partner").get(pk=statement_id)
    recipient = producer_recipient(statement.partner)
    email_send(
        template="settlements/statement",
        to=producer_addresses(statement.partner),
        language=recipient.language,
        context={
            "statement": statement,
            "statement_url": page_url(
                "producer-statements:detail", language=recipient.language, pk=statement.pk
            ),
        },
        user=recipient.user,
    )

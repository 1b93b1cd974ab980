"""Periodic work of settlements."""

from celery import shared_task

from shop.settlements import services


@shared_task(name="settlements.close_periods")
def close_periods() -> int:
    """Issue the statements of the last finished period (nothing if already issued)."""
    return len(services.statements_close())

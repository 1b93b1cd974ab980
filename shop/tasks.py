"""Site housekeeping run by Celery beat."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="shop.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry date; returns how many went."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted

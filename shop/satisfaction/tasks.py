"""The satisfaction index's periodic computation (beat: every 6 hours)."""

from celery import shared_task


@shared_task(name="satisfaction.compute")
def compute() -> int:
    """Recompute the months not final yet; returns how many were computed."""
    from shop.satisfaction import services

    return len(services.index_refresh())

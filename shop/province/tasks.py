"""The province dashboard's summaries, kept fresh by beat (every PROVINCE_REFRESH_MINUTES)."""

from celery import shared_task


@shared_task(name="province.summaries_refresh")
def summaries_refresh() -> float:
    """Rebuild the recent days' summaries; returns the seconds it took."""
    from shop.province import services

    return services.summaries_refresh_recent().seconds

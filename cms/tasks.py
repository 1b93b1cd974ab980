from celery import shared_task

from cms import services


@shared_task(name="cms.publish_scheduled")
def publish_scheduled() -> None:
    """Scheduled by Celery beat every minute (`CELERY_BEAT_SCHEDULE`)."""
    services.scheduled_pages_publish()

from django.core.management.base import BaseCommand

from traceability import tasks


class Command(BaseCommand):
    help = "Queue an anchoring run now (what Celery beat does every TRACE_BATCH_INTERVAL)."

    def handle(self, *args, **options):
        tasks.anchor_pending.delay()
        self.stdout.write(self.style.SUCCESS("Anchoring queued."))

from django.core.management.base import BaseCommand

from shop.outbox import services


class Command(BaseCommand):
    help = (
        "Carry out the side effects waiting in the outbox (e-mails, follow-up tasks) here, "
        "without the broker; with --dispatch, hand them to the broker as Celery beat does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)
        parser.add_argument("--dispatch", action="store_true", help="queue them on the broker")

    def handle(self, *args, limit: int, dispatch: bool, **options):
        count = services.outbox_drain(limit=limit, inline=not dispatch)
        verb = "queued" if dispatch else "done"
        self.stdout.write(self.style.SUCCESS(f"Outbox: {count} {verb}."))

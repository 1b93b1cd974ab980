from django.core.management.base import BaseCommand

from traceability import services


class Command(BaseCommand):
    help = "Allocate GTIN-13s (GS1_COMPANY_PREFIX, with check digits) to products without one."

    def handle(self, *args, **options):
        count = services.products_gtin_allocate()
        self.stdout.write(self.style.SUCCESS(f"Allocated {count} GTINs."))

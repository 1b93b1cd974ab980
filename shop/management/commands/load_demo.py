from django.conf import settings
from django.core.management.base import BaseCommand

from shop import demo


class Command(BaseCommand):
    help = "Load the demo floor (idempotent): producers, products, stock, content and accounts."

    def handle(self, *args, **options):
        result = demo.demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo floor ready: {result['products']} products "
                f"({result['created']} new) in {result['categories']} categories."
            )
        )
        history = result.get("history") or {}
        if history.get("orders"):
            self.stdout.write(
                f"A year of history: {history['orders']} orders, {history['reviews']} reviews, "
                f"{history['complaints']} complaints."
            )
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for account in demo.ACCOUNTS:
            self.stdout.write(f"  {account.role:<10} {account.email}")
        if settings.DEMO_TOTP_KEY:
            self.stdout.write(
                "The operator's second factor (development only): the verify page shows the "
                f"current code; or add {demo.demo_operator_otpauth_uri()} to an authenticator "
                f"app; recovery code: {settings.DEMO_RECOVERY_CODE}"
            )

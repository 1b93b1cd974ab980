from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shop.accounts import services


class Command(BaseCommand):
    help = (
        "Forget an operator's authenticator app and recovery codes (they lost both): "
        "they enrol again at their next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email}.")
        removed = services.second_factor_reset(user=user)
        self.stdout.write(f"{user.email}: {removed} device(s) removed; they enrol at next sign-in.")

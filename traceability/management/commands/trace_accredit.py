from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from traceability import services
from traceability.chain import ChainError
from traceability.models import InspectorKey


class Command(BaseCommand):
    help = "Accredit (or --revoke) an inspector's signing address in the on-chain registry."

    def add_arguments(self, parser):
        parser.add_argument("inspector", help="the inspector's e-mail or signing address")
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args, inspector: str, revoke: bool = False, **options):
        users = get_user_model().objects.filter(email__iexact=inspector)
        key = (
            InspectorKey.objects.filter(revoked_at=None)
            .filter(Q(address__iexact=inspector) | Q(user__in=users))
            .first()
        )
        if key is None:
            raise CommandError(f"No signing key for {inspector!r}: the inspector creates it first.")
        try:
            tx_hash = services.inspector_accredit(key=key, allowed=not revoke)
        except (ChainError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        verb = "Revoked" if revoke else "Accredited"
        self.stdout.write(self.style.SUCCESS(f"{verb} {key.address} ({key.user}) in {tx_hash}"))

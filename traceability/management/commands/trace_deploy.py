from django.core.management.base import BaseCommand, CommandError

from traceability import ledger, services
from traceability.chain import ChainError


class Command(BaseCommand):
    help = (
        "Deploy the AnchorRegistry contract once (CHAIN_RPC_URL, anchoring key from the "
        "environment), allow our account to anchor, and record its address. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fund",
            action="store_true",
            help="On a development chain (anvil), first give the anchoring account 100 ether.",
        )

    def handle(self, *args, fund=False, **options):
        try:
            if fund:
                ledger.node().dev_set_balance(ledger.anchor_account().address, 100 * 10**18)
            registry, created = services.registry_deploy()
        except ChainError as exc:
            raise CommandError(f"The chain is not reachable: {exc}") from exc
        verb = "Deployed" if created else "Already deployed:"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} AnchorRegistry {registry.address} on chain {registry.chain_id}"
            )
        )

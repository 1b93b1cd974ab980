"""``manage.py carrier_units <carrier>``: rebuild ``shop/carriers/units/<carrier>.csv`` from the
carrier's master data (its adapter's ``master_units()``), matching our official wards by
folded names, and list the wards nothing matched (they stay unserved until fixed by hand)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shop import geo
from shop.carriers import registry, units
from shop.carriers.ports import CarrierError


class Command(BaseCommand):
    help = "Rebuild a carrier's unit table from its master-data API."

    def add_arguments(self, parser):
        parser.add_argument("carrier", help="a configured carrier (settings.CARRIERS)")
        parser.add_argument("--output", help="write here instead of shop/carriers/units/")
        parser.add_argument("--dry-run", action="store_true", help="match and report only")

    def handle(self, *args, carrier, output=None, dry_run=False, **options):
        if not registry.is_configured(carrier):
            raise CommandError(f"No carrier named {carrier!r} is configured.")
        adapter = registry.carrier_for(carrier)
        master_units = getattr(adapter, "master_units", None)
        if master_units is None:
            raise CommandError(f"The {carrier} adapter cannot list its master data.")
        try:
            master = master_units()
        except CarrierError as exc:
            raise CommandError(f"{carrier}: {exc}") from exc
        rows, unmatched = units.match(master)
        self.stdout.write(f"{carrier}: {len(master)} units, {len(rows)} of our wards matched.")
        for code in unmatched[:50]:
            ward = geo.ward(code)
            province = geo.province(int(ward.province_code)) if ward else None
            where = f"{ward.name}, {province.name}" if ward and province else ""
            self.stdout.write(f"  unmatched {code} {where}")
        if len(unmatched) > 50:
            self.stdout.write(f"  ... and {len(unmatched) - 50} more")
        if dry_run:
            return
        path = units.write(carrier, rows, path=Path(output) if output else None)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))

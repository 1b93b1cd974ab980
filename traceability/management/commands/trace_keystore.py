import json
import secrets
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from traceability.chain.crypto import keystore_create


class Command(BaseCommand):
    help = (
        "Create an encrypted (V3, scrypt) keystore for a new anchoring account, with a random "
        "password written beside it (mode 600). For development; production brings its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("keystore", type=Path)
        parser.add_argument("password_file", type=Path)

    def handle(self, *args, keystore: Path, password_file: Path, **options):
        if keystore.exists():
            data = json.loads(keystore.read_text(encoding="utf-8"))
            self.stdout.write(f"Keystore exists: 0x{data['address']}")
            return
        if password_file.exists():
            raise CommandError(f"{password_file} exists without its keystore; remove it first.")
        keystore.parent.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(24)
        address, data = keystore_create(password)
        password_file.touch(mode=0o600)
        password_file.write_text(password, encoding="utf-8")
        keystore.touch(mode=0o600)
        keystore.write_text(json.dumps(data), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Created keystore for {address}"))

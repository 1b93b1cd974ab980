"""The payment reference: what the buyer's bank transfer and every gateway carry back to us."""

import secrets

REFERENCE_PREFIX = "CP"
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by hand
REFERENCE_LENGTH = 8


def reference_new() -> str:
    body = "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH - len(REFERENCE_PREFIX))
    )
    return REFERENCE_PREFIX + body

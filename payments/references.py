"""The payment reference: one rule for the code every payment carries to the gateway and back.

``CP`` and six characters from an alphabet without 0/O and 1/I/L, so that a buyer can read it
aloud and type it into a transfer message by hand. Buyers and banks mangle what they type
(case, spaces, accents), so a reference is looked for in a message the same way it was made:
:func:`references_in`. Pure: no Django, no network.
"""

from __future__ import annotations

import secrets
from typing import Final

from payments.gateways._wire import compact_alnum

__all__ = [
    "REFERENCE_ALPHABET",
    "REFERENCE_LENGTH",
    "REFERENCE_PREFIX",
    "reference_is_wellformed",
    "reference_new",
    "references_in",
]

REFERENCE_PREFIX: Final = "CP"
REFERENCE_ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
REFERENCE_LENGTH: Final = 8


def reference_new() -> str:
    body = "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH - len(REFERENCE_PREFIX))
    )
    return REFERENCE_PREFIX + body


def reference_is_wellformed(
    reference: str, *, prefix: str = REFERENCE_PREFIX, length: int = REFERENCE_LENGTH
) -> bool:
    """Whether `reference` has the shape :func:`references_in` can find in a message."""
    return (
        compact_alnum(reference) == reference
        and reference.startswith(prefix)
        and len(reference) == length
    )


def references_in(
    description: str, *, prefix: str = REFERENCE_PREFIX, length: int = REFERENCE_LENGTH
) -> list[str]:
    """Every `length`-character run starting with `prefix` in the compacted message: the
    references a transfer message may carry (look them up, then confirm the one found)."""
    wanted = compact_alnum(prefix)
    if not wanted or length < len(wanted):
        raise ValueError("prefix must be non-empty and no longer than the reference")
    text = compact_alnum(description)
    found: list[str] = []
    start = text.find(wanted)
    while start != -1:
        candidate = text[start : start + length]
        if len(candidate) == length and candidate not in found:
            found.append(candidate)
        start = text.find(wanted, start + 1)
    return found

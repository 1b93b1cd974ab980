"""GS1 identifiers: GTIN check digits, lot numbers (AI 10) and Digital Link URIs.

Pure functions, no Django. A GTIN-13 is the GS1 company prefix, an item reference and a check
digit (GS1 General Specifications §7.9, mod-10 with weights 3 and 1 from the right); its
GTIN-14 form, used in Digital Link URIs, is the same number with a leading 0.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

__all__ = [
    "AI10_MAX_LENGTH",
    "check_digit",
    "digital_link_path",
    "gtin13",
    "gtin14",
    "is_valid_gtin",
    "is_valid_lot",
    "item_capacity",
]

AI10_MAX_LENGTH: Final = 20
# GS1 AI encodable character set 82 (General Specifications, figure 7.11-1).
_CSET82: Final = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")
_DIGITS: Final = re.compile(r"\d+")
# Characters kept as they are in a Digital Link path element (RFC 3986 unreserved).
_SAFE: Final = "-._~"


def check_digit(digits: str) -> str:
    """Return the GS1 mod-10 check digit of ``digits`` (the number without its check digit)."""
    if not _DIGITS.fullmatch(digits):
        raise ValueError(f"{digits!r} is not a string of digits")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


def is_valid_gtin(value: str) -> bool:
    """Tell whether ``value`` is a GTIN-8, -12, -13 or -14 with the right check digit."""
    return (
        isinstance(value, str)
        and len(value) in (8, 12, 13, 14)
        and bool(_DIGITS.fullmatch(value))
        and check_digit(value[:-1]) == value[-1]
    )


def item_capacity(company_prefix: str) -> int:
    """How many GTIN-13s a company prefix can allocate."""
    _check_prefix(company_prefix)
    return 10 ** (12 - len(company_prefix))


def gtin13(company_prefix: str, item_reference: int) -> str:
    """Return the GTIN-13 of ``item_reference`` under ``company_prefix`` (6 to 11 digits)."""
    capacity = item_capacity(company_prefix)
    if not 0 <= item_reference < capacity:
        raise ValueError(f"item reference {item_reference} is outside 0..{capacity - 1}")
    body = company_prefix + str(item_reference).zfill(12 - len(company_prefix))
    return body + check_digit(body)


def gtin14(gtin: str) -> str:
    """Return a valid GTIN (8, 12, 13 or 14 digits) as 14 digits, zero-padded on the left."""
    if not is_valid_gtin(gtin):
        raise ValueError(f"{gtin!r} is not a valid GTIN")
    return gtin.zfill(14)


def is_valid_lot(lot: str) -> bool:
    """Tell whether ``lot`` is a batch/lot number GS1 AI 10 accepts (1-20 chars of CSET 82)."""
    return isinstance(lot, str) and bool(_CSET82.fullmatch(lot))


def digital_link_path(gtin: str, lot: str) -> str:
    """Return ``/01/<GTIN-14>/10/<lot>``, the lot percent-encoded as GS1 Digital Link asks."""
    if not is_valid_lot(lot):
        raise ValueError(f"{lot!r} is not a GS1 lot number (AI 10)")
    return f"/01/{gtin14(gtin)}/10/{quote(lot, safe=_SAFE)}"


def _check_prefix(company_prefix: str) -> None:
    if not (
        isinstance(company_prefix, str)
        and _DIGITS.fullmatch(company_prefix)
        and 6 <= len(company_prefix) <= 11
    ):
        raise ValueError("a GS1 company prefix for GTIN-13 is 6 to 11 digits")

"""Text folding shared by the adapters: Vietnamese to plain ASCII, for wire fields.

Gateways and bank transfer descriptions only carry unaccented ASCII ("tiếng Việt không
dấu"); buyers' banking apps also drop or change case and spaces. These helpers do the
same folding on our side so that both ends compare like with like.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["compact_alnum", "fold_to_ascii"]

# Letters that NFKD does not decompose into a base letter plus combining marks.
_SPECIAL_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ơ": "o", "Ơ": "O", "ư": "u", "Ư": "U"})
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def fold_to_ascii(text: str) -> str:
    """Strip Vietnamese diacritics and drop any other non-ASCII character.

    >>> fold_to_ascii("Đặc sản Hà Giang")
    'Dac san Ha Giang'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return without_marks.encode("ascii", "ignore").decode("ascii")


def compact_alnum(text: str) -> str:
    """Fold to ASCII, upper-case, and keep only letters and digits.

    >>> compact_alnum("chuyen tien cp 7k2m9q!")
    'CHUYENTIENCP7K2M9Q'
    """
    return _NOT_ALNUM.sub("", fold_to_ascii(text)).upper()

"""Vietnamese text folding, shared by search and slugs.

`fold` removes tone and vowel marks and maps đ to d, so "Đặc sản" and "dac san" compare equal.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, diacritic-free form of `text` (đ -> d), with runs of white space collapsed."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.casefold()).strip()


def slugify(value: str, allow_unicode: bool = False) -> str:
    """ASCII slug: `Đặc sản Hà Giang` -> `dac-san-ha-giang` (`allow_unicode` is ignored)."""
    return _NON_SLUG.sub("-", fold(str(value))).strip("-")


def search_terms(query: str, *, max_terms: int = 8, max_length: int = 200) -> list[str]:
    """The folded words of a buyer's query, bounded so a huge query stays cheap."""
    words = _NON_SLUG.sub(" ", fold(query[: max_length * 4])[:max_length]).split()
    unique = list(dict.fromkeys(words))
    return unique[:max_terms]

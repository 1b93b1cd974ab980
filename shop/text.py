"""Vietnamese text folding, shared by search, slugs and the payment gateways' wire text.

`strip_marks` removes tone and vowel marks and maps đ to d, keeping case: "Đặc sản" becomes
"Dac san"; `fold` also lower-cases and collapses white space, so "Đặc sản" and "dac san"
compare equal. Pure: no Django.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def strip_marks(text: str) -> str:
    """`text` without tone and vowel marks (đ -> d, Đ -> D), case kept."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case, diacritic-free form of `text` (đ -> d), with runs of white space collapsed."""
    return _SPACES.sub(" ", strip_marks(text).casefold()).strip()


def slugify(value: str, allow_unicode: bool = False) -> str:
    """ASCII slug: `Đặc sản Hà Giang` -> `dac-san-ha-giang` (`allow_unicode` is ignored)."""
    return _NON_SLUG.sub("-", fold(str(value))).strip("-")


def search_terms(query: str, *, max_terms: int = 8, max_length: int = 200) -> list[str]:
    """The folded words of a buyer's query, bounded so a huge query stays cheap."""
    words = _NON_SLUG.sub(" ", fold(query[: max_length * 4])[:max_length]).split()
    unique = list(dict.fromkeys(words))
    return unique[:max_terms]

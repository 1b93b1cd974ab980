"""Text that producers and applicants write, as the only HTML the floor lets them use.

One allow-list, applied by `clean_html`: paragraphs, line breaks, bold and italic, lists and
links (http, https or mailto only, every one given rel="nofollow noopener"). Scripts, event
handlers, styles, frames and any other URL scheme are dropped. Templates apply it at render
through the `clean_html` filter (`shop_tags`), whatever path brought the text into the
database; the producers' services also store descriptions already cleaned.
"""

import nh3
from django.utils.html import linebreaks

TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"})
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
# Removed together with everything inside them, not only their tags.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template"})

_cleaner = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)


def clean_html(text: str | None) -> str:
    """`text` reduced to the allow-list. Text without any tag (typed in the plain text box) is
    plain text: it is escaped and its blank lines become paragraphs."""
    text = str(text or "").strip()
    if not text:
        return ""
    if "<" not in text:
        text = linebreaks(text)
    cleaned = _cleaner.clean(text).strip()
    if cleaned and "<" not in cleaned:
        # Only text was left (already escaped): paragraphs, so cleaning again changes nothing.
        cleaned = linebreaks(cleaned, autoescape=False)
    return cleaned

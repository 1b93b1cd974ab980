"""GS1 Digital Link requests as a GS1-Conformant resolver reads them. Pure, no Django.

What a request names (a GTIN, perhaps a lot), from its path elements or from a compressed
Digital Link (GS1 Digital Link: Compression, decoded by the ``gs1-compression`` package); the
``linkType`` asked for; the links offered, written as an RFC 9264 linkset
(``application/linkset+json``, the shape of GS1's published linkset schema) and as an RFC 8288
``Link`` header.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from gs1.decompress.analyse_uri import extract_from_compressed_gs1_digital_link

from traceability import gs1

__all__ = [
    "LINKSET_TYPE",
    "VOC",
    "DigitalLinkError",
    "Entry",
    "Link",
    "Target",
    "UnsupportedKey",
    "choose",
    "decompress",
    "link_header",
    "link_type_term",
    "linkset",
    "parse_elements",
    "wants_linkset",
    "with_query",
]

VOC: Final = "https://ref.gs1.org/voc/"
"""The GS1 Web Vocabulary, whose link types (``gs1:pip`` …) the resolver recognises."""
LINKSET_TYPE: Final = "application/linkset+json"
# Older and newer spellings of the vocabulary that clients send in ``linkType``.
_VOC_SPELLINGS: Final = (
    "gs1:",
    "https://ref.gs1.org/voc/",
    "http://ref.gs1.org/voc/",
    "https://gs1.org/voc/",
    "http://gs1.org/voc/",
    "https://www.gs1.org/voc/",
)
# ``linkType=linkset`` (resolver standard 1.2) and ``linkType=all`` (1.0, 1.1) ask for the list.
_LINKSET_REQUESTS: Final = frozenset({"linkset", "all"})
_TERM: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_LINK_TYPE: Final = re.compile(r"[!-~]{1,200}")  # printable ASCII, no spaces
_DIGITS: Final = re.compile(r"\d+")
# A compressed Digital Link's path element: base64url (RFC 4648 §5), no padding.
_COMPRESSED: Final = re.compile(r"[A-Za-z0-9_-]{2,200}")

# gs1-compression logs a stack trace (to a logger literally called "__name__") for every
# input it cannot read; those are client errors answered 400, not our errors.
logging.getLogger("__name__").addHandler(logging.NullHandler())
logging.getLogger("__name__").propagate = False


class DigitalLinkError(ValueError):
    """The request is not a well-formed GS1 Digital Link (answered 400)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        """One of ``gtin``, ``check-digit``, ``lot``, ``compressed``, ``link-type``, ``path``."""


class UnsupportedKey(LookupError):
    """A well-formed Digital Link whose primary key is not a GTIN (answered 404)."""


@dataclass(frozen=True)
class Target:
    """What a request names: a GTIN-14 and, for a lot, its lot number (AI 10)."""

    gtin: str
    lot: str | None = None

    @property
    def path(self) -> str:
        """The canonical, uncompressed path: ``/01/<GTIN-14>`` or ``/01/<GTIN-14>/10/<lot>``."""
        if self.lot is None:
            return f"/01/{self.gtin}"
        return gs1.digital_link_path(self.gtin, self.lot)


def parse_elements(gtin: str, lot: str | None = None) -> Target:
    """Check the GTIN (digits, length, check digit) and lot number of a request's path."""
    if not (_DIGITS.fullmatch(gtin) and len(gtin) in (8, 12, 13, 14)):
        raise DigitalLinkError("gtin", "a GTIN is 8, 12, 13 or 14 digits")
    if not gs1.is_valid_gtin(gtin):
        raise DigitalLinkError("check-digit", f"{gtin} has a wrong check digit")
    if lot is not None and not gs1.is_valid_lot(lot):
        raise DigitalLinkError("lot", "a lot number is 1 to 20 characters of GS1 set 82")
    return Target(gtin=gtin.zfill(14), lot=lot)


def decompress(segment: str) -> Target:
    """The target of a compressed Digital Link path element (``ARHKVAdpQg`` …).

    Key qualifiers below the lot (serial numbers) and data attributes are dropped: the resolver
    answers for the lot, the next level up (GS1-Conformant resolver, "walking up" the path).
    """
    if not _COMPRESSED.fullmatch(segment):
        raise DigitalLinkError("compressed", "not a base64url string")
    try:
        extracted = extract_from_compressed_gs1_digital_link(f"https://resolver.invalid/{segment}")
        elements = dict(extracted["GS1"])
    except Exception as exc:  # the decoder raises anything from ValueError to KeyError
        raise DigitalLinkError("compressed", "not a compressed GS1 Digital Link") from exc
    if not elements:
        raise DigitalLinkError("compressed", "no GS1 element")
    if "01" not in elements:
        raise UnsupportedKey(f"primary keys {sorted(elements)} are not resolved here")
    return parse_elements(str(elements["01"]), elements.get("10"))


def link_type_term(value: str) -> str:
    """The GS1 vocabulary term a ``linkType`` asks for (``gs1:pip`` → ``pip``), ``linkset``
    for the whole list, or the value itself when it names another vocabulary."""
    value = value.strip()
    if not _LINK_TYPE.fullmatch(value):
        raise DigitalLinkError("link-type", "a link type is a CURIE or a URI")
    if value in _LINKSET_REQUESTS:
        return "linkset"
    for prefix in _VOC_SPELLINGS:
        if value.startswith(prefix):
            term = value[len(prefix) :]
            if not _TERM.fullmatch(term):
                raise DigitalLinkError("link-type", f"{term!r} is not a vocabulary term")
            return "linkset" if term in _LINKSET_REQUESTS else term
    return value


@dataclass(frozen=True)
class Link:
    """A link the resolver offers: a GS1 link type (``pip``), target, title, media type."""

    rel: str
    href: str
    title: str
    type: str = "text/html"
    hreflang: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        target: dict[str, Any] = {"href": self.href, "title": self.title, "type": self.type}
        if self.hreflang:
            target["hreflang"] = list(self.hreflang)
        return target


@dataclass(frozen=True)
class Entry:
    """The links of one level of a Digital Link (the lot, or the product above it)."""

    anchor: str
    description: str
    links: list[Link] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        context: dict[str, Any] = {"anchor": self.anchor, "description": self.description}
        for link in self.links:
            context.setdefault(VOC + link.rel, []).append(link.as_json())
        return context


def linkset(entries: Iterable[Entry]) -> dict[str, Any]:
    """The RFC 9264 JSON linkset of ``entries`` (first the level asked for, then those above)."""
    return {"linkset": [entry.as_json() for entry in entries]}


def _accept(header: str) -> dict[str, float]:
    ranges: dict[str, float] = {}
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges[media.lower()] = max(quality, ranges.get(media.lower(), 0.0))
    return ranges


def wants_linkset(accept: str) -> bool:
    """Whether an ``Accept`` header names the linkset media type (or plain JSON, which GS1
    recommends answering the same way), preferred over HTML."""
    ranges = _accept(accept)
    wanted = max(ranges.get(media, 0.0) for media in (LINKSET_TYPE, "application/json"))
    return wanted > 0 and wanted >= ranges.get("text/html", 0.0)


def choose(links: Iterable[Link], *, rel: str, accept: str, language: str) -> Link | None:
    """The link of type ``rel`` that suits the client best: a media type it names in
    ``Accept`` first, then the page in its language, then the first one offered."""
    candidates = [link for link in links if link.rel == rel]
    if not candidates:
        return None
    ranges = {media: q for media, q in _accept(accept).items() if q > 0 and "*" not in media}
    typed = [link for link in candidates if link.type in ranges]
    if typed:
        return max(typed, key=lambda link: ranges[link.type])
    in_language = [link for link in candidates if language in link.hreflang]
    return (in_language or candidates)[0]


def with_query(url: str, params: Iterable[tuple[str, str]]) -> str:
    """``url`` with ``params`` added to its query string (a resolver passes the request's
    query on when it redirects)."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    merged = parse_qsl(query, keep_blank_values=True) + list(params)
    return urlunsplit((scheme, netloc, path, urlencode(merged), fragment))


def link_header(links: Iterable[tuple[str, Mapping[str, str]]]) -> str:
    """An RFC 8288 ``Link`` header value from (target, parameters) pairs."""
    values = []
    for target, params in links:
        quoted = "".join(f'; {name}="{value}"' for name, value in params.items())
        values.append(f"<{target}>{quoted}")
    return ", ".join(values)

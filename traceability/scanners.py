"""Who counts as a scan of a lot's label, and what the count tells a shopper.

A scan is a person opening the lot's page: a GET of the HTML page by a browser, not a HEAD, not
a prefetch or prerender the browser made on its own, not a crawler or link preview, not an
inspector or the lot's own producer. Each scanner counts once a day (``LotScan``), known by a
signed cookie and by their network (an IPv4 address, or an IPv6 /64, which one subscriber
holds whole), kept only as keyed digests. Counting by network rather than by browser means
that changing the user agent, or throwing the cookie away, never counts again on the same day.

The count feeds the "may be a copied label" warning: one lot's label is printed on every package
of the lot, so many more scanners than the lot has packages means the label has been copied.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from shop.limits import client_address

__all__ = [
    "SCAN_COOKIE",
    "ScanSummary",
    "is_scan",
    "scan_summary",
    "visitors",
]

SCAN_COOKIE: Final = "cho_phien_scan"

# Crawlers, link previews (chat apps unfurling a shared link) and HTTP tools: they fetch the
# page but nobody scanned anything.
_NOT_A_PERSON: Final = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|preview|facebookexternalhit|facebot|embedly"
    r"|zalo.*link|whatsapp|telegram|skypeuripreview|bingpreview|lighthouse|pagespeed"
    r"|curl/|wget/|python|httpx|aiohttp|okhttp|go-http-client|java/|libwww|scrapy|node-fetch"
    r"|axios/|postman|httpie|insomnia",
    re.IGNORECASE,
)
_PREFETCH_HEADERS: Final = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")

# The lot's unit and the product's net unit, in grams, millilitres or pieces.
_LOT_UNITS: Final = {
    "KGM": ("g", 1000),
    "GRM": ("g", 1),
    "LTR": ("ml", 1000),
    "MLT": ("ml", 1),
    "H87": ("piece", 1),
}
_NET_UNITS: Final = {
    "kg": ("g", 1000),
    "g": ("g", 1),
    "l": ("ml", 1000),
    "ml": ("ml", 1),
    "piece": ("piece", 1),
}


def is_scan(request: Any) -> bool:
    """Whether this request is a person opening the page (see the module's docstring)."""
    if request.method != "GET":
        return False
    meta = request.META
    if any(
        word in meta.get(header, "").lower()
        for header in _PREFETCH_HEADERS
        for word in ("prefetch", "prerender", "preview")
    ):
        return False
    agent = meta.get("HTTP_USER_AGENT", "").strip()
    return bool(agent) and _NOT_A_PERSON.search(agent[:500]) is None


def _network(address: str) -> str:
    """The address as a scanner's network: IPv4 whole, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def visitors(request: Any) -> tuple[list[str], str | None]:
    """Who scans, as keyed digests (never the address itself): this browser's signed cookie,
    and its network today (for a visitor who keeps no cookie). Returns the digests and, for a
    browser without the cookie, the value to give it."""
    today = timezone.localdate().isoformat()
    network = salted_hmac(SCAN_COOKIE, f"{_network(client_address(request))}|{today}").hexdigest()
    known = request.get_signed_cookie(SCAN_COOKIE, default=None, salt=SCAN_COOKIE)
    if known and known != network:
        return [known[:64], network], None
    return [network], None if known else network


@dataclass(frozen=True)
class ScanSummary:
    count: int
    """Distinct scanners, each counted once a day."""
    first_scanned_at: datetime | None
    packages: int | None
    """How many packages the lot makes, when the lot's and the product's units tell."""
    threshold: int
    """From this many scans on, the page warns that the label may be copied."""

    @property
    def suspicious(self) -> bool:
        return self.count >= self.threshold


def _packages(lot: Any) -> int | None:
    product = lot.product
    lot_unit = _LOT_UNITS.get(lot.unit)
    net_unit = _NET_UNITS.get(getattr(product, "net_unit", "") or "")
    net = getattr(product, "net_quantity", None)
    if lot_unit is None:
        return None
    if lot_unit[0] == "piece" and net_unit is None:
        return int(lot.quantity)
    if net_unit is None or not net or net_unit[0] != lot_unit[0]:
        return None
    total = Decimal(lot.quantity) * lot_unit[1]
    return max(1, int(total / (Decimal(net) * net_unit[1])))


def scan_summary(*, lot: Any) -> ScanSummary:
    """What the page says about a lot's scans (``lot.scan_count`` as stored)."""
    packages = _packages(lot)
    per_package = settings.TRACE_SCANS_PER_PACKAGE
    floor = settings.TRACE_SCANS_WARNING_MIN
    threshold = max(floor, packages * per_package if packages is not None else floor)
    return ScanSummary(
        count=lot.scan_count,
        first_scanned_at=lot.first_scanned_at,
        packages=packages,
        threshold=threshold,
    )

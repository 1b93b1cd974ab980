"""How long a parcel typically takes between two provinces: the window a product page shows
("Giao đến Hà Nội: 2–3 ngày").

The window comes from a small table of typical days by pair of regions (north, centre,
south: how Vietnam's carriers group their routes and how their own "thời gian giao dự kiến"
tables read), not from a carrier's live lead time. A live lead time is asked per pair of
wards, over the network, for one carrier; a product page knows the producer's ward but only
the buyer's province, is shown to every visitor (and cached whole for anonymous ones), and
must not wait on a carrier. Checkout asks the carrier for the real date once the buyer's ward
is known (shop/shipping/quotes.py); this is the promise before that.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from shop import geo

NORTH, CENTRE, SOUTH = "north", "centre", "south"

# The 34 provinces and cities in force since 1 July 2025, by official code.
REGION = {
    **dict.fromkeys((1, 4, 8, 11, 12, 14, 15, 19, 20, 22, 24, 25, 31, 33, 37), NORTH),
    **dict.fromkeys((38, 40, 42, 44, 46, 48, 51, 52, 56, 66, 68), CENTRE),
    **dict.fromkeys((75, 79, 80, 82, 86, 91, 92, 96), SOUTH),
}

# Typical days (fewest, most) from pick-up to delivery, standard service.
SAME_PROVINCE = (1, 2)
BETWEEN_REGIONS = {
    frozenset({NORTH}): (2, 3),
    frozenset({CENTRE}): (2, 4),
    frozenset({SOUTH}): (2, 3),
    frozenset({NORTH, CENTRE}): (3, 5),
    frozenset({CENTRE, SOUTH}): (3, 5),
    frozenset({NORTH, SOUTH}): (4, 6),
}


@dataclass(frozen=True, slots=True)
class DeliveryWindow:
    province_code: int
    province_name: str
    fewest_days: int
    most_days: int


def delivery_window(*, origin: int | None, destination: int | None) -> DeliveryWindow | None:
    """Typical days from province `origin` to province `destination` (official codes), or
    None when either is unknown."""
    province = geo.province(destination)
    if origin is None or province is None:
        return None
    if origin == destination:
        days = SAME_PROVINCE
    else:
        regions = frozenset({REGION.get(origin), REGION.get(destination)})
        days = BETWEEN_REGIONS.get(regions)
        if days is None:
            return None
    return DeliveryWindow(
        province_code=int(destination),
        province_name=geo.place_name(province, short=True),
        fewest_days=days[0],
        most_days=days[1],
    )


def buyer_province(user) -> int:
    """Where a product page counts the delivery to: the signed-in buyer's default shipping
    address's province, else settings.DEFAULT_DELIVERY_PROVINCE. Anonymous visitors always
    get the default, which is what lets their pages be cached whole (shop/pagecache.py)."""
    if user is not None and user.is_authenticated:
        code = (
            user.addresses.filter(is_default_for_shipping=True, province_code__isnull=False)
            .values_list("province_code", flat=True)
            .first()
        )
        if code is not None:
            return int(code)
    return settings.DEFAULT_DELIVERY_PROVINCE

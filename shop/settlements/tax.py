"""Tax the floor withholds for its household sellers (Decree 117/2025/NĐ-CP; see TAX.md).

Pure rules over settings, no database: who is withheld from, at which rates, how much on one
sale line (whole đồng, half-up), and which months a declaration may be made for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from shop.money import whole_dong


@dataclass(frozen=True)
class Rates:
    vat: Decimal
    pit: Decimal


NONE = Rates(vat=Decimal(0), pit=Decimal(0))


def start_date() -> date:
    value = settings.TAX_WITHHOLDING_START
    return value if isinstance(value, date) else date.fromisoformat(value)


def rates() -> Rates:
    """The rates of the floor's activity (goods unless set otherwise), for a resident seller."""
    activity = settings.TAX_WITHHOLDING_RATES[settings.TAX_WITHHOLDING_ACTIVITY]
    return Rates(vat=Decimal(activity["vat"]), pit=Decimal(activity["pit"]))


def is_withheld_kind(kind: str) -> bool:
    return kind in settings.TAX_WITHHELD_KINDS


def rates_for(*, kind: str, at: datetime) -> Rates:
    """What a sale of a producer of `kind`, earned at `at`, is withheld at."""
    if not is_withheld_kind(kind) or timezone.localtime(at).date() < start_date():
        return NONE
    return rates()


def withheld_on(*, revenue: Decimal, rates: Rates) -> tuple[Decimal, Decimal]:
    """(VAT, PIT) on one amount of revenue, each half-up to whole đồng (away from zero for a
    refund, so a full refund gives back exactly what was withheld on one line)."""
    return whole_dong(revenue * rates.vat), whole_dong(revenue * rates.pit)


def threshold() -> Decimal:
    return Decimal(settings.TAX_WITHHOLDING_ANNUAL_THRESHOLD)


def taxable_part(*, revenue: Decimal, earlier_in_year: Decimal) -> Decimal:
    """The part of a sale above the annual threshold, given the seller's revenue earlier in
    the same calendar year (all of it when the threshold is 0)."""
    limit = threshold()
    if limit <= 0:
        return revenue
    return max(Decimal(0), min(revenue, earlier_in_year + revenue - limit))


def percent(rate: Decimal) -> str:
    """A rate as Vietnamese write it: 0.005 -> "0,5 %"."""
    return f"{(rate * 100).normalize():f}".replace(".", ",") + " %"

"""Ratings as the public reads them: the average to one decimal in the page's language ("4,6"
in Vietnamese, "4.6" in English), the sentence a screen reader says, and a review's author
(given name only, or "Verified buyer": nobody's full name is published)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shop import people

BEST, WORST = 5, 1


def rating_value(value) -> Decimal:
    """An average to one decimal, half up (4.65 → 4.7)."""
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rating_shown(value) -> str:
    """ "4,6" / "4.6" for an average; a whole score stays whole ("5")."""
    if isinstance(value, int):
        return number_format(value)
    return number_format(rating_value(value), decimal_pos=1)


def stars_filled(value) -> int:
    """How many of the five stars are drawn full: the average to the nearest whole star."""
    whole = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(0, min(BEST, int(whole)))


def rating_sentence(value, count=None) -> str:
    shown = rating_shown(value)
    if count is None:
        return _("%(rating)s out of 5 stars") % {"rating": shown}
    return ngettext(
        "%(rating)s out of 5 stars, %(count)s review",
        "%(rating)s out of 5 stars, %(count)s reviews",
        count,
    ) % {"rating": shown, "count": number_format(count)}


def review_author(review) -> str:
    name = people.given_name(review.user) if review.user_id else ""
    return name or _("Verified buyer")

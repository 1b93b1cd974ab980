"""Money in Vietnamese đồng: Decimal, whole đồng, never float."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

VND = "VND"
ONE_DONG = Decimal(1)

# Keyword arguments for every DecimalField that holds VND.
MONEY = {"max_digits": 14, "decimal_places": 0}


def whole_dong(amount: Decimal | int | str) -> Decimal:
    """`amount` rounded half-up to whole đồng (VND has no minor unit in practice)."""
    if isinstance(amount, float):
        raise TypeError("Money must not be a float")
    return Decimal(amount).quantize(ONE_DONG, ROUND_HALF_UP)


def round_discount(amount: Decimal, currency: str | None = None) -> Decimal:
    """Oscar's offer rounding hook: a discount never exceeds the exact figure, in whole đồng."""
    return Decimal(amount).quantize(ONE_DONG, ROUND_DOWN)

"""The filters and sort order a buyer picks above a list of products (category, search, origin).

Every field is optional. A value that does not make sense (a letter in a price, a province with
no products, a range upside down) is reported next to its field and that filter is left out; the
list still shows.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shop import geo
from shop.catalogue import selectors
from shop.text import fold

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("newest", _("Newest")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("title", _("Name A–Z")),
    ("-rating", _("Best rated")),
]
MAX_PRICE = Decimal(1_000_000_000)  # one billion đồng: above any product on the floor
# Thousands separators buyers type ("150.000", "150,000", "150 000") and a trailing đồng sign.
_PRICE_NOISE = re.compile(r"[\s.,]|₫|đ$|vnd$", re.IGNORECASE)


class VndField(forms.Field):
    """A whole number of đồng, typed as buyers write it: "150000", "150.000", "150.000 ₫"."""

    default_error_messages = {
        "invalid": _("Enter an amount in đồng, for example 150.000."),
        "too_large": _("Enter an amount below 1.000.000.000 ₫."),
    }

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> Decimal | None:
        text = _PRICE_NOISE.sub("", str(value or "").strip())
        if not text:
            return None
        if not text.isdigit() or not text.isascii() or len(text) > 20:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        amount = Decimal(text)
        if amount > MAX_PRICE:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        return amount


_FROM_THE_LIST = {"invalid_choice": _("Choose one from the list.")}


class ProductFilterForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort"), choices=SORT_CHOICES, required=False, error_messages=_FROM_THE_LIST
    )
    province = forms.TypedChoiceField(
        label=_("Province of origin"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages=_FROM_THE_LIST,
    )
    ocop = forms.TypedChoiceField(
        label=_("OCOP"), coerce=int, empty_value=None, required=False, error_messages=_FROM_THE_LIST
    )
    price_min = VndField(label=_("Price from"))
    price_max = VndField(label=_("Price to"))

    def __init__(self, data=None, *, provinces: list[int] | None = None, **kwargs):
        super().__init__(data, **kwargs)
        codes = selectors.origin_provinces() if provinces is None else provinces
        places = [(code, geo.province(code)) for code in codes]
        self.fields["province"].choices = [("", _("All provinces"))] + sorted(
            ((str(code), geo.place_name(place)) for code, place in places if place is not None),
            key=lambda choice: fold(choice[1]),
        )
        self.fields["ocop"].choices = [("", _("Any"))] + [
            (str(n), _("%(n)s★ and up") % {"n": n}) for n in (3, 4, 5)
        ]
        for name in ("price_min", "price_max"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "autocomplete": "off", "placeholder": "₫"}
            )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The highest price is below the lowest."))
        return cleaned

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.product_list``: the valid fields only."""
        self.is_valid()
        valid = self.cleaned_data  # a field with an error is not in it
        return {
            "sort": valid.get("sort") or "relevance",
            "province_code": valid.get("province"),
            "min_ocop_stars": valid.get("ocop"),
            "min_price": valid.get("price_min"),
            "max_price": valid.get("price_max"),
        }

"""The checkout's shipping address, with the province chosen from the official list: shipping
is charged by comparing it with each producer's province (see methods.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_class

from shop import geo

OscarShippingAddressForm = get_class("checkout.forms", "ShippingAddressForm")


def province_name_choices() -> list[tuple[str, str]]:
    return [("", _("Choose a province or city"))] + [
        (name, name) for _code, name in geo.province_choices()
    ]


class ShippingAddressForm(OscarShippingAddressForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"] = forms.ChoiceField(
            label=_("Province or city"),
            choices=province_name_choices(),
            required=True,
            help_text=_("Shipping is charged by each producer, by province."),
        )

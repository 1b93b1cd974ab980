from django import forms
from django.utils.translation import gettext_lazy as _

from shop.fulfilment.models import Shipment


class AdvanceForm(forms.Form):
    """The next step of a shipment; shipping also needs the carrier and tracking number."""

    to = forms.ChoiceField(choices=Shipment.Status.choices, widget=forms.HiddenInput)
    carrier = forms.CharField(label=_("Carrier"), max_length=64, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64, required=False)


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Shipment.Status.choices),
    )

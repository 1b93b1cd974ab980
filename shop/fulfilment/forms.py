from django import forms
from django.utils.translation import gettext_lazy as _

from shop.carriers import registry
from shop.fulfilment.models import CarrierCallback, Shipment


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


class CallbackFilterForm(forms.Form):
    """Operators narrow the carriers' callbacks down: by carrier, outcome or order code."""

    carrier = forms.ChoiceField(label=_("Carrier"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All"))] + list(CarrierCallback.Outcome.choices),
    )
    code = forms.CharField(label=_("Order code"), max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [("", _("All"))] + registry.choices()

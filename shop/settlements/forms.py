"""Forms of the settlement pages: a filter for operators and the payment record."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.settlements.models import Statement

Partner = get_model("partner", "Partner")


class StatementFilterForm(forms.Form):
    producer = forms.ModelChoiceField(
        label=_("Producer"), required=False, queryset=Partner.objects.order_by("name")
    )
    day = forms.DateField(
        label=_("Period including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Statement.Status.choices]
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"partner": data["producer"], "day": data["day"], "status": data["status"]}


class StatementPayForm(forms.Form):
    bank_reference = forms.CharField(
        label=_("Bank transfer reference"),
        max_length=64,
        help_text=_("As shown by the banking app once the transfer is done."),
    )

"""Forms of the settlement pages: a filter for operators, the payment record, a carrier's
cash-on-delivery report and the decision on a discrepancy."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.fulfilment.cod import Decision
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


class CodReportForm(forms.Form):
    """A carrier's cash-on-delivery report (read by `cod_report.report_read`)."""

    report = forms.FileField(
        label=_("Carrier's COD report"),
        help_text=_("CSV or Excel (.xlsx): the carrier's order code and the cash collected."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    carrier = forms.ChoiceField(label=_("Carrier"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        carriers = [(key, entry.get("LABEL", key)) for key, entry in settings.CARRIERS.items()]
        self.fields["carrier"].choices = [("", _("Any (codes are unique)")), *carriers]


class CodResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Required to write the difference off."),
    )

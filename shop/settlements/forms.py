"""Forms of the settlement pages: a filter for operators, the payment record, a carrier's
cash-on-delivery report and the decision on a discrepancy."""

import re

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.fulfilment.cod import Decision
from shop.partner.tax_ids import tax_id_check_for_kind, tax_id_normalise
from shop.reporting import DateRange, month_range
from shop.settlements import tax
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


class TaxMonthForm(forms.Form):
    """The month of a tax declaration: YYYY-MM, from the month withholding began to this one."""

    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("For example 2026-11."),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_month(self) -> DateRange:
        value = self.cleaned_data["month"].strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(
                _("Write the month as year-month, for example 2026-11."), code="month_format"
            )
        period = month_range(int(match.group(1)), int(match.group(2)))
        if period.start > self.today:
            raise forms.ValidationError(
                _("This month has not begun: choose this month or an earlier one."),
                code="month_future",
            )
        first = tax.start_date()
        if period.end < first:
            raise forms.ValidationError(
                _("The floor began withholding tax in %(month)s: choose that month or a later one.")
                % {"month": f"{first:%m/%Y}"},
                code="month_before_start",
            )
        return period


class TaxIdForm(forms.Form):
    tax_id = forms.CharField(
        label=_("Tax code or personal ID number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner

    def clean_tax_id(self) -> str:
        value = tax_id_normalise(self.cleaned_data["tax_id"])
        tax_id_check_for_kind(value, kind=self.partner.kind)
        return value

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shop.uploads.files import LOT_ATTACHMENT
from shop.uploads.forms import UploadField
from traceability.models import BizStep, Unit, lot_code_validator

PUBLIC_TEXT = _(
    "Anyone can read this text and it can never be changed or erased: write no one's name, "
    "phone number or address here."
)


class LotForm(forms.Form):
    product = forms.ModelChoiceField(queryset=None, label=_("Product"))
    code = forms.CharField(
        label=_("Lot code"),
        max_length=20,
        validators=[lot_code_validator],
        help_text=_("As printed on the packaging, e.g. MO-2025-11."),
    )
    production_date = forms.DateField(
        label=_("Harvest or production date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    quantity = forms.DecimalField(  # Lot.quantity is NUMERIC(12, 3)
        label=_("Quantity"), min_value=0, max_digits=12, decimal_places=3
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, decimal_places=6
    )
    ocop_certificate = forms.CharField(label=_("OCOP certificate"), required=False, max_length=100)
    gi_certificate = forms.CharField(
        label=_("Geographical indication certificate"), required=False, max_length=100
    )
    details = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea, help_text=PUBLIC_TEXT
    )
    attachment = UploadField(label=_("Photo or document"), required=False, policy=LOT_ATTACHMENT)

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Enter both the latitude and the longitude, or neither."))
        return data


class EventForm(forms.Form):
    STEPS = [
        (step.value, step.label)
        for step in (BizStep.PACKING, BizStep.TRANSFORMING, BizStep.SHIPPING, BizStep.RECEIVING)
    ]
    biz_step = forms.ChoiceField(label=_("Step"), choices=STEPS)
    quantity = forms.DecimalField(
        label=_("Quantity (in the lot's unit)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=3,
    )
    corrects = forms.TypedChoiceField(
        label=_("Corrects an earlier event"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Recorded events never change: to correct one, choose it here."),
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea,
        help_text=format_lazy(
            "{} {}", _("To correct an earlier event, say here what was wrong."), PUBLIC_TEXT
        ),
    )
    attachment = UploadField(label=_("Photo or document"), required=False, policy=LOT_ATTACHMENT)

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.events = {event.pk: event for event in events}
        self.fields["corrects"].choices = [("", "—")] + [
            (
                event.pk,
                f"#{event.seq} · {event.get_biz_step_display()} · "
                f"{date_format(timezone.localtime(event.event_time), 'DATETIME_FORMAT')}",
            )
            for event in events
        ]

    def clean_corrects(self):
        pk = self.cleaned_data.get("corrects")
        return self.events.get(pk) if pk is not None else None

    def clean(self):
        data = super().clean()
        if data.get("corrects") is not None and not (data.get("details") or "").strip():
            self.add_error("details", _("Say what was wrong in the event you correct."))
        return data


class SigningKeyForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Signing passphrase"),
        min_length=12,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters. It is never stored: if you forget it, ask for a new key."
        ),
    )
    confirm = forms.CharField(
        label=_("Repeat the passphrase"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("passphrase") != data.get("confirm"):
            raise forms.ValidationError(_("The two passphrases differ."))
        return data


class InspectionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("pass", _("Passed")), ("fail", _("Failed: stop selling this lot"))],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, help_text=PUBLIC_TEXT)
    lab_report = UploadField(label=_("Lab report"), required=False, policy=LOT_ATTACHMENT)
    forget_held_report = forms.BooleanField(  # shown only while a report is kept
        label=_("Do not attach the kept report"), required=False
    )
    passphrase = forms.CharField(
        label=_("Signing passphrase"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ShipmentForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=128)
    quantity = forms.IntegerField(  # LotShipment.quantity is an integer column
        label=_("Units from this lot"), min_value=1, max_value=2**31 - 1
    )


class LabelsForm(forms.Form):
    count = forms.IntegerField(label=_("Labels"), min_value=1, initial=21)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A PDF is drawn within the request: TRACE_LABELS_MAX keeps it to a few seconds.
        field = self.fields["count"]
        field.max_value = settings.TRACE_LABELS_MAX
        field.validators.append(MaxValueValidator(settings.TRACE_LABELS_MAX))
        field.widget.attrs["max"] = settings.TRACE_LABELS_MAX


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Lot code"), max_length=20)


class ErasureSearchForm(forms.Form):
    q = forms.CharField(
        label=_("E-mail, phone number or household's name"),
        max_length=150,
        required=False,
    )


class ErasureForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of the person's request"),
        max_length=100,
        help_text=_(
            "The number of the letter or form in which the person asked, e.g. YC-2026-014."
        ),
    )
    reason = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the person asked and how their identity was checked."),
    )
    confirm = forms.BooleanField(
        label=_("I checked the person's identity. Erase their data for good."),
    )


class CertificateForm(forms.Form):
    """Issue a certificate (``services.certificate_issue``); dates are local days."""

    product = forms.ModelChoiceField(queryset=None, label=_("Product"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("ocop", _("OCOP star rating")), ("gi", _("Geographical indication"))],
    )
    reference = forms.CharField(label=_("Certificate number"), max_length=100)
    level = forms.TypedChoiceField(
        label=_("Stars"),
        coerce=int,
        required=False,
        empty_value=0,
        choices=[("", "—"), (3, "3★"), (4, "4★"), (5, "5★")],
        help_text=_("OCOP ratings only."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "The first day it is no longer valid. An OCOP rating expires 36 months after it"
            " starts unless you give an earlier day."
        ),
    )
    passphrase = forms.CharField(
        label=_("Signing passphrase"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        from oscar.core.loading import get_model

        super().__init__(*args, **kwargs)
        products = get_model("catalogue", "Product").objects.filter(producer__isnull=False)
        self.fields["product"].queryset = products.select_related("producer").order_by("title")

    def clean(self):
        data = super().clean()
        kind, level = data.get("kind"), data.get("level")
        if kind == "ocop" and not level:
            self.add_error("level", _("Choose the number of stars."))
        if kind == "gi" and not data.get("valid_until"):
            self.add_error("valid_until", _("Say until when the right to the indication is valid."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("It must expire after it starts."))
        return data

    @staticmethod
    def moment(day):
        """The start of ``day`` in the site's time zone."""
        from datetime import datetime, time

        return timezone.make_aware(datetime.combine(day, time.min)) if day else None

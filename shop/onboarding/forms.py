"""The public application form, the applicant's answer form and the operators' forms.

Forms validate and normalise what people type; the services decide what happens.
"""

import re

from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from payments.banks import BANKS
from shop import geo
from shop.onboarding.models import Application, Status
from shop.onboarding.services import APPLICANT_FIELDS, TAX_FIELDS
from shop.partner.models import ACCOUNT_NUMBER, ProducerKind
from shop.partner.tax_ids import tax_id_check_for_kind, tax_id_normalise
from shop.phones import PHONE_WIDGET_ATTRS, normalise_phone
from shop.privacy.forms import consent_field
from shop.text import fold
from shop.uploads import files
from shop.uploads.forms import UploadsField

_HOLDER = re.compile(r"^[A-Z0-9 .,&'()-]+$")


def normalise_account_holder(value: str) -> str:
    """Upper case without Vietnamese marks, as banks print it: "Lò Thị Mỷ" -> "LO THI MY"."""
    holder = fold(value).upper()
    if not _HOLDER.match(holder):
        raise forms.ValidationError(
            _("Write the account holder's name as on the bank account, in letters and spaces."),
            code="invalid_holder",
        )
    return holder


def bank_choices() -> list[tuple[str, str]]:
    return [("", _("Choose a bank"))] + [
        (bank.bin, f"{bank.short_name} – {bank.name} ({bank.bin})") for bank in BANKS
    ]


def commune_choices(province_code: int | None = None):
    """Communes of one province, or of every province grouped by province (so the list still
    works when JavaScript is off; the page's script then shows the chosen province's only)."""
    if province_code is not None:
        return [("", _("Choose a commune"))] + geo.ward_choices(province_code)
    return [("", _("Choose a commune"))] + [
        (name, geo.ward_choices(code)) for code, name in geo.province_choices()
    ]


class CommuneField(forms.TypedChoiceField):
    """Any official commune is a valid value, whichever are listed; whether it lies in the chosen
    province is checked by the form, with a message that says so."""

    def valid_value(self, value):
        try:
            return geo.ward(int(value)) is not None
        except (TypeError, ValueError):
            return False


class DocumentsField(UploadsField):
    """Several files in one input. Each must really be a PDF, JPEG, PNG or WebP (by its bytes,
    whatever its name or the browser says), no larger than ONBOARDING_MAX_DOCUMENT_BYTES, and
    there are at most ONBOARDING_MAX_DOCUMENTS of them."""

    def __init__(self, **kwargs):
        super().__init__(
            policy=files.APPLICATION, max_count_setting="ONBOARDING_MAX_DOCUMENTS", **kwargs
        )


class ApplicationForm(forms.ModelForm):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(attrs=dict(PHONE_WIDGET_ATTRS)),
        help_text=_("A Vietnamese number, e.g. 0912 345 678."),
    )
    province_code = forms.TypedChoiceField(label=_("Province"), coerce=int, choices=())
    ward_code = CommuneField(label=_("Commune"), coerce=int, choices=())
    payout_bank_bin = forms.ChoiceField(label=_("Bank"), choices=())
    payout_account_number = forms.CharField(
        label=_("Account number"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("6 to 19 digits."),
    )
    # Longer than the column: people type spaces and dots, which clean_tax_id removes.
    tax_id = forms.CharField(
        label=_("Tax code or personal ID number"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "A household: the representative's 12-digit personal ID number (or the "
            "household's tax code). A cooperative or an enterprise: its 10-digit tax code. "
            "The floor withholds VAT and personal income tax for households."
        ),
    )
    documents = DocumentsField(
        label=_("Supporting documents"),
        required=False,
        help_text=_(
            "Registration certificate, OCOP or food-safety certificates, photos: PDF, JPEG, "
            "PNG or WebP, up to %(count)d files."
        ),
    )

    class Meta:
        model = Application
        fields = [*APPLICANT_FIELDS, *TAX_FIELDS]
        widgets = {
            "kind": forms.RadioSelect,
            "products": forms.Textarea(attrs={"rows": 4}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "representative": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {
            "payout_account_holder": _("As printed by the bank; we remove the accents for you."),
            "products": _("For example: mint honey, buckwheat cakes, corn wine."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ProducerKind.choices
        self.fields["province_code"].choices = [("", _("Choose a province"))] + list(
            geo.province_choices()
        )
        province = self._chosen_province()
        self.fields["ward_code"].choices = commune_choices(province)
        self.fields["payout_bank_bin"].choices = bank_choices()
        documents_field = self.fields["documents"]
        documents_field.help_text = documents_field.help_text % {
            "count": settings.ONBOARDING_MAX_DOCUMENTS
        }
        self.fields["consent_producer"] = consent_field(purpose="producer")  # shop.privacy

    def _chosen_province(self) -> int | None:
        raw = self.data.get(self.add_prefix("province_code")) if self.is_bound else None
        try:
            code = int(raw)
        except (TypeError, ValueError):
            return None
        return code if geo.province(code) is not None else None

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean_payout_account_number(self):
        number = self.cleaned_data["payout_account_number"].strip()
        ACCOUNT_NUMBER(number)
        return number

    def clean_tax_id(self):
        return tax_id_normalise(self.cleaned_data.get("tax_id") or "")

    def clean_payout_account_holder(self):
        return normalise_account_holder(self.cleaned_data["payout_account_holder"])

    def clean(self):
        cleaned = super().clean()
        province, ward = cleaned.get("province_code"), cleaned.get("ward_code")
        if province and ward and not geo.ward_in_province(ward, province):
            self.add_error(
                "ward_code", _("This commune is not in the province you chose. Choose again.")
            )
        if "tax_id" in cleaned and cleaned.get("kind"):
            try:
                tax_id_check_for_kind(cleaned["tax_id"], kind=cleaned["kind"])
            except forms.ValidationError as invalid:
                self.add_error("tax_id", invalid)
        return cleaned


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    documents = DocumentsField(label=_("More documents"), required=False)


class StatusLinkForm(forms.Form):
    """The applicant types the e-mail address or the phone number they applied with."""

    contact = forms.CharField(
        label=_("E-mail or phone number you applied with"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )

    def clean(self):
        cleaned = super().clean()
        contact = (cleaned.get("contact") or "").strip()
        cleaned["email"], cleaned["phone"] = "", ""
        if "@" in contact:
            try:
                validate_email(contact)
            except forms.ValidationError:
                self.add_error("contact", _("Enter a valid e-mail address or phone number."))
            cleaned["email"] = contact
        elif contact:
            try:
                cleaned["phone"] = normalise_phone(contact)
            except forms.ValidationError:
                self.add_error("contact", _("Enter a valid e-mail address or phone number."))
        return cleaned


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Status.choices),
    )


class DecisionForm(forms.Form):
    """Approve (message optional), reject (reason required) or ask (message required)."""

    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].required = required

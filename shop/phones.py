"""Vietnamese phone numbers, typed by people (buyers, producers, applicants): one parser for all.

Whatever was typed ("0912 345 678", "+84 912-345-678", "84912345678"), a valid Vietnamese
number comes back in E.164 ("+84912345678"), which is what we store and give carriers.
"""

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

PHONE_WIDGET_ATTRS = {"type": "tel", "autocomplete": "tel", "inputmode": "tel"}


def normalise_phone(value: str) -> str:
    """A Vietnamese phone number in E.164 (+84…), or ValidationError."""
    try:
        number = phonenumbers.parse(str(value), "VN")
    except phonenumbers.NumberParseException:
        raise forms.ValidationError(
            _("This is not a phone number. Write it like 0912 345 678 or +84 912 345 678."),
            code="invalid_phone",
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("This is not a valid phone number. Write it like 0912 345 678 or +84 912 345 678."),
            code="invalid_phone",
        )
    if phonenumbers.region_code_for_number(number) != "VN":
        raise forms.ValidationError(
            _("Please give a Vietnamese phone number (+84)."), code="foreign_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class VietnamesePhoneField(forms.CharField):
    """A phone field for a Vietnamese number: a `tel` input, cleaned to E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs=dict(PHONE_WIDGET_ATTRS)))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_phone(value) if value else value


def national(e164: str) -> str:
    """A stored number as people write it ("+84912345678" → "0912 345 678"); "" stays ""."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)

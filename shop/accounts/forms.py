from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_class

from shop.recipients import user_recipient

OscarPasswordResetForm = get_class("customer.forms", "PasswordResetForm")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )


class UnlockForm(forms.Form):
    username = forms.CharField(label=_("Account (e-mail address)"), max_length=255)


class PasswordResetForm(OscarPasswordResetForm):
    """Oscar's, with each account's e-mail written in its person's language and linking to the
    reset page in it (/en/… for English), whichever page they asked from."""

    def send_password_reset_email(self, site, user, request=None):
        with translation.override(user_recipient(user).language):
            super().send_password_reset_email(site, user, request)

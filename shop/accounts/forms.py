from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_class

from shop.channels import Channel
from shop.phones import VietnamesePhoneField
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


class MessageSettingsForm(forms.Form):
    """How a buyer hears from us: e-mail, or Zalo at a phone number."""

    notify_channel = forms.ChoiceField(
        label=_("Messages about my orders"),
        choices=[(Channel.EMAIL, _("By e-mail")), (Channel.ZALO, _("By Zalo, at my phone"))],
        widget=forms.RadioSelect,
    )
    phone = VietnamesePhoneField(
        label=_("Phone number for Zalo"),
        required=False,
        help_text=_("The number your Zalo account uses, e.g. 0912 345 678."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify_channel") == Channel.ZALO and not cleaned.get("phone"):
            self.add_error("phone", _("Zalo messages need the phone number of your Zalo."))
        return cleaned


class PasswordResetForm(OscarPasswordResetForm):
    """Oscar's, with each account's e-mail written in its person's language and linking to the
    reset page in it (/en/… for English), whichever page they asked from."""

    def send_password_reset_email(self, site, user, request=None):
        with translation.override(user_recipient(user).language):
            super().send_password_reset_email(site, user, request)
